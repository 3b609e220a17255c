// text_buffer<N>: a fixed-capacity text builder for messages and log lines.
//
// No allocation, no stdio, no iostreams: parts are appended (strings,
// characters, integers in decimal, `hex(v)` in hexadecimal) and whatever does
// not fit is cut, marked by a trailing "...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace atl {

/// hex(v): formats an unsigned integer in hexadecimal when appended.
struct hex {
  std::uint64_t value;
};

/// format_into(out, capacity, used, part): appends one part; returns the new
/// length. The building block of text_buffer and error messages.
std::size_t format_into(char* out, std::size_t capacity, std::size_t used,
                        std::string_view part) noexcept;
std::size_t format_signed(char* out, std::size_t capacity, std::size_t used, long long v) noexcept;
std::size_t format_unsigned(char* out, std::size_t capacity, std::size_t used, unsigned long long v,
                            unsigned base) noexcept;

template <std::size_t N>
class text_buffer {
public:
  text_buffer() noexcept = default;
  template <class... Parts>
  explicit text_buffer(const Parts&... parts) noexcept {
    (append(parts), ...);
  }

  text_buffer& append(std::string_view s) noexcept {
    used_ = format_into(data_, N, used_, s);
    return *this;
  }
  text_buffer& append(const char* s) noexcept { return append(std::string_view(s)); }
  text_buffer& append(char c) noexcept { return append(std::string_view(&c, 1)); }
  text_buffer& append(bool b) noexcept { return append(b ? "true" : "false"); }
  text_buffer& append(hex h) noexcept {
    used_ = format_unsigned(data_, N, used_, h.value, 16);
    return *this;
  }
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
  text_buffer& append(I v) noexcept {
    if constexpr (std::is_signed_v<I>) {
      used_ = format_signed(data_, N, used_, v);
    } else {
      used_ = format_unsigned(data_, N, used_, v, 10);
    }
    return *this;
  }
  template <class E>
    requires std::is_enum_v<E>
  text_buffer& append(E e) noexcept {
    return append(static_cast<std::underlying_type_t<E>>(e));
  }

  [[nodiscard]] std::string_view view() const noexcept { return {data_, used_}; }
  [[nodiscard]] std::size_t size() const noexcept { return used_; }
  void clear() noexcept { used_ = 0; }

private:
  char data_[N];
  std::size_t used_ = 0;
};

}  // namespace atl
