// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
// complement sum of the data taken as big-endian 16-bit words, an odd last
// byte padded with zero. IPv4, ICMP, UDP and TCP use it; UDP, TCP and ICMPv6
// also cover a pseudo-header of the IP addresses, the protocol and the length.
//
// The sum does not depend on byte order (RFC 1071 section 2(B)), so the bytes
// are added as native 64-bit words, eight at a time, and the folded result is
// turned to network order once at the end (docs/net-wire.md, "checksum", has
// the figures).
//
// checksum_accumulator adds pieces of a message one after the other (a header
// in one buf, the payload in others) with the right alignment even when a
// piece has an odd length, so a scattered packet is summed without copying.
#pragma once

#include <atoll/net/addr.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

/// ones_sum(bytes): the one's complement sum of `bytes` as big-endian 16-bit
/// words (an odd last byte padded with zero), folded to 16 bits. Not
/// complemented: it is a partial sum to combine with others.
[[nodiscard]] std::uint16_t ones_sum(std::span<const std::byte> bytes) noexcept;

/// ones_add(a, b): one's complement addition of two 16-bit partial sums.
[[nodiscard]] constexpr std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) noexcept {
  const std::uint32_t s = std::uint32_t{a} + b;
  return static_cast<std::uint16_t>((s & 0xffffU) + (s >> 16));
}

/// internet_checksum(bytes): the checksum to store in a header whose
/// checksum field is zero in `bytes`; checking a received header, whose
/// field holds the checksum, gives 0 when it is right.
[[nodiscard]] inline std::uint16_t internet_checksum(std::span<const std::byte> bytes) noexcept {
  return static_cast<std::uint16_t>(~ones_sum(bytes));
}

/// checksum_update(checksum, old_word, new_word): the checksum of a header
/// after one of its 16-bit words changed from old_word to new_word, without
/// summing the header again (RFC 1624 equation 3: HC' = ~(~HC + ~m + m')).
[[nodiscard]] constexpr std::uint16_t checksum_update(std::uint16_t checksum,
                                                      std::uint16_t old_word,
                                                      std::uint16_t new_word) noexcept {
  const std::uint16_t s = ones_add(
      ones_add(static_cast<std::uint16_t>(~checksum), static_cast<std::uint16_t>(~old_word)),
      new_word);
  return static_cast<std::uint16_t>(~s);
}

/// checksum_update32: the same for a 32-bit field (an IPv4 address in a
/// pseudo-header, for NAT), as two 16-bit words.
[[nodiscard]] constexpr std::uint16_t checksum_update32(std::uint16_t checksum,
                                                        std::uint32_t old_value,
                                                        std::uint32_t new_value) noexcept {
  const std::uint16_t c = checksum_update(checksum, static_cast<std::uint16_t>(old_value >> 16),
                                          static_cast<std::uint16_t>(new_value >> 16));
  return checksum_update(c, static_cast<std::uint16_t>(old_value),
                         static_cast<std::uint16_t>(new_value));
}

/// checksum_accumulator: a running one's complement sum over pieces added in
/// the order they appear in the message. A piece of odd length shifts the
/// next piece by one byte, which the accumulator accounts for.
class checksum_accumulator {
public:
  constexpr checksum_accumulator() noexcept = default;
  /// checksum_accumulator(partial): starts from a partial sum (a pseudo-header's).
  constexpr explicit checksum_accumulator(std::uint16_t partial) noexcept : sum_(partial) {}

  /// add(bytes): the next piece of the message.
  void add(std::span<const std::byte> bytes) noexcept;
  /// add_partial(partial): a 16-bit partial sum of a piece that starts at an
  /// even offset of the message (a pseudo-header, a cached payload sum).
  /// Adding one after an odd-length piece is a bug.
  void add_partial(std::uint16_t partial) noexcept;

  /// sum: the partial sum so far (not complemented).
  [[nodiscard]] constexpr std::uint16_t sum() const noexcept { return sum_; }
  /// checksum: the complemented sum, the value a checksum field holds.
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept {
    return static_cast<std::uint16_t>(~sum_);
  }
  /// odd: the bytes added so far are an odd number.
  [[nodiscard]] constexpr bool odd() const noexcept { return odd_; }

private:
  std::uint16_t sum_ = 0;
  bool odd_ = false;
};

/// ip_protocol: the IPv4 protocol / IPv6 next header numbers used here
/// (IANA "Assigned Internet Protocol Numbers"). Other values are valid too.
enum class ip_protocol : std::uint8_t {
  hop_by_hop = 0,
  icmp = 1,
  tcp = 6,
  udp = 17,
  ipv6_route = 43,
  ipv6_frag = 44,
  esp = 50,
  ah = 51,
  icmpv6 = 58,
  ipv6_no_next = 59,
  ipv6_opts = 60,
};

/// pseudo_header_sum(src, dst, protocol, length): the partial sum of the IPv4
/// pseudo-header of RFC 793/768 (addresses, zero, protocol, 16-bit length).
[[nodiscard]] std::uint16_t pseudo_header_sum(const ipv4_addr& src, const ipv4_addr& dst,
                                              ip_protocol protocol, std::uint16_t length) noexcept;
/// pseudo_header_sum(src, dst, next_header, length): the partial sum of the
/// IPv6 pseudo-header of RFC 8200 section 8.1 (addresses, 32-bit upper-layer
/// length, three zero bytes, next header).
[[nodiscard]] std::uint16_t pseudo_header_sum(const ipv6_addr& src, const ipv6_addr& dst,
                                              ip_protocol next_header,
                                              std::uint32_t length) noexcept;

/// ip_pair: the source and destination of the IP header a transport message
/// travels in; what UDP, TCP and ICMPv6 checksums cover besides the message.
class ip_pair {
public:
  constexpr ip_pair(const ipv4_addr& src, const ipv4_addr& dst) noexcept
      : v6_(false), src4_(src), dst4_(dst) {}
  constexpr ip_pair(const ipv6_addr& src, const ipv6_addr& dst) noexcept
      : v6_(true), src6_(src), dst6_(dst) {}

  [[nodiscard]] constexpr bool is_v6() const noexcept { return v6_; }
  /// pseudo_sum(protocol, length): the pseudo-header's partial sum for a
  /// message of `length` bytes (header and payload).
  [[nodiscard]] std::uint16_t pseudo_sum(ip_protocol protocol, std::size_t length) const noexcept {
    if (v6_) return pseudo_header_sum(src6_, dst6_, protocol, static_cast<std::uint32_t>(length));
    return pseudo_header_sum(src4_, dst4_, protocol, static_cast<std::uint16_t>(length));
  }
  [[nodiscard]] constexpr const ipv4_addr& src4() const noexcept { return src4_; }
  [[nodiscard]] constexpr const ipv4_addr& dst4() const noexcept { return dst4_; }
  [[nodiscard]] constexpr const ipv6_addr& src6() const noexcept { return src6_; }
  [[nodiscard]] constexpr const ipv6_addr& dst6() const noexcept { return dst6_; }

private:
  bool v6_;
  ipv4_addr src4_;
  ipv4_addr dst4_;
  ipv6_addr src6_;
  ipv6_addr dst6_;
};

/// checksum_policy: whether parse() verifies a checksum. `ignore` is for
/// frames whose device already did (rx_info::checksum_valid) and for tests.
enum class checksum_policy : std::uint8_t { verify, ignore };

}  // namespace atl::net
