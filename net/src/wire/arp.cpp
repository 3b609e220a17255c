#include <atoll/net/wire/arp.hpp>

namespace atl::net {
namespace {

constexpr std::uint16_t hardware_ethernet = 1;
constexpr std::uint16_t protocol_ipv4 = 0x0800;

}  // namespace

result<arp_view> arp_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < fixed_len) {
    return error(errc::corrupt, "arp: ", bytes.size(), " bytes is shorter than the fixed part");
  }
  const arp_view view(bytes);
  if (view.len() > bytes.size()) {
    return error(errc::corrupt, "arp: the addresses need ", view.len(), " bytes, ", bytes.size(),
                 " are there");
  }
  return view;
}

result<arp_repr> arp_repr::parse(const arp_view& view) noexcept {
  if (view.hardware_type() != hardware_ethernet || view.protocol_type() != protocol_ipv4 ||
      view.hardware_len() != 6 || view.protocol_len() != 4) {
    return error(errc::unsupported, "arp: hardware type ", view.hardware_type(), ", protocol type ",
                 view.protocol_type(), " is not Ethernet/IPv4");
  }
  const std::uint16_t op = view.operation();
  if (op != static_cast<std::uint16_t>(arp_operation::request) &&
      op != static_cast<std::uint16_t>(arp_operation::reply)) {
    return error(errc::unsupported, "arp: operation ", op, " is neither request nor reply");
  }
  arp_repr r;
  r.operation = static_cast<arp_operation>(op);
  r.sender_mac = wire::get_mac(view.sender_hardware(), 0);
  r.sender_ip = ipv4_addr::from_bytes(view.sender_protocol());
  r.target_mac = wire::get_mac(view.target_hardware(), 0);
  r.target_ip = ipv4_addr::from_bytes(view.target_protocol());
  return r;
}

void arp_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  wire::put_u16(out, 0, hardware_ethernet);
  wire::put_u16(out, 2, protocol_ipv4);
  wire::put_u8(out, 4, 6);
  wire::put_u8(out, 5, 4);
  wire::put_u16(out, 6, static_cast<std::uint16_t>(operation));
  wire::put_mac(out, 8, sender_mac);
  wire::put_ipv4(out, 14, sender_ip);
  wire::put_mac(out, 18, target_mac);
  wire::put_ipv4(out, 24, target_ip);
}

}  // namespace atl::net
