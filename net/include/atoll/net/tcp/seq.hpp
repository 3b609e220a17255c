// seq: a TCP sequence number, compared modulo 2^32 (RFC 9293 3.4).
//
// Sequence numbers wrap, so `<` on the raw value is wrong once a connection
// has moved 4 GiB; a strong type makes the modular comparison the only one
// available. a < b means b is ahead of a by less than 2^31.
#pragma once

#include <compare>
#include <cstdint>

namespace atl::net::tcp {

class seq {
public:
  constexpr seq() noexcept = default;
  constexpr explicit seq(std::uint32_t value) noexcept : value_(value) {}

  [[nodiscard]] constexpr std::uint32_t value() const noexcept { return value_; }

  /// seq + n: n bytes (or SYN/FIN units) further on, wrapping.
  friend constexpr seq operator+(seq s, std::uint32_t n) noexcept { return seq(s.value_ + n); }
  friend constexpr seq operator-(seq s, std::uint32_t n) noexcept { return seq(s.value_ - n); }
  constexpr seq& operator+=(std::uint32_t n) noexcept {
    value_ += n;
    return *this;
  }
  /// a - b: how far a is ahead of b (negative when behind), valid while the
  /// two are within 2^31 of each other.
  friend constexpr std::int32_t operator-(seq a, seq b) noexcept {
    return static_cast<std::int32_t>(a.value_ - b.value_);
  }

  friend constexpr bool operator==(seq, seq) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(seq a, seq b) noexcept { return (a - b) <=> 0; }

private:
  std::uint32_t value_ = 0;
};

/// in_window(s, start, size): start <= s < start + size (modular); an empty
/// window holds nothing.
constexpr bool in_window(seq s, seq start, std::uint32_t size) noexcept {
  return static_cast<std::uint32_t>(s.value() - start.value()) < size;
}

}  // namespace atl::net::tcp
