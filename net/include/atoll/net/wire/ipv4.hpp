// IPv4 headers (RFC 791).
//
//   0       4       8              16     19                 31
//   | ver | IHL | DSCP | ECN |       total length              |
//   |       identification        | flags | fragment offset   |
//   |   TTL     |  protocol  |        header checksum           |
//   |                    source address                         |
//   |                  destination address                      |
//   |              options (IHL * 4 - 20 bytes)                 |
//
// checked() validates the lengths: IHL of at least 5 and within the bytes,
// a total length of at least the header and at most the bytes (what follows
// is link padding and is not part of the packet). parse() validates the
// meaning: version 4, the header checksum (when asked), well-formed options
// (walked, bounded, then skipped: the repr does not carry them), and
// fragment fields that a reassembler can trust (a non-final fragment holds a
// multiple of 8 bytes; offset plus length stays within 65535). The reserved
// flag bit is ignored, as Linux and BSD do.
//
// Errors: errc::corrupt for all of the above.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

/// ipv4_view: accessors over a header checked against the bytes.
class ipv4_view {
public:
  static constexpr std::size_t min_header_len = 20;
  static constexpr std::size_t max_header_len = 60;

  /// checked(bytes): a view of a whole packet: IHL >= 5, the header within
  /// the bytes, header length <= total length <= bytes; errc::corrupt
  /// otherwise. Bytes past the total length are not part of the view.
  static result<ipv4_view> checked(std::span<const std::byte> bytes) noexcept;
  /// checked_header(bytes): a view of a header whose payload may be cut
  /// short (the invoking packet quoted by an ICMP error): IHL >= 5, the
  /// header within the bytes, total length >= header length. payload() is
  /// what is there, at most total_len() - header_len() bytes; truncated()
  /// says whether some is missing.
  static result<ipv4_view> checked_header(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] std::uint8_t version() const noexcept { return wire::get_u8(bytes_, 0) >> 4; }
  /// header_len: IHL * 4, 20 to 60 bytes.
  [[nodiscard]] std::size_t header_len() const noexcept {
    return std::size_t{wire::get_u8(bytes_, 0) & 0x0fU} * 4;
  }
  [[nodiscard]] std::uint8_t dscp() const noexcept { return wire::get_u8(bytes_, 1) >> 2; }
  [[nodiscard]] std::uint8_t ecn() const noexcept { return wire::get_u8(bytes_, 1) & 0x03U; }
  [[nodiscard]] std::uint16_t total_len() const noexcept { return wire::get_u16(bytes_, 2); }
  [[nodiscard]] std::uint16_t ident() const noexcept { return wire::get_u16(bytes_, 4); }
  [[nodiscard]] bool reserved_flag() const noexcept {
    return (wire::get_u8(bytes_, 6) & 0x80U) != 0;
  }
  [[nodiscard]] bool dont_fragment() const noexcept {
    return (wire::get_u8(bytes_, 6) & 0x40U) != 0;
  }
  [[nodiscard]] bool more_fragments() const noexcept {
    return (wire::get_u8(bytes_, 6) & 0x20U) != 0;
  }
  /// fragment_offset: in bytes (the field counts 8-byte units).
  [[nodiscard]] std::uint32_t fragment_offset() const noexcept {
    return std::uint32_t{wire::get_u16(bytes_, 6) & 0x1fffU} * 8;
  }
  [[nodiscard]] std::uint8_t ttl() const noexcept { return wire::get_u8(bytes_, 8); }
  [[nodiscard]] std::uint8_t protocol() const noexcept { return wire::get_u8(bytes_, 9); }
  [[nodiscard]] std::uint16_t checksum() const noexcept { return wire::get_u16(bytes_, 10); }
  [[nodiscard]] ipv4_addr src() const noexcept { return wire::get_ipv4(bytes_, 12); }
  [[nodiscard]] ipv4_addr dst() const noexcept { return wire::get_ipv4(bytes_, 16); }
  /// options: the bytes between the fixed header and the payload.
  [[nodiscard]] std::span<const std::byte> options() const noexcept {
    return wire::field(bytes_, min_header_len, header_len() - min_header_len);
  }
  [[nodiscard]] std::span<const std::byte> header() const noexcept {
    return wire::field(bytes_, 0, header_len());
  }
  /// payload: the bytes after the header, up to the total length.
  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return bytes_.subspan(header_len());
  }
  /// bytes: header and payload (no link padding).
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// truncated: the payload is shorter than the total length says
  /// (only for a view made by checked_header()).
  [[nodiscard]] bool truncated() const noexcept { return bytes_.size() < total_len(); }
  /// checksum_ok: the header checksum is right.
  [[nodiscard]] bool checksum_ok() const noexcept { return internet_checksum(header()) == 0; }

private:
  explicit ipv4_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}
  static result<ipv4_view> check(std::span<const std::byte> bytes, bool whole) noexcept;

  std::span<const std::byte> bytes_;
};

/// ipv4_repr: the fields of a header without options.
struct ipv4_repr {
  ipv4_addr src;
  ipv4_addr dst;
  ip_protocol protocol = ip_protocol::udp;
  std::uint16_t payload_len = 0;
  std::uint8_t ttl = 64;
  std::uint8_t dscp = 0;
  std::uint8_t ecn = 0;
  std::uint16_t ident = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  /// fragment_offset: in bytes, a multiple of 8.
  std::uint32_t fragment_offset = 0;

  /// parse(view, policy): see the top of this header; errc::corrupt for a
  /// version other than 4, a bad checksum (policy verify), bad options or
  /// fragment fields.
  static result<ipv4_repr> parse(const ipv4_view& view,
                                 checksum_policy policy = checksum_policy::verify) noexcept;
  /// buffer_len: 20; options are never emitted.
  [[nodiscard]] static constexpr std::size_t buffer_len() noexcept {
    return ipv4_view::min_header_len;
  }
  /// emit(out): writes the header, checksum included, into out, exactly
  /// buffer_len() bytes. The repr must be sendable: payload_len <= 65515,
  /// fragment_offset a multiple of 8 below 65536, dscp < 64, ecn < 4 (a bug otherwise).
  void emit(std::span<std::byte> out) const noexcept;

  friend bool operator==(const ipv4_repr&, const ipv4_repr&) noexcept = default;
};

}  // namespace atl::net
