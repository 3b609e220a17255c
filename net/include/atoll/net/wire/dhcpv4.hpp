// DHCPv4 messages (RFC 2131, options RFC 2132): the BOOTP fixed part, the
// magic cookie, and the options a client needs.
//
//   0    1     2    3    4        8      10      12
//   | op | htype | hlen | hops | xid | secs | flags | ciaddr | yiaddr |
//   | siaddr | giaddr | chaddr (16) | sname (64) | file (128) | cookie | options
//   offsets: ciaddr 12, yiaddr 16, siaddr 20, giaddr 24, chaddr 28, sname 44,
//   file 108, cookie 236, options 240
//
// Options are read with a byte_reader (core/cursor.hpp): code, length,
// value, each value bounded by its length byte and by the field it is in.
// Pad (0) is one byte, End (255) ends the field (so does the field's end, as
// most clients accept). Option overload (52) continues the options in the
// file field, then in sname (RFC 2131 section 4.1). A list option that
// appears more than once is concatenated (RFC 3396); a fixed-size option that
// appears more than once keeps its last value. Options not listed in
// dhcp_repr are skipped.
//
// Errors: errc::corrupt for a message shorter than 240 bytes, an option that
// runs past its field, a known option of the wrong length, op not 1 or 2,
// a non-contiguous subnet mask; errc::unsupported for hardware other than
// Ethernet, plain BOOTP (no magic cookie or no message type), and message
// types other than 1 to 8.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

enum class dhcp_op : std::uint8_t { request = 1, reply = 2 };

enum class dhcp_message_type : std::uint8_t {
  discover = 1,
  offer = 2,
  request = 3,
  decline = 4,
  ack = 5,
  nak = 6,
  release = 7,
  inform = 8,
};

/// dhcp_option: option codes used here (RFC 2132).
namespace dhcp_option {
inline constexpr std::uint8_t pad = 0;
inline constexpr std::uint8_t subnet_mask = 1;
inline constexpr std::uint8_t router = 3;
inline constexpr std::uint8_t dns_servers = 6;
inline constexpr std::uint8_t requested_ip = 50;
inline constexpr std::uint8_t lease_time = 51;
inline constexpr std::uint8_t overload = 52;
inline constexpr std::uint8_t message_type = 53;
inline constexpr std::uint8_t server_id = 54;
inline constexpr std::uint8_t parameter_request_list = 55;
inline constexpr std::uint8_t max_message_size = 57;
inline constexpr std::uint8_t renewal_time = 58;
inline constexpr std::uint8_t rebinding_time = 59;
inline constexpr std::uint8_t end = 255;
}  // namespace dhcp_option

/// dhcp_view: accessors over a message checked to hold the fixed part and
/// the magic cookie.
class dhcp_view {
public:
  static constexpr std::size_t options_offset = 240;
  static constexpr std::uint32_t magic_cookie = 0x63825363;

  /// checked(bytes): a view when the bytes hold at least 240 bytes (the
  /// fixed part and the cookie); errc::corrupt otherwise. The message is
  /// all of `bytes` (the UDP payload).
  static result<dhcp_view> checked(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] std::uint8_t op() const noexcept { return wire::get_u8(bytes_, 0); }
  [[nodiscard]] std::uint8_t hardware_type() const noexcept { return wire::get_u8(bytes_, 1); }
  [[nodiscard]] std::uint8_t hardware_len() const noexcept { return wire::get_u8(bytes_, 2); }
  [[nodiscard]] std::uint8_t hops() const noexcept { return wire::get_u8(bytes_, 3); }
  [[nodiscard]] std::uint32_t xid() const noexcept { return wire::get_u32(bytes_, 4); }
  [[nodiscard]] std::uint16_t secs() const noexcept { return wire::get_u16(bytes_, 8); }
  [[nodiscard]] std::uint16_t flags() const noexcept { return wire::get_u16(bytes_, 10); }
  [[nodiscard]] ipv4_addr client_ip() const noexcept { return wire::get_ipv4(bytes_, 12); }
  [[nodiscard]] ipv4_addr your_ip() const noexcept { return wire::get_ipv4(bytes_, 16); }
  [[nodiscard]] ipv4_addr server_ip() const noexcept { return wire::get_ipv4(bytes_, 20); }
  [[nodiscard]] ipv4_addr relay_ip() const noexcept { return wire::get_ipv4(bytes_, 24); }
  [[nodiscard]] std::span<const std::byte> client_hardware() const noexcept {
    return wire::field(bytes_, 28, 16);
  }
  [[nodiscard]] std::span<const std::byte> server_name() const noexcept {
    return wire::field(bytes_, 44, 64);
  }
  [[nodiscard]] std::span<const std::byte> boot_file() const noexcept {
    return wire::field(bytes_, 108, 128);
  }
  [[nodiscard]] std::uint32_t magic() const noexcept { return wire::get_u32(bytes_, 236); }
  [[nodiscard]] std::span<const std::byte> options() const noexcept {
    return bytes_.subspan(options_offset);
  }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }

private:
  explicit dhcp_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// dhcp_repr: a DHCP message as a client sends and reads it.
struct dhcp_repr {
  static constexpr std::size_t max_dns_servers = 4;
  static constexpr std::size_t max_parameters = 255;
  /// min_len: BOOTP's minimum message (RFC 1542 section 2.1); emit() pads to it.
  static constexpr std::size_t min_len = 300;

  dhcp_op op = dhcp_op::request;
  dhcp_message_type message_type = dhcp_message_type::discover;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint8_t hops = 0;
  bool broadcast = false;
  ipv4_addr client_ip;  ///< ciaddr
  ipv4_addr your_ip;    ///< yiaddr
  ipv4_addr server_ip;  ///< siaddr
  ipv4_addr relay_ip;   ///< giaddr
  mac_addr client_mac;  ///< chaddr

  std::optional<ipv4_addr> server_id;
  std::optional<ipv4_addr> requested_ip;
  std::optional<std::uint32_t> lease_time;      ///< seconds
  std::optional<std::uint32_t> renewal_time;    ///< T1, seconds
  std::optional<std::uint32_t> rebinding_time;  ///< T2, seconds
  std::optional<ipv4_addr> subnet_mask;
  std::optional<ipv4_addr> router;  ///< the first router listed
  std::array<ipv4_addr, max_dns_servers> dns_servers{};
  std::uint8_t dns_count = 0;  ///< servers past max_dns_servers are not kept
  std::array<std::uint8_t, max_parameters> parameters{};
  std::uint8_t parameter_count = 0;  ///< requested option codes past 255 are not kept
  std::optional<std::uint16_t> max_message_size;

  /// parse(view): see the top of this header.
  static result<dhcp_repr> parse(const dhcp_view& view) noexcept;
  /// buffer_len: the message emit() writes: 240 bytes, the options, End,
  /// padded to min_len.
  [[nodiscard]] std::size_t buffer_len() const noexcept;
  /// emit(out): writes the message into out, exactly buffer_len() bytes (a bug otherwise).
  void emit(std::span<std::byte> out) const noexcept;

  [[nodiscard]] std::span<const ipv4_addr> dns_list() const noexcept {
    return std::span<const ipv4_addr>(dns_servers).first(dns_count);
  }
  [[nodiscard]] std::span<const std::uint8_t> parameter_list() const noexcept {
    return std::span<const std::uint8_t>(parameters).first(parameter_count);
  }

  friend bool operator==(const dhcp_repr& a, const dhcp_repr& b) noexcept;
};

}  // namespace atl::net
