#include <atoll/net/ipv6/fragmenter.hpp>

#include <algorithm>

namespace atl::net {

std::vector<std::vector<std::byte>> ipv6_fragment_packet(const ipv6_repr& header,
                                                         std::span<const std::byte> payload,
                                                         std::uint32_t mtu, std::uint32_t ident) {
  std::vector<std::vector<std::byte>> fragments;
  constexpr std::size_t overhead = ipv6_view::header_len + ipv6_fragment_header_len;
  if (mtu < overhead + 8) return fragments;
  const std::size_t piece = (mtu - overhead) & ~std::size_t{7};
  fragments.reserve((payload.size() + piece - 1) / piece);
  for (std::size_t offset = 0; offset < payload.size() || offset == 0; offset += piece) {
    const std::size_t len = std::min(piece, payload.size() - offset);
    const bool more = offset + len < payload.size();
    std::vector<std::byte> out(overhead + len);
    ipv6_repr h = header;
    h.next_header = ip_protocol::ipv6_frag;
    h.payload_len = static_cast<std::uint16_t>(ipv6_fragment_header_len + len);
    h.emit(std::span(out).first(ipv6_view::header_len));
    const auto frag = std::span(out).subspan(ipv6_view::header_len, ipv6_fragment_header_len);
    wire::put_u8(frag, 0, static_cast<std::uint8_t>(header.next_header));
    wire::put_u8(frag, 1, 0);
    wire::put_u16(frag, 2, static_cast<std::uint16_t>(offset | (more ? 1U : 0U)));
    wire::put_u32(frag, 4, ident);
    std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(offset), len,
                out.begin() + static_cast<std::ptrdiff_t>(overhead));
    fragments.push_back(std::move(out));
    if (!more) break;
  }
  return fragments;
}

}  // namespace atl::net
