// Big-endian field access for the wire views and emitters.
//
// A view's accessors read fields at offsets its checked() constructor has
// already validated against the buffer; these helpers check the bound once
// more and stop with a report if it is wrong, so a bug in a view can never
// become an out-of-bounds read. Peer data never reaches them unchecked.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/net/addr.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace atl::net::wire {

/// fits(size, at, width): [at, at + width) lies inside `size` bytes (no overflow).
[[nodiscard]] constexpr bool fits(std::size_t size, std::size_t at, std::size_t width) noexcept {
  return at <= size && width <= size - at;
}

[[nodiscard]] inline std::uint8_t get_u8(std::span<const std::byte> b, std::size_t at) noexcept {
  ATOLL_ASSERT(at < b.size());
  return static_cast<std::uint8_t>(b[at]);
}
[[nodiscard]] inline std::uint16_t get_u16(std::span<const std::byte> b, std::size_t at) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 2));
  return static_cast<std::uint16_t>((static_cast<unsigned>(b[at]) << 8) |
                                    static_cast<unsigned>(b[at + 1]));
}
[[nodiscard]] inline std::uint32_t get_u32(std::span<const std::byte> b, std::size_t at) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 4));
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | static_cast<std::uint32_t>(b[at + 3]);
}
/// field(bytes, at, width): a sub-span (checked like the integer reads).
[[nodiscard]] inline std::span<const std::byte> field(std::span<const std::byte> b, std::size_t at,
                                                      std::size_t width) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, width));
  return b.subspan(at, width);
}

inline void put_u8(std::span<std::byte> b, std::size_t at, std::uint8_t v) noexcept {
  ATOLL_ASSERT(at < b.size());
  b[at] = static_cast<std::byte>(v);
}
inline void put_u16(std::span<std::byte> b, std::size_t at, std::uint16_t v) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 2));
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v);
}
inline void put_u32(std::span<std::byte> b, std::size_t at, std::uint32_t v) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 4));
  b[at] = static_cast<std::byte>(v >> 24);
  b[at + 1] = static_cast<std::byte>(v >> 16);
  b[at + 2] = static_cast<std::byte>(v >> 8);
  b[at + 3] = static_cast<std::byte>(v);
}
inline void put_bytes(std::span<std::byte> b, std::size_t at,
                      std::span<const std::byte> in) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, in.size()));
  if (!in.empty()) std::memcpy(b.data() + at, in.data(), in.size());
}
inline void put_zeros(std::span<std::byte> b, std::size_t at, std::size_t n) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, n));
  if (n != 0) std::memset(b.data() + at, 0, n);
}

/// get_mac / get_ipv4 / get_ipv6: an address at `at` (checked like the integer reads).
[[nodiscard]] inline mac_addr get_mac(std::span<const std::byte> b, std::size_t at) noexcept {
  const auto f = field(b, at, 6);
  mac_addr::octets_type o{};
  for (std::size_t i = 0; i < o.size(); ++i) o[i] = static_cast<std::uint8_t>(f[i]);
  return mac_addr(o);
}
[[nodiscard]] inline ipv4_addr get_ipv4(std::span<const std::byte> b, std::size_t at) noexcept {
  return ipv4_addr::from_bytes(field(b, at, 4));
}
[[nodiscard]] inline ipv6_addr get_ipv6(std::span<const std::byte> b, std::size_t at) noexcept {
  return ipv6_addr::from_bytes(field(b, at, 16));
}
inline void put_mac(std::span<std::byte> b, std::size_t at, const mac_addr& mac) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 6));
  for (std::size_t i = 0; i < 6; ++i) b[at + i] = static_cast<std::byte>(mac.octets()[i]);
}
inline void put_ipv4(std::span<std::byte> b, std::size_t at, const ipv4_addr& a) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 4));
  a.write_to(b.subspan(at, 4));
}
inline void put_ipv6(std::span<std::byte> b, std::size_t at, const ipv6_addr& a) noexcept {
  ATOLL_ASSERT(fits(b.size(), at, 16));
  a.write_to(b.subspan(at, 16));
}

/// same_bytes(a, b): equal contents (for reprs that view a payload).
[[nodiscard]] inline bool same_bytes(std::span<const std::byte> a,
                                     std::span<const std::byte> b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace atl::net::wire
