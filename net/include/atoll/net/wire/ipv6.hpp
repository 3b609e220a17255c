// IPv6 headers (RFC 8200): the fixed header, and a walker over the chain of
// extension headers that finds the upper-layer protocol.
//
//   0       4              12                                   31
//   | ver | traffic class |            flow label                 |
//   |        payload length          | next header | hop limit    |
//   |                 source address (16 bytes)                    |
//   |               destination address (16 bytes)                 |
//
// checked() validates that the payload length fits the bytes (what follows
// is link padding). parse() checks the version. walk_extensions() follows
// hop-by-hop options (first only), routing, fragment and destination
// options headers, with limits on their number and total size, and stops at
// the first other next header: the upper layer (TCP, UDP, ICMPv6, ESP, "no
// next header", ...), or at a fragment header, whose data is a piece of a
// packet that must be reassembled before its headers can be read.
//
// Errors: errc::corrupt for lengths that do not fit and broken chains
// (hop-by-hop not first, an option running past its header, a non-final
// fragment not a multiple of 8 bytes); errc::unsupported for what RFC 8200
// says to discard when not understood (an option whose type's top bits are
// not 00, a routing header with segments left); errc::limit_exceeded for a
// chain longer than the limits (RFC 8200 sets none; a flood of headers is
// the attack RFC 7112 and RFC 8883 describe).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

/// ipv6_view: accessors over a fixed header checked against the bytes.
class ipv6_view {
public:
  static constexpr std::size_t header_len = 40;

  /// checked(bytes): a view when the bytes hold the fixed header and the
  /// payload length it names; errc::corrupt otherwise. Bytes past the
  /// payload are not part of the view.
  static result<ipv6_view> checked(std::span<const std::byte> bytes) noexcept;
  /// checked_header(bytes): a view of a fixed header whose payload may be
  /// cut short (the invoking packet quoted by an ICMPv6 error): payload() is
  /// what is there, at most payload_len() bytes; truncated() says whether
  /// some is missing. errc::corrupt when the fixed header is incomplete.
  static result<ipv6_view> checked_header(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] std::uint8_t version() const noexcept { return wire::get_u8(bytes_, 0) >> 4; }
  [[nodiscard]] std::uint8_t traffic_class() const noexcept {
    return static_cast<std::uint8_t>(wire::get_u16(bytes_, 0) >> 4);
  }
  [[nodiscard]] std::uint32_t flow_label() const noexcept {
    return wire::get_u32(bytes_, 0) & 0xfffffU;
  }
  [[nodiscard]] std::uint16_t payload_len() const noexcept { return wire::get_u16(bytes_, 4); }
  [[nodiscard]] std::uint8_t next_header() const noexcept { return wire::get_u8(bytes_, 6); }
  [[nodiscard]] std::uint8_t hop_limit() const noexcept { return wire::get_u8(bytes_, 7); }
  [[nodiscard]] ipv6_addr src() const noexcept { return wire::get_ipv6(bytes_, 8); }
  [[nodiscard]] ipv6_addr dst() const noexcept { return wire::get_ipv6(bytes_, 24); }
  /// payload: the payload_len() bytes after the fixed header (extension
  /// headers included).
  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return bytes_.subspan(header_len);
  }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// truncated: the payload is shorter than payload_len() (only for a view
  /// made by checked_header()).
  [[nodiscard]] bool truncated() const noexcept {
    return bytes_.size() - header_len < payload_len();
  }

private:
  explicit ipv6_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// ipv6_repr: the fields of the fixed header.
struct ipv6_repr {
  ipv6_addr src;
  ipv6_addr dst;
  ip_protocol next_header = ip_protocol::udp;
  std::uint16_t payload_len = 0;
  std::uint8_t hop_limit = 64;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;

  /// parse(view): errc::corrupt for a version other than 6.
  static result<ipv6_repr> parse(const ipv6_view& view) noexcept;
  [[nodiscard]] static constexpr std::size_t buffer_len() noexcept { return ipv6_view::header_len; }
  /// emit(out): writes the fixed header into out, exactly buffer_len()
  /// bytes; flow_label < 2^20 (a bug otherwise).
  void emit(std::span<std::byte> out) const noexcept;

  friend bool operator==(const ipv6_repr&, const ipv6_repr&) noexcept = default;
};

/// ipv6_ext_limits: how far walk_extensions() follows a chain.
struct ipv6_ext_limits {
  std::size_t max_headers = 8;  ///< extension headers (RFC 8504 suggests a limit)
  std::size_t max_bytes = 512;  ///< their total length
};

/// ipv6_fragment: the fields of a fragment header (RFC 8200 section 4.5).
struct ipv6_fragment {
  std::uint32_t offset = 0;  ///< in bytes, a multiple of 8
  bool more = false;
  std::uint32_t ident = 0;

  friend constexpr bool operator==(const ipv6_fragment&, const ipv6_fragment&) noexcept = default;
};

/// ipv6_upper: where the walk stopped.
struct ipv6_upper {
  /// protocol: the upper-layer protocol; after a fragment header, the
  /// protocol of the packet the fragment is a piece of.
  ip_protocol protocol = ip_protocol::ipv6_no_next;
  /// offset: where the upper-layer data (or the fragment's data) starts,
  /// from the start of the payload (after the fixed header).
  std::size_t offset = 0;
  /// fragment: set when the walk stopped at a fragment header.
  std::optional<ipv6_fragment> fragment;
  /// headers: extension headers walked.
  std::size_t headers = 0;
};

/// walk_extensions(view, limits): follows the extension headers of a
/// packet to its upper layer; see the top of this header for the errors.
result<ipv6_upper> walk_extensions(const ipv6_view& view,
                                   const ipv6_ext_limits& limits = {}) noexcept;

}  // namespace atl::net
