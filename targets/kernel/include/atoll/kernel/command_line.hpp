// kernel::command_line: the kernel command line as the words the
// application's keys parse (key_set::parse), like argv on unix.
//
//   qemu-system-x86_64 -kernel hello.elf -append '--count=2 "--message=hi there"'
//
// Words are separated by blanks (space, tab, newline); a double-quoted run
// keeps its blanks, and a backslash takes the next character as it is (in
// quotes or not). The words are copied into the object, so the boot
// information that held the line may be reused after parse().
#pragma once

#include <atoll/core/result.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace atl::kernel {

class command_line {
public:
  static constexpr std::size_t max_length = 4096;  ///< bytes of the line
  static constexpr std::size_t max_words = 128;

  command_line() noexcept = default;
  // The words point into the object.
  command_line(const command_line&) = delete;
  command_line& operator=(const command_line&) = delete;

  /// parse(text): splits `text` (replacing what was there). invalid_argument
  /// for a NUL byte or an unterminated quote; limit_exceeded past
  /// max_length or max_words. On error the object holds no words.
  result<void> parse(std::string_view text) noexcept;

  [[nodiscard]] std::span<const std::string_view> words() const noexcept {
    return {words_, count_};
  }

private:
  char text_[max_length] = {};
  std::string_view words_[max_words] = {};
  std::size_t count_ = 0;
};

}  // namespace atl::kernel
