// ICMPv4 messages (RFC 792, RFC 1191, RFC 1812): echo request and reply,
// destination unreachable (with the next-hop MTU of "fragmentation needed"),
// time exceeded and parameter problem. An error quotes the invoking packet:
// its IPv4 header and at least the first 8 bytes of its payload, enough for
// the transport ports.
//
//   0      8      16             31
//   | type | code |   checksum    |
//   | ident / unused / pointer | seq / MTU |
//   |   data: echo payload, or the invoking packet   |
//
// checked() validates the 8-byte header. parse() verifies the checksum
// (when asked), the codes, and for errors the quoted header (checked as an
// IPv4 header whose payload may be cut short, version 4, 8 bytes of payload).
//
// Errors: errc::corrupt for malformed messages; errc::unsupported for other
// types (redirect, timestamp, router discovery, ...), which a host ignores.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>
#include <atoll/net/wire/ipv4.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

enum class icmpv4_type : std::uint8_t {
  echo_reply = 0,
  dest_unreachable = 3,
  redirect = 5,
  echo_request = 8,
  time_exceeded = 11,
  parameter_problem = 12,
};

/// Codes of destination unreachable (RFC 792, RFC 1812 section 5.2.7.1).
namespace icmpv4_unreachable {
inline constexpr std::uint8_t net = 0;
inline constexpr std::uint8_t host = 1;
inline constexpr std::uint8_t protocol = 2;
inline constexpr std::uint8_t port = 3;
inline constexpr std::uint8_t frag_needed = 4;
inline constexpr std::uint8_t admin_prohibited = 13;
inline constexpr std::uint8_t max_code = 15;
}  // namespace icmpv4_unreachable

/// Codes of time exceeded.
namespace icmpv4_time_exceeded {
inline constexpr std::uint8_t ttl = 0;
inline constexpr std::uint8_t reassembly = 1;
}  // namespace icmpv4_time_exceeded

/// icmpv4_view: accessors over a message checked to hold its 8-byte header.
class icmpv4_view {
public:
  static constexpr std::size_t header_len = 8;

  /// checked(bytes): a view of the message (all of `bytes`, the IP payload)
  /// when it holds the header; errc::corrupt otherwise.
  static result<icmpv4_view> checked(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] std::uint8_t type() const noexcept { return wire::get_u8(bytes_, 0); }
  [[nodiscard]] std::uint8_t code() const noexcept { return wire::get_u8(bytes_, 1); }
  [[nodiscard]] std::uint16_t checksum() const noexcept { return wire::get_u16(bytes_, 2); }
  /// echo_ident / echo_seq: bytes 4-5 and 6-7 (echo request and reply).
  [[nodiscard]] std::uint16_t echo_ident() const noexcept { return wire::get_u16(bytes_, 4); }
  [[nodiscard]] std::uint16_t echo_seq() const noexcept { return wire::get_u16(bytes_, 6); }
  /// next_hop_mtu: bytes 6-7 (destination unreachable, fragmentation needed).
  [[nodiscard]] std::uint16_t next_hop_mtu() const noexcept { return wire::get_u16(bytes_, 6); }
  /// pointer: byte 4 (parameter problem).
  [[nodiscard]] std::uint8_t pointer() const noexcept { return wire::get_u8(bytes_, 4); }
  /// data: the bytes after the header.
  [[nodiscard]] std::span<const std::byte> data() const noexcept {
    return bytes_.subspan(header_len);
  }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  [[nodiscard]] bool checksum_ok() const noexcept { return internet_checksum(bytes_) == 0; }

private:
  explicit icmpv4_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// icmpv4_invoking: the packet an error message quotes.
struct icmpv4_invoking {
  ipv4_repr header;
  /// payload: the quoted bytes after its header, at least 8.
  std::span<const std::byte> payload;
};

/// icmpv4_repr: one message. `data` views the bytes it was parsed from (or
/// the caller's bytes to send) and must outlive the repr.
struct icmpv4_repr {
  /// RFC 1812 section 4.3.2.3: an error datagram is at most 576 bytes, so
  /// it quotes at most 576 - 20 - 8 bytes of the invoking packet.
  static constexpr std::size_t max_invoking_len = 548;

  icmpv4_type type = icmpv4_type::echo_request;
  std::uint8_t code = 0;
  std::uint16_t ident = 0;         ///< echo
  std::uint16_t seq = 0;           ///< echo
  std::uint16_t next_hop_mtu = 0;  ///< destination unreachable, fragmentation needed
  std::uint8_t pointer = 0;        ///< parameter problem
  /// data: the echo payload, or the invoking packet (header and payload) of an error.
  std::span<const std::byte> data;

  static icmpv4_repr echo_request(std::uint16_t ident, std::uint16_t seq,
                                  std::span<const std::byte> data) noexcept;
  static icmpv4_repr echo_reply(std::uint16_t ident, std::uint16_t seq,
                                std::span<const std::byte> data) noexcept;
  /// dest_unreachable(code, invoking, mtu): quotes at most max_invoking_len
  /// bytes of the invoking packet; mtu is for code frag_needed.
  static icmpv4_repr dest_unreachable(std::uint8_t code, std::span<const std::byte> invoking,
                                      std::uint16_t mtu = 0) noexcept;
  static icmpv4_repr time_exceeded(std::uint8_t code, std::span<const std::byte> invoking) noexcept;
  static icmpv4_repr parameter_problem(std::uint8_t pointer,
                                       std::span<const std::byte> invoking) noexcept;

  /// parse(view, policy): see the top of this header.
  static result<icmpv4_repr> parse(const icmpv4_view& view,
                                   checksum_policy policy = checksum_policy::verify) noexcept;
  /// is_error: destination unreachable, time exceeded or parameter problem.
  [[nodiscard]] bool is_error() const noexcept;
  /// invoking: the quoted packet of an error (parse() has checked it);
  /// errc::corrupt when it is malformed, errc::invalid_argument for an echo.
  [[nodiscard]] result<icmpv4_invoking> invoking() const noexcept;

  /// buffer_len: the whole message, 8 + data.size().
  [[nodiscard]] std::size_t buffer_len() const noexcept {
    return icmpv4_view::header_len + data.size();
  }
  /// emit(out): writes the message, data and checksum included, into out,
  /// exactly buffer_len() bytes (a bug otherwise).
  void emit(std::span<std::byte> out) const noexcept;

  friend bool operator==(const icmpv4_repr& a, const icmpv4_repr& b) noexcept;
};

}  // namespace atl::net
