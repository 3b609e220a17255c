// ICMPv6 messages (RFC 4443): echo request and reply, and the errors
// (destination unreachable, packet too big, time exceeded, parameter
// problem), which quote as much of the invoking packet as fits in 1280
// bytes. Neighbour discovery messages share the view; their repr is
// ndp_repr (wire/ndp.hpp).
//
//   0      8      16             31
//   | type | code |   checksum    |
//   | ident | seq / MTU / pointer / NDP fields ... |
//   |   data or NDP body and options             |
//
// The checksum covers an IPv6 pseudo-header (ip_pair). checked() validates
// the length each type needs: 8 bytes, and for neighbour discovery the
// fixed body (router advertisement 16, neighbour solicitation and
// advertisement 24, redirect 40), so that every accessor of that type is
// inside the bytes. parse() verifies the checksum (when asked) and codes,
// and for errors that the quoted IPv6 header is complete.
//
// Errors: errc::corrupt for malformed messages; errc::unsupported for types
// not handled here (MLD, and neighbour discovery: see ndp_repr).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

enum class icmpv6_type : std::uint8_t {
  dest_unreachable = 1,
  packet_too_big = 2,
  time_exceeded = 3,
  parameter_problem = 4,
  echo_request = 128,
  echo_reply = 129,
  router_solicit = 133,
  router_advert = 134,
  neighbor_solicit = 135,
  neighbor_advert = 136,
  redirect = 137,
};

/// is_ndp(type): one of the five neighbour discovery messages (133 to 137).
[[nodiscard]] constexpr bool is_ndp(std::uint8_t type) noexcept {
  return type >= 133 && type <= 137;
}

/// icmpv6_view: accessors over a message checked to hold what its type needs.
class icmpv6_view {
public:
  static constexpr std::size_t header_len = 8;

  /// checked(bytes): a view of the message (all of `bytes`, the upper-layer
  /// data) when it holds the header its type needs; errc::corrupt otherwise.
  static result<icmpv6_view> checked(std::span<const std::byte> bytes) noexcept;
  /// min_len(type): the bytes checked() requires of a message of this type.
  [[nodiscard]] static std::size_t min_len(std::uint8_t type) noexcept;

  [[nodiscard]] std::uint8_t type() const noexcept { return wire::get_u8(bytes_, 0); }
  [[nodiscard]] std::uint8_t code() const noexcept { return wire::get_u8(bytes_, 1); }
  [[nodiscard]] std::uint16_t checksum() const noexcept { return wire::get_u16(bytes_, 2); }
  /// echo_ident / echo_seq: bytes 4-5 and 6-7 (echo).
  [[nodiscard]] std::uint16_t echo_ident() const noexcept { return wire::get_u16(bytes_, 4); }
  [[nodiscard]] std::uint16_t echo_seq() const noexcept { return wire::get_u16(bytes_, 6); }
  /// word: bytes 4-7 (packet too big: the MTU; parameter problem: the pointer).
  [[nodiscard]] std::uint32_t word() const noexcept { return wire::get_u32(bytes_, 4); }
  /// data: the bytes after the first 8 (echo data, the invoking packet).
  [[nodiscard]] std::span<const std::byte> data() const noexcept {
    return bytes_.subspan(header_len);
  }

  // Neighbour discovery (RFC 4861 section 4), for views of those types; on
  // another type an accessor past the checked length is a bug.
  /// Router advertisement: current hop limit, flags (M 0x80, O 0x40),
  /// router lifetime in seconds, reachable time and retransmission timer in ms.
  [[nodiscard]] std::uint8_t ra_cur_hop_limit() const noexcept { return wire::get_u8(bytes_, 4); }
  [[nodiscard]] std::uint8_t ra_flags() const noexcept { return wire::get_u8(bytes_, 5); }
  [[nodiscard]] std::uint16_t ra_router_lifetime() const noexcept {
    return wire::get_u16(bytes_, 6);
  }
  [[nodiscard]] std::uint32_t ra_reachable_time() const noexcept {
    return wire::get_u32(bytes_, 8);
  }
  [[nodiscard]] std::uint32_t ra_retrans_timer() const noexcept {
    return wire::get_u32(bytes_, 12);
  }
  /// Neighbour advertisement flags (R 0x80, S 0x40, O 0x20).
  [[nodiscard]] std::uint8_t na_flags() const noexcept { return wire::get_u8(bytes_, 4); }
  /// target: the target address of a neighbour solicitation, advertisement or redirect.
  [[nodiscard]] ipv6_addr target() const noexcept { return wire::get_ipv6(bytes_, 8); }
  /// ndp_options: the options after the fixed body of a neighbour discovery message.
  [[nodiscard]] std::span<const std::byte> ndp_options() const noexcept {
    return bytes_.subspan(min_len(type()));
  }

  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// checksum_ok(ips): the checksum is right for a message between these addresses.
  [[nodiscard]] bool checksum_ok(const ip_pair& ips) const noexcept;

private:
  explicit icmpv6_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// icmpv6_invoking: the packet an error message quotes.
struct icmpv6_invoking {
  ipv6_repr header;
  /// payload: the quoted bytes after the fixed header (extension headers
  /// included); maybe fewer than header.payload_len.
  std::span<const std::byte> payload;
};

/// icmpv6_repr: an echo or error message. `data` views the bytes it was
/// parsed from (or the caller's bytes to send) and must outlive the repr.
struct icmpv6_repr {
  /// RFC 4443 section 2.4 (c): an error must not exceed the minimum MTU,
  /// 1280 bytes: it quotes at most 1280 - 40 - 8 bytes.
  static constexpr std::size_t max_invoking_len = 1232;

  icmpv6_type type = icmpv6_type::echo_request;
  std::uint8_t code = 0;
  std::uint16_t ident = 0;    ///< echo
  std::uint16_t seq = 0;      ///< echo
  std::uint32_t mtu = 0;      ///< packet too big
  std::uint32_t pointer = 0;  ///< parameter problem
  /// data: the echo data, or the invoking packet of an error.
  std::span<const std::byte> data;

  static icmpv6_repr echo_request(std::uint16_t ident, std::uint16_t seq,
                                  std::span<const std::byte> data) noexcept;
  static icmpv6_repr echo_reply(std::uint16_t ident, std::uint16_t seq,
                                std::span<const std::byte> data) noexcept;
  /// The errors quote at most max_invoking_len bytes of `invoking`.
  static icmpv6_repr dest_unreachable(std::uint8_t code,
                                      std::span<const std::byte> invoking) noexcept;
  static icmpv6_repr packet_too_big(std::uint32_t mtu,
                                    std::span<const std::byte> invoking) noexcept;
  static icmpv6_repr time_exceeded(std::uint8_t code, std::span<const std::byte> invoking) noexcept;
  static icmpv6_repr parameter_problem(std::uint8_t code, std::uint32_t pointer,
                                       std::span<const std::byte> invoking) noexcept;

  /// parse(view, ips, policy): see the top of this header;
  /// errc::unsupported for neighbour discovery (ndp_repr parses it), MLD
  /// and unknown types.
  static result<icmpv6_repr> parse(const icmpv6_view& view, const ip_pair& ips,
                                   checksum_policy policy = checksum_policy::verify) noexcept;
  [[nodiscard]] bool is_error() const noexcept { return static_cast<std::uint8_t>(type) < 128; }
  /// invoking: the quoted packet of an error; errc::corrupt when its fixed
  /// header is incomplete or not version 6, errc::invalid_argument for an echo.
  [[nodiscard]] result<icmpv6_invoking> invoking() const noexcept;

  /// buffer_len: the whole message, 8 + data.size().
  [[nodiscard]] std::size_t buffer_len() const noexcept {
    return icmpv6_view::header_len + data.size();
  }
  /// emit(out, ips): writes the message, data and checksum included, into
  /// out, exactly buffer_len() bytes (a bug otherwise).
  void emit(std::span<std::byte> out, const ip_pair& ips) const noexcept;

  friend bool operator==(const icmpv6_repr& a, const icmpv6_repr& b) noexcept;
};

namespace detail {
/// icmpv6_checksum(message, ips): the checksum of a message whose checksum
/// field is zero.
[[nodiscard]] std::uint16_t icmpv6_checksum(std::span<const std::byte> message,
                                            const ip_pair& ips) noexcept;
}  // namespace detail

}  // namespace atl::net
