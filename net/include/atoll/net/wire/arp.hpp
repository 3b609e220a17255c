// ARP packets (RFC 826). The view reads any hardware and protocol address
// lengths; the repr handles Ethernet and IPv4 only, the one combination an
// Ethernet/IPv4 stack uses.
//
//   0      2      4      5      6    8          8+hl      8+hl+pl   8+2hl+pl
//   | htype | ptype | hlen | plen | op | sha      | spa      | tha      | tpa |
//
// Errors: errc::corrupt for a packet shorter than its address lengths say;
// errc::unsupported for other hardware or protocol types, other address
// lengths, or operations other than request (1) and reply (2).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net {

enum class arp_operation : std::uint16_t { request = 1, reply = 2 };

/// arp_view: accessors over a packet checked to hold its four addresses.
class arp_view {
public:
  static constexpr std::size_t fixed_len = 8;

  /// checked(bytes): a view when the bytes hold the fixed part and the four
  /// addresses of the lengths it names; errc::corrupt otherwise. Bytes past
  /// them (Ethernet padding) are ignored.
  static result<arp_view> checked(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] std::uint16_t hardware_type() const noexcept { return wire::get_u16(bytes_, 0); }
  [[nodiscard]] std::uint16_t protocol_type() const noexcept { return wire::get_u16(bytes_, 2); }
  [[nodiscard]] std::uint8_t hardware_len() const noexcept { return wire::get_u8(bytes_, 4); }
  [[nodiscard]] std::uint8_t protocol_len() const noexcept { return wire::get_u8(bytes_, 5); }
  [[nodiscard]] std::uint16_t operation() const noexcept { return wire::get_u16(bytes_, 6); }
  [[nodiscard]] std::span<const std::byte> sender_hardware() const noexcept {
    return wire::field(bytes_, fixed_len, hardware_len());
  }
  [[nodiscard]] std::span<const std::byte> sender_protocol() const noexcept {
    return wire::field(bytes_, fixed_len + hardware_len(), protocol_len());
  }
  [[nodiscard]] std::span<const std::byte> target_hardware() const noexcept {
    return wire::field(bytes_, fixed_len + hardware_len() + protocol_len(), hardware_len());
  }
  [[nodiscard]] std::span<const std::byte> target_protocol() const noexcept {
    return wire::field(bytes_, fixed_len + std::size_t{2} * hardware_len() + protocol_len(),
                       protocol_len());
  }
  /// len: the packet's length, fixed part and addresses.
  [[nodiscard]] std::size_t len() const noexcept {
    return fixed_len + 2 * (std::size_t{hardware_len()} + protocol_len());
  }

private:
  explicit arp_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// arp_repr: an Ethernet/IPv4 ARP request or reply.
struct arp_repr {
  static constexpr std::size_t ethernet_ipv4_len = 28;

  arp_operation operation = arp_operation::request;
  mac_addr sender_mac;
  ipv4_addr sender_ip;
  mac_addr target_mac;
  ipv4_addr target_ip;

  /// parse(view): errc::unsupported unless the packet is Ethernet (1) / IPv4
  /// (0x0800) with lengths 6 and 4 and a request or reply.
  static result<arp_repr> parse(const arp_view& view) noexcept;
  [[nodiscard]] static constexpr std::size_t buffer_len() noexcept { return ethernet_ipv4_len; }
  /// emit(out): writes the packet into out, exactly buffer_len() bytes (a bug otherwise).
  void emit(std::span<std::byte> out) const noexcept;

  friend bool operator==(const arp_repr&, const arp_repr&) noexcept = default;
};

}  // namespace atl::net
