// UDP datagrams (RFC 768; over IPv6, RFC 8200 section 8.1).
//
//   0              16             31
//   |  source port  |  dest. port  |
//   |    length     |   checksum   |
//   |   payload (length - 8 bytes)  |
//
// checked() validates the length field: at least 8 and at most the bytes
// (bytes past it are not part of the datagram). parse() verifies the
// checksum over the pseudo-header, header and payload when asked. Over IPv4
// a zero checksum means "none" and is accepted; over IPv6 it is an error. A
// computed checksum of zero is sent as 0xffff (RFC 768).
//
// Errors: errc::corrupt.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

/// udp_view: accessors over a datagram checked against the bytes.
class udp_view {
public:
  static constexpr std::size_t header_len = 8;

  /// checked(bytes): a view when 8 <= length <= bytes; errc::corrupt otherwise.
  static result<udp_view> checked(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] port src_port() const noexcept { return port(wire::get_u16(bytes_, 0)); }
  [[nodiscard]] port dst_port() const noexcept { return port(wire::get_u16(bytes_, 2)); }
  [[nodiscard]] std::uint16_t length() const noexcept { return wire::get_u16(bytes_, 4); }
  [[nodiscard]] std::uint16_t checksum() const noexcept { return wire::get_u16(bytes_, 6); }
  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return bytes_.subspan(header_len);
  }
  /// bytes: header and payload.
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// checksum_ok(ips): the checksum is right for a datagram between these
  /// addresses (a zero checksum is not "right": parse() decides about it).
  [[nodiscard]] bool checksum_ok(const ip_pair& ips) const noexcept;

private:
  explicit udp_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// udp_repr: the header of a datagram; the payload travels beside it.
struct udp_repr {
  port src_port;
  port dst_port;
  std::uint16_t payload_len = 0;

  /// parse(view, ips, policy): errc::corrupt for a bad checksum (policy
  /// verify), or a zero checksum over IPv6 (whatever the policy).
  static result<udp_repr> parse(const udp_view& view, const ip_pair& ips,
                                checksum_policy policy = checksum_policy::verify) noexcept;
  [[nodiscard]] static constexpr std::size_t buffer_len() noexcept { return udp_view::header_len; }

  /// emit(out, ips, payload): writes the header into out (exactly
  /// buffer_len() bytes) with the checksum over `payload`, which must be
  /// payload_len bytes (a bug otherwise), and payload_len <= 65527.
  void emit(std::span<std::byte> out, const ip_pair& ips,
            std::span<const std::byte> payload) const noexcept;
  /// emit(out, ips, payload_sum): the same, the payload given by its
  /// ones_sum() (or a checksum_accumulator's sum()), for a payload in pieces.
  void emit(std::span<std::byte> out, const ip_pair& ips, std::uint16_t payload_sum) const noexcept;
  /// emit_partial(out, ips): the header with the pseudo-header's sum in the
  /// checksum field, for a device to finish (tx_offload::checksum with
  /// csum_offset 6).
  void emit_partial(std::span<std::byte> out, const ip_pair& ips) const noexcept;

  friend bool operator==(const udp_repr&, const udp_repr&) noexcept = default;
};

}  // namespace atl::net
