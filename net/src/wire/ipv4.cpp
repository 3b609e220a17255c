#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/options.hpp>

#include <algorithm>

namespace atl::net {

result<ipv4_view> ipv4_view::check(std::span<const std::byte> bytes, bool whole) noexcept {
  if (bytes.size() < min_header_len) {
    return error(errc::corrupt, "ipv4: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::size_t header_len = std::size_t{wire::get_u8(bytes, 0) & 0x0fU} * 4;
  if (header_len < min_header_len) {
    return error(errc::corrupt, "ipv4: IHL ", header_len / 4, " is below 5");
  }
  if (header_len > bytes.size()) {
    return error(errc::corrupt, "ipv4: a header of ", header_len, " bytes in ", bytes.size());
  }
  const std::size_t total_len = wire::get_u16(bytes, 2);
  if (total_len < header_len) {
    return error(errc::corrupt, "ipv4: total length ", total_len, " is below the header length ",
                 header_len);
  }
  if (total_len > bytes.size() && whole) {
    return error(errc::corrupt, "ipv4: total length ", total_len, " exceeds the ", bytes.size(),
                 " bytes received");
  }
  return ipv4_view(bytes.first(std::min(total_len, bytes.size())));
}

result<ipv4_view> ipv4_view::checked(std::span<const std::byte> bytes) noexcept {
  return check(bytes, true);
}

result<ipv4_view> ipv4_view::checked_header(std::span<const std::byte> bytes) noexcept {
  return check(bytes, false);
}

result<ipv4_repr> ipv4_repr::parse(const ipv4_view& view, checksum_policy policy) noexcept {
  if (view.version() != 4) {
    return error(errc::corrupt, "ipv4: version ", view.version(), " in an IPv4 header");
  }
  if (policy == checksum_policy::verify && !view.checksum_ok()) {
    return error(errc::corrupt, "ipv4: bad header checksum");
  }
  if (auto options = check_options(view.options()); !options) {
    return error(errc::corrupt, "ipv4: ", options.error().message());
  }
  const std::size_t payload_len = view.total_len() - view.header_len();
  if (view.more_fragments() && payload_len % 8 != 0) {
    return error(errc::corrupt, "ipv4: a non-final fragment of ", payload_len,
                 " bytes, not a multiple of 8");
  }
  if (view.fragment_offset() + payload_len > 65535) {
    return error(errc::corrupt, "ipv4: a fragment at ", view.fragment_offset(), " of ", payload_len,
                 " bytes ends past 65535");
  }
  ipv4_repr r;
  r.src = view.src();
  r.dst = view.dst();
  r.protocol = static_cast<ip_protocol>(view.protocol());
  r.payload_len = static_cast<std::uint16_t>(payload_len);
  r.ttl = view.ttl();
  r.dscp = view.dscp();
  r.ecn = view.ecn();
  r.ident = view.ident();
  r.dont_fragment = view.dont_fragment();
  r.more_fragments = view.more_fragments();
  r.fragment_offset = view.fragment_offset();
  return r;
}

void ipv4_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  ATOLL_ASSERT(payload_len <= 65535 - buffer_len());
  ATOLL_ASSERT(fragment_offset % 8 == 0 && fragment_offset / 8 <= 0x1fffU);
  ATOLL_ASSERT(dscp < 64 && ecn < 4);
  wire::put_u8(out, 0, 0x45);
  wire::put_u8(out, 1, static_cast<std::uint8_t>((dscp << 2) | ecn));
  wire::put_u16(out, 2, static_cast<std::uint16_t>(buffer_len() + payload_len));
  wire::put_u16(out, 4, ident);
  wire::put_u16(out, 6,
                static_cast<std::uint16_t>((dont_fragment ? 0x4000U : 0U) |
                                           (more_fragments ? 0x2000U : 0U) | fragment_offset / 8));
  wire::put_u8(out, 8, ttl);
  wire::put_u8(out, 9, static_cast<std::uint8_t>(protocol));
  wire::put_u16(out, 10, 0);
  wire::put_ipv4(out, 12, src);
  wire::put_ipv4(out, 16, dst);
  wire::put_u16(out, 10, internet_checksum(out));
}

}  // namespace atl::net
