// Addresses of the network layers: ipv4_addr, ipv6_addr, their prefixes, and
// port, as strong types (never mistaken for a bare integer or six or sixteen
// arbitrary bytes). mac_addr is the device layer's (atoll/devices/network.hpp)
// and is used here as atl::mac_addr.
//
// Text forms: IPv4 in strict dotted decimal ("192.0.2.1": four decimal parts
// of 0 to 255, no leading zeros, which some parsers read as octal); IPv6 as
// RFC 4291 section 2.2 writes it on input (with "::" and a trailing dotted
// IPv4 part) and as RFC 5952 prescribes on output (lower case, no leading
// zeros, the longest run of two or more zero groups as "::", the first such
// run on a tie, IPv4-mapped addresses as ::ffff:192.0.2.1). Zone indices
// ("fe80::1%eth0") are not addresses and are rejected. Every parse failure is
// errc::invalid_argument quoting the text.
#pragma once

#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/devices/network.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace atl::net {

using atl::mac_addr;

/// ipv4_addr: a 32-bit IPv4 address, stored in network byte order.
class ipv4_addr {
public:
  using octets_type = std::array<std::uint8_t, 4>;

  constexpr ipv4_addr() noexcept = default;
  constexpr explicit ipv4_addr(const octets_type& octets) noexcept : octets_(octets) {}
  constexpr ipv4_addr(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept
      : octets_{a, b, c, d} {}
  /// from_u32(v): the address whose big-endian value is v (0xc0000201 is 192.0.2.1).
  static constexpr ipv4_addr from_u32(std::uint32_t v) noexcept {
    return ipv4_addr(static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                     static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v));
  }
  /// from_bytes(b): the address in the first four bytes of b (b.size() >= 4: a bug otherwise).
  static ipv4_addr from_bytes(std::span<const std::byte> b) noexcept;
  /// parse("192.0.2.1"): strict dotted decimal; errc::invalid_argument otherwise.
  static result<ipv4_addr> parse(std::string_view text) noexcept;

  static constexpr ipv4_addr any() noexcept { return {}; }
  static constexpr ipv4_addr broadcast() noexcept { return from_u32(0xffffffffU); }
  static constexpr ipv4_addr loopback() noexcept { return ipv4_addr(127, 0, 0, 1); }

  [[nodiscard]] constexpr const octets_type& octets() const noexcept { return octets_; }
  /// to_u32: the big-endian value (192.0.2.1 is 0xc0000201).
  [[nodiscard]] constexpr std::uint32_t to_u32() const noexcept {
    return (std::uint32_t{octets_[0]} << 24) | (std::uint32_t{octets_[1]} << 16) |
           (std::uint32_t{octets_[2]} << 8) | std::uint32_t{octets_[3]};
  }
  /// write_to(out): stores the four octets at the start of out (out.size() >= 4).
  void write_to(std::span<std::byte> out) const noexcept;

  [[nodiscard]] constexpr bool is_unspecified() const noexcept { return to_u32() == 0; }
  [[nodiscard]] constexpr bool is_broadcast() const noexcept { return to_u32() == 0xffffffffU; }
  /// 224.0.0.0/4.
  [[nodiscard]] constexpr bool is_multicast() const noexcept { return (octets_[0] & 0xf0) == 224; }
  /// 127.0.0.0/8.
  [[nodiscard]] constexpr bool is_loopback() const noexcept { return octets_[0] == 127; }
  /// 169.254.0.0/16 (RFC 3927).
  [[nodiscard]] constexpr bool is_link_local() const noexcept {
    return octets_[0] == 169 && octets_[1] == 254;
  }
  /// multicast_mac: the Ethernet group address of a multicast address
  /// (RFC 1112: 01:00:5e and the low 23 bits).
  [[nodiscard]] constexpr mac_addr multicast_mac() const noexcept {
    return mac_addr(mac_addr::octets_type{
        0x01, 0x00, 0x5e, static_cast<std::uint8_t>(octets_[1] & 0x7f), octets_[2], octets_[3]});
  }

  /// text: "192.0.2.1".
  [[nodiscard]] text_buffer<16> text() const noexcept;

  friend constexpr bool operator==(const ipv4_addr&, const ipv4_addr&) noexcept = default;
  friend constexpr auto operator<=>(const ipv4_addr&, const ipv4_addr&) noexcept = default;

private:
  octets_type octets_{};
};

/// ipv6_addr: a 128-bit IPv6 address, stored in network byte order.
class ipv6_addr {
public:
  using octets_type = std::array<std::uint8_t, 16>;

  constexpr ipv6_addr() noexcept = default;
  constexpr explicit ipv6_addr(const octets_type& octets) noexcept : octets_(octets) {}
  /// from_groups({0x2001, 0xdb8, ...}): from the eight 16-bit groups.
  static constexpr ipv6_addr from_groups(const std::array<std::uint16_t, 8>& groups) noexcept {
    octets_type o{};
    for (std::size_t i = 0; i < 8; ++i) {
      o[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
      o[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
    }
    return ipv6_addr(o);
  }
  /// from_bytes(b): the address in the first 16 bytes of b (b.size() >= 16: a bug otherwise).
  static ipv6_addr from_bytes(std::span<const std::byte> b) noexcept;
  /// parse("2001:db8::1"): RFC 4291 text; errc::invalid_argument otherwise.
  static result<ipv6_addr> parse(std::string_view text) noexcept;

  static constexpr ipv6_addr any() noexcept { return {}; }
  static constexpr ipv6_addr loopback() noexcept { return from_groups({0, 0, 0, 0, 0, 0, 0, 1}); }
  /// all_nodes: ff02::1; all_routers: ff02::2.
  static constexpr ipv6_addr all_nodes() noexcept {
    return from_groups({0xff02, 0, 0, 0, 0, 0, 0, 1});
  }
  static constexpr ipv6_addr all_routers() noexcept {
    return from_groups({0xff02, 0, 0, 0, 0, 0, 0, 2});
  }
  /// link_local_from_mac(mac): fe80::/64 with the modified EUI-64 interface
  /// identifier of an Ethernet address (RFC 4291 appendix A, RFC 2464).
  static constexpr ipv6_addr link_local_from_mac(const mac_addr& mac) noexcept {
    const auto& m = mac.octets();
    return ipv6_addr(octets_type{0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                 static_cast<std::uint8_t>(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe,
                                 m[3], m[4], m[5]});
  }

  [[nodiscard]] constexpr const octets_type& octets() const noexcept { return octets_; }
  /// group(i): the i-th 16-bit group (i < 8).
  [[nodiscard]] constexpr std::uint16_t group(std::size_t i) const noexcept {
    return static_cast<std::uint16_t>((octets_[2 * i] << 8) | octets_[2 * i + 1]);
  }
  /// write_to(out): stores the sixteen octets at the start of out (out.size() >= 16).
  void write_to(std::span<std::byte> out) const noexcept;

  [[nodiscard]] constexpr bool is_unspecified() const noexcept { return *this == any(); }
  [[nodiscard]] constexpr bool is_loopback() const noexcept { return *this == loopback(); }
  /// ff00::/8.
  [[nodiscard]] constexpr bool is_multicast() const noexcept { return octets_[0] == 0xff; }
  /// fe80::/10.
  [[nodiscard]] constexpr bool is_link_local() const noexcept {
    return octets_[0] == 0xfe && (octets_[1] & 0xc0) == 0x80;
  }
  /// ::ffff:0:0/96, an IPv4 address in IPv6 form (RFC 4291 2.5.5.2).
  [[nodiscard]] constexpr bool is_v4_mapped() const noexcept {
    for (std::size_t i = 0; i < 10; ++i) {
      if (octets_[i] != 0) return false;
    }
    return octets_[10] == 0xff && octets_[11] == 0xff;
  }
  /// ff02::1:ff00:0/104 (RFC 4291 2.7.1).
  [[nodiscard]] constexpr bool is_solicited_node() const noexcept {
    return *this == solicited_node_of(*this);
  }
  /// solicited_node: ff02::1:ffXX:XXXX, the group a neighbour solicitation
  /// for this address is sent to.
  [[nodiscard]] constexpr ipv6_addr solicited_node() const noexcept {
    return solicited_node_of(*this);
  }
  /// multicast_mac: the Ethernet group address of a multicast address
  /// (RFC 2464 section 7: 33:33 and the low 32 bits).
  [[nodiscard]] constexpr mac_addr multicast_mac() const noexcept {
    return mac_addr(
        mac_addr::octets_type{0x33, 0x33, octets_[12], octets_[13], octets_[14], octets_[15]});
  }

  /// text: RFC 5952 form ("2001:db8::1", "::ffff:192.0.2.1"); at most 45 characters.
  [[nodiscard]] text_buffer<48> text() const noexcept;

  friend constexpr bool operator==(const ipv6_addr&, const ipv6_addr&) noexcept = default;
  friend constexpr auto operator<=>(const ipv6_addr&, const ipv6_addr&) noexcept = default;

private:
  static constexpr ipv6_addr solicited_node_of(const ipv6_addr& a) noexcept {
    return ipv6_addr(octets_type{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, a.octets_[13],
                                 a.octets_[14], a.octets_[15]});
  }

  octets_type octets_{};
};

/// ipv4_prefix: an address and a prefix length (0 to 32), as written
/// "192.0.2.10/24". The address may have host bits set: an interface's
/// address and its subnet are one value; network() clears them.
class ipv4_prefix {
public:
  constexpr ipv4_prefix() noexcept = default;
  /// create(addr, length): errc::invalid_argument when length > 32.
  static result<ipv4_prefix> create(ipv4_addr addr, std::uint8_t length) noexcept;
  /// parse("192.0.2.0/24"): an address, '/', a decimal length of 0 to 32.
  static result<ipv4_prefix> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr ipv4_addr address() const noexcept { return addr_; }
  [[nodiscard]] constexpr std::uint8_t length() const noexcept { return length_; }
  /// mask: the netmask (/24 is 255.255.255.0).
  [[nodiscard]] constexpr ipv4_addr mask() const noexcept {
    return ipv4_addr::from_u32(mask_bits());
  }
  /// network: the address with the host bits cleared.
  [[nodiscard]] constexpr ipv4_addr network() const noexcept {
    return ipv4_addr::from_u32(addr_.to_u32() & mask_bits());
  }
  /// broadcast: the address with every host bit set (the directed broadcast).
  [[nodiscard]] constexpr ipv4_addr broadcast() const noexcept {
    return ipv4_addr::from_u32(addr_.to_u32() | ~mask_bits());
  }
  /// contains(a): a is in the prefix's network.
  [[nodiscard]] constexpr bool contains(const ipv4_addr& a) const noexcept {
    return (a.to_u32() & mask_bits()) == (addr_.to_u32() & mask_bits());
  }
  /// length_of_mask(mask): the prefix length of a contiguous netmask;
  /// errc::invalid_argument for a mask like 255.0.255.0.
  static result<std::uint8_t> length_of_mask(const ipv4_addr& mask) noexcept;

  /// text: "192.0.2.10/24".
  [[nodiscard]] text_buffer<20> text() const noexcept;

  friend constexpr bool operator==(const ipv4_prefix&, const ipv4_prefix&) noexcept = default;

private:
  constexpr ipv4_prefix(ipv4_addr addr, std::uint8_t length) noexcept
      : addr_(addr), length_(length) {}
  [[nodiscard]] constexpr std::uint32_t mask_bits() const noexcept {
    return length_ == 0 ? 0 : ~std::uint32_t{0} << (32 - length_);
  }

  ipv4_addr addr_;
  std::uint8_t length_ = 0;
};

/// ipv6_prefix: an address and a prefix length (0 to 128): "2001:db8::/32".
/// As for ipv4_prefix, the address may have bits past the prefix set.
class ipv6_prefix {
public:
  constexpr ipv6_prefix() noexcept = default;
  /// create(addr, length): errc::invalid_argument when length > 128.
  static result<ipv6_prefix> create(ipv6_addr addr, std::uint8_t length) noexcept;
  /// parse("2001:db8::/32"): an address, '/', a decimal length of 0 to 128.
  static result<ipv6_prefix> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr ipv6_addr address() const noexcept { return addr_; }
  [[nodiscard]] constexpr std::uint8_t length() const noexcept { return length_; }
  /// network: the address with the bits past the prefix cleared.
  [[nodiscard]] ipv6_addr network() const noexcept;
  /// contains(a): the first length() bits of a are the prefix's.
  [[nodiscard]] bool contains(const ipv6_addr& a) const noexcept;

  /// text: "2001:db8::/32".
  [[nodiscard]] text_buffer<52> text() const noexcept;

  friend constexpr bool operator==(const ipv6_prefix&, const ipv6_prefix&) noexcept = default;

private:
  constexpr ipv6_prefix(ipv6_addr addr, std::uint8_t length) noexcept
      : addr_(addr), length_(length) {}

  ipv6_addr addr_;
  std::uint8_t length_ = 0;
};

/// port: a TCP or UDP port number.
class port {
public:
  constexpr port() noexcept = default;
  constexpr explicit port(std::uint16_t value) noexcept : value_(value) {}
  /// parse("8080"): decimal, 0 to 65535, no sign or leading zeros; errc::invalid_argument
  /// otherwise.
  static result<port> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr std::uint16_t value() const noexcept { return value_; }

  friend constexpr bool operator==(port, port) noexcept = default;
  friend constexpr auto operator<=>(port, port) noexcept = default;

private:
  std::uint16_t value_ = 0;
};

}  // namespace atl::net
