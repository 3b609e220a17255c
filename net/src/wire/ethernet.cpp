#include <atoll/net/wire/ethernet.hpp>

namespace atl::net {
namespace {

constexpr bool is_tag(std::uint16_t type) noexcept {
  return type == static_cast<std::uint16_t>(ethertype::vlan) ||
         type == static_cast<std::uint16_t>(ethertype::qinq);
}

}  // namespace

result<ethernet_view> ethernet_view::checked(std::span<const std::byte> frame) noexcept {
  if (frame.size() < header_len_untagged) {
    return error(errc::corrupt, "ethernet: a frame of ", frame.size(), " bytes has no header");
  }
  std::size_t header_len = header_len_untagged;
  if (is_tag(wire::get_u16(frame, 12))) {
    header_len += tag_len;
    if (frame.size() < header_len) {
      return error(errc::corrupt, "ethernet: a tagged frame of ", frame.size(),
                   " bytes has no header");
    }
  }
  return ethernet_view(frame, header_len);
}

vlan_tag ethernet_view::tag() const noexcept {
  ATOLL_ASSERT(tagged());
  const std::uint16_t tci = wire::get_u16(bytes_, 14);
  return vlan_tag{static_cast<std::uint8_t>(tci >> 13), (tci & 0x1000U) != 0,
                  static_cast<std::uint16_t>(tci & 0x0fffU)};
}

result<ethernet_repr> ethernet_repr::parse(const ethernet_view& view) noexcept {
  const auto type = static_cast<std::uint16_t>(view.type());
  if (type < 0x0600) {
    return error(errc::unsupported, "ethernet: an 802.3 length field (", type,
                 ") instead of an EtherType");
  }
  if (is_tag(type)) return error(errc::unsupported, "ethernet: a second VLAN tag");
  ethernet_repr r;
  r.dst = view.dst();
  r.src = view.src();
  r.type = view.type();
  if (view.tagged()) r.tag = view.tag();
  return r;
}

void ethernet_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  wire::put_mac(out, 0, dst);
  wire::put_mac(out, 6, src);
  std::size_t at = 12;
  if (tag) {
    ATOLL_ASSERT(tag->priority < 8 && tag->id < 4096);
    wire::put_u16(out, at, static_cast<std::uint16_t>(ethertype::vlan));
    wire::put_u16(out, at + 2,
                  static_cast<std::uint16_t>((tag->priority << 13) |
                                             (tag->drop_eligible ? 0x1000U : 0U) | tag->id));
    at += 4;
  }
  wire::put_u16(out, at, static_cast<std::uint16_t>(type));
}

}  // namespace atl::net
