#include <atoll/core/format.hpp>

namespace atl {

std::size_t format_into(char* out, std::size_t capacity, std::size_t used,
                        std::string_view part) noexcept {
  constexpr std::string_view ellipsis = "...";
  if (capacity < ellipsis.size()) return used;
  for (char c : part) {
    if (used == capacity) {
      for (std::size_t i = 0; i < ellipsis.size(); ++i)
        out[capacity - ellipsis.size() + i] = ellipsis[i];
      return capacity;
    }
    out[used++] = c;
  }
  return used;
}

std::size_t format_unsigned(char* out, std::size_t capacity, std::size_t used, unsigned long long v,
                            unsigned base) noexcept {
  char digits[24];
  std::size_t n = 0;
  do {
    const unsigned d = static_cast<unsigned>(v % base);
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + (d - 10));
    v /= base;
  } while (v != 0);
  char text[24];
  for (std::size_t i = 0; i < n; ++i) text[i] = digits[n - 1 - i];
  return format_into(out, capacity, used, std::string_view(text, n));
}

std::size_t format_signed(char* out, std::size_t capacity, std::size_t used, long long v) noexcept {
  if (v >= 0) return format_unsigned(out, capacity, used, static_cast<unsigned long long>(v), 10);
  used = format_into(out, capacity, used, "-");
  // Negate in unsigned arithmetic: -LLONG_MIN does not fit a long long.
  return format_unsigned(out, capacity, used, 0ULL - static_cast<unsigned long long>(v), 10);
}

}  // namespace atl
