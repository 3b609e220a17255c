#include <atoll/core/assert.hpp>
#include <atoll/net/checksum.hpp>

#include <bit>
#include <cstring>

namespace atl::net {
namespace {

inline std::uint64_t load64(const std::byte* p) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// a + b with the carry out of bit 63 added back in (end-around carry): the
// one's complement sum of 64-bit words. Cannot overflow again: when the first
// addition carries, its result is at most 2^64 - 2.
inline std::uint64_t add_carry(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t s = 0;
  const bool carry = __builtin_add_overflow(a, b, &s);
  return s + static_cast<std::uint64_t>(carry);
}

inline std::uint16_t fold(std::uint64_t v) noexcept {
  v = (v & 0xffffffffU) + (v >> 32);  // at most 33 bits
  v = (v & 0xffffffffU) + (v >> 32);  // at most 32 bits
  v = (v & 0xffffU) + (v >> 16);      // at most 17 bits
  v = (v & 0xffffU) + (v >> 16);      // 16 bits
  return static_cast<std::uint16_t>(v);
}

// The one's complement sum of the bytes as native-order 16-bit words (so
// byte-swapped on a little-endian host), folded to 16 bits.
std::uint16_t native_sum(const std::byte* p, std::size_t n) noexcept {
  // Four independent chains, 32 bytes a turn: the add-with-carry of each
  // chain depends only on its own previous turn.
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t c = 0;
  std::uint64_t d = 0;
  while (n >= 32) {
    a = add_carry(a, load64(p));
    b = add_carry(b, load64(p + 8));
    c = add_carry(c, load64(p + 16));
    d = add_carry(d, load64(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    a = add_carry(a, load64(p));
    p += 8;
    n -= 8;
  }
  if (n != 0) {
    // The last 1 to 7 bytes, zero-padded: the same words the 16-bit view
    // sees, with an odd last byte in the first position of its word.
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    b = add_carry(b, tail);
  }
  return fold(add_carry(add_carry(a, b), add_carry(c, d)));
}

inline std::uint16_t to_network(std::uint16_t native) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::uint16_t>((native >> 8) | (native << 8));
  } else {
    return native;
  }
}

inline std::uint16_t swap16(std::uint16_t v) noexcept {
  return static_cast<std::uint16_t>((v >> 8) | (v << 8));
}

inline std::uint16_t word(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace

std::uint16_t ones_sum(std::span<const std::byte> bytes) noexcept {
  return to_network(native_sum(bytes.data(), bytes.size()));
}

void checksum_accumulator::add(std::span<const std::byte> bytes) noexcept {
  const std::uint16_t s = ones_sum(bytes);
  // A piece that starts at an odd offset has each byte in the other half of
  // its 16-bit word: its sum is byte-swapped (RFC 1071 2(B)).
  sum_ = ones_add(sum_, odd_ ? swap16(s) : s);
  odd_ = odd_ != ((bytes.size() & 1U) != 0);
}

void checksum_accumulator::add_partial(std::uint16_t partial) noexcept {
  ATOLL_ASSERT(!odd_);
  sum_ = ones_add(sum_, partial);
}

std::uint16_t pseudo_header_sum(const ipv4_addr& src, const ipv4_addr& dst, ip_protocol protocol,
                                std::uint16_t length) noexcept {
  std::uint32_t s = 0;
  s += word(src.octets().data()) + word(src.octets().data() + 2);
  s += word(dst.octets().data()) + word(dst.octets().data() + 2);
  s += static_cast<std::uint8_t>(protocol);
  s += length;
  return fold(s);
}

std::uint16_t pseudo_header_sum(const ipv6_addr& src, const ipv6_addr& dst, ip_protocol next_header,
                                std::uint32_t length) noexcept {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i < 16; i += 2) {
    s += word(src.octets().data() + i) + word(dst.octets().data() + i);
  }
  s += length >> 16;
  s += length & 0xffffU;
  s += static_cast<std::uint8_t>(next_header);
  return fold(s);
}

}  // namespace atl::net
