// memory_console: a console that keeps what is written, for tests.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/devices/console.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace atl {

class memory_console {
public:
  /// memory_console(max_bytes): keeps up to `max_bytes`; a write that would
  /// go past fails whole with errc::limit_exceeded (and is counted).
  explicit memory_console(std::size_t max_bytes = 1 << 20) noexcept : max_bytes_(max_bytes) {}

  result<void> write(std::string_view text) noexcept;

  /// text: everything written so far.
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  void clear() noexcept { text_.clear(); }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

private:
  std::size_t max_bytes_;
  std::string text_;
  std::uint64_t refused_ = 0;
};

static_assert(console<memory_console>);

}  // namespace atl
