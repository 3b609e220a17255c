#include <atoll/net/wire/ipv6.hpp>

#include <algorithm>

namespace atl::net {
namespace {

// The options of a hop-by-hop or destination options header (RFC 8200
// section 4.2): Pad1 is one byte; every other option is type, length, and
// `length` bytes, so each step advances at least two bytes.
result<void> check_ext_options(std::span<const std::byte> options) noexcept {
  constexpr std::uint8_t pad1 = 0;
  std::size_t at = 0;
  while (at < options.size()) {
    const auto type = static_cast<std::uint8_t>(options[at]);
    if (type == pad1) {
      ++at;
      continue;
    }
    if (options.size() - at < 2) {
      return error(errc::corrupt, "ipv6: option ", type, " has no length byte");
    }
    const std::size_t length = static_cast<std::uint8_t>(options[at + 1]);
    if (length > options.size() - at - 2) {
      return error(errc::corrupt, "ipv6: option ", type, " of ", length,
                   " bytes runs past its header");
    }
    // The two high bits of the type say what to do with an option not
    // understood (section 4.2): 00 is "skip it". PadN (1) and the router
    // alert (5) are 00; no option whose bits ask for more is understood here.
    if ((type >> 6) != 0) {
      return error(errc::unsupported, "ipv6: option ", type, " must be understood");
    }
    at += 2 + length;
  }
  return ok();
}

}  // namespace

result<ipv6_view> ipv6_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < header_len) {
    return error(errc::corrupt, "ipv6: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::size_t payload_len = wire::get_u16(bytes, 4);
  if (payload_len > bytes.size() - header_len) {
    return error(errc::corrupt, "ipv6: payload length ", payload_len, " exceeds the ",
                 bytes.size() - header_len, " bytes received");
  }
  return ipv6_view(bytes.first(header_len + payload_len));
}

result<ipv6_view> ipv6_view::checked_header(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < header_len) {
    return error(errc::corrupt, "ipv6: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::size_t payload_len = wire::get_u16(bytes, 4);
  return ipv6_view(bytes.first(std::min(bytes.size(), header_len + payload_len)));
}

result<ipv6_repr> ipv6_repr::parse(const ipv6_view& view) noexcept {
  if (view.version() != 6) {
    return error(errc::corrupt, "ipv6: version ", view.version(), " in an IPv6 header");
  }
  ipv6_repr r;
  r.src = view.src();
  r.dst = view.dst();
  r.next_header = static_cast<ip_protocol>(view.next_header());
  r.payload_len = view.payload_len();
  r.hop_limit = view.hop_limit();
  r.traffic_class = view.traffic_class();
  r.flow_label = view.flow_label();
  return r;
}

void ipv6_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  ATOLL_ASSERT(flow_label < (1U << 20));
  wire::put_u32(out, 0, (6U << 28) | (std::uint32_t{traffic_class} << 20) | flow_label);
  wire::put_u16(out, 4, payload_len);
  wire::put_u8(out, 6, static_cast<std::uint8_t>(next_header));
  wire::put_u8(out, 7, hop_limit);
  wire::put_ipv6(out, 8, src);
  wire::put_ipv6(out, 24, dst);
}

result<ipv6_upper> walk_extensions(const ipv6_view& view, const ipv6_ext_limits& limits) noexcept {
  const auto payload = view.payload();
  ipv6_upper upper;
  auto next = static_cast<ip_protocol>(view.next_header());
  std::size_t at = 0;
  while (true) {
    switch (next) {
      case ip_protocol::hop_by_hop:
      case ip_protocol::ipv6_route:
      case ip_protocol::ipv6_opts:
      case ip_protocol::ipv6_frag: break;
      default:
        // The upper layer (or ESP, AH, "no next header", a protocol unknown here).
        upper.protocol = next;
        upper.offset = at;
        return upper;
    }
    if (next == ip_protocol::hop_by_hop && upper.headers != 0) {
      return error(errc::corrupt, "ipv6: a hop-by-hop options header after another header");
    }
    if (upper.headers == limits.max_headers) {
      return error(errc::limit_exceeded, "ipv6: more than ", limits.max_headers,
                   " extension headers");
    }
    if (payload.size() - at < 8) {
      return error(errc::corrupt, "ipv6: extension header ", static_cast<unsigned>(next), " at ",
                   at, " is cut short");
    }
    const auto header_next = static_cast<ip_protocol>(wire::get_u8(payload, at));
    const std::size_t length =
        next == ip_protocol::ipv6_frag ? 8 : (std::size_t{wire::get_u8(payload, at + 1)} + 1) * 8;
    if (length > payload.size() - at) {
      return error(errc::corrupt, "ipv6: extension header ", static_cast<unsigned>(next), " of ",
                   length, " bytes runs past the payload");
    }
    if (at + length > limits.max_bytes) {
      return error(errc::limit_exceeded, "ipv6: extension headers longer than ", limits.max_bytes,
                   " bytes");
    }
    const auto header = payload.subspan(at, length);
    ++upper.headers;
    at += length;

    if (next == ip_protocol::hop_by_hop || next == ip_protocol::ipv6_opts) {
      ATOLL_TRYV(check_ext_options(header.subspan(2)));
    } else if (next == ip_protocol::ipv6_route) {
      const std::uint8_t type = wire::get_u8(header, 2);
      const std::uint8_t segments_left = wire::get_u8(header, 3);
      if (segments_left != 0) {
        return error(errc::unsupported, "ipv6: routing header type ", type, " with ", segments_left,
                     " segments left");
      }
    } else {  // fragment
      const std::uint16_t offset_flags = wire::get_u16(header, 2);
      ipv6_fragment fragment;
      fragment.offset = std::uint32_t{offset_flags & 0xfff8U};
      fragment.more = (offset_flags & 1U) != 0;
      fragment.ident = wire::get_u32(header, 4);
      const std::size_t data_len = payload.size() - at;
      if (fragment.more && data_len % 8 != 0) {
        return error(errc::corrupt, "ipv6: a non-final fragment of ", data_len,
                     " bytes, not a multiple of 8");
      }
      if (fragment.offset + data_len > 65535) {
        return error(errc::corrupt, "ipv6: a fragment at ", fragment.offset, " of ", data_len,
                     " bytes ends past 65535");
      }
      upper.protocol = header_next;
      upper.offset = at;
      upper.fragment = fragment;
      return upper;
    }
    next = header_next;
  }
}

}  // namespace atl::net
