// ICMPv4 for a host (icmp.hpp has the contract).
#include <atoll/net/ipv4/icmp.hpp>

#include <array>

namespace atl::net::ipv4 {

namespace {

result<buf> emit_message(const icmpv4_repr& m) noexcept {
  ATOLL_TRY(auto b, buf::allocate(m.buffer_len(), icmp_message::headroom));
  m.emit(b.mutable_bytes());
  return b;
}

// Queries (RFC 792, RFC 950): the ICMP types that are not errors.
bool is_query_type(std::uint8_t type) noexcept {
  switch (type) {
    case 0:
    case 8:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18: return true;
    default: return false;
  }
}

}  // namespace

result<icmp_message> make_echo_reply(const ipv4_repr& ip, const icmpv4_repr& request) noexcept {
  if (request.type != icmpv4_type::echo_request) {
    return error(errc::invalid_argument, "not an echo request");
  }
  ATOLL_TRY(auto b,
            emit_message(icmpv4_repr::echo_reply(request.ident, request.seq, request.data)));
  return icmp_message{ip.dst, ip.src, std::move(b)};
}

std::optional<pmtu_hint> frag_needed_hint(const icmpv4_repr& message) noexcept {
  if (message.type != icmpv4_type::dest_unreachable ||
      message.code != icmpv4_unreachable::frag_needed) {
    return std::nullopt;
  }
  const auto quoted = message.invoking();
  if (!quoted) return std::nullopt;
  std::uint16_t mtu = message.next_hop_mtu;
  if (mtu == 0) {
    const auto total =
        static_cast<std::uint16_t>(quoted->header.payload_len + ipv4_repr::buffer_len());
    mtu = mtu_plateau_below(total);
  }
  return pmtu_hint{quoted->header.dst, mtu};
}

std::uint16_t mtu_plateau_below(std::uint16_t len) noexcept {
  static constexpr std::array<std::uint16_t, 11> plateaus{65535, 32000, 17914, 8166, 4352, 2002,
                                                          1492,  1006,  508,   296,  68};
  for (const auto p : plateaus) {
    if (p < len) return p;
  }
  return 68;
}

icmp_refusal error_refusal(std::span<const std::byte> invoking, bool link_broadcast) noexcept {
  const auto view = ipv4_view::checked_header(invoking);
  if (!view || view->payload().size() < 8) return icmp_refusal::truncated;
  const auto dst = view->dst();
  if (link_broadcast || dst.is_broadcast() || dst.is_multicast()) {
    return icmp_refusal::group_destination;
  }
  if (view->fragment_offset() != 0) return icmp_refusal::not_first_fragment;
  const auto src = view->src();
  if (src.is_unspecified() || src.is_broadcast() || src.is_multicast() || src.is_loopback()) {
    return icmp_refusal::bad_source;
  }
  if (view->protocol() == static_cast<std::uint8_t>(ip_protocol::icmp) &&
      !is_query_type(wire::get_u8(view->payload(), 0))) {
    return icmp_refusal::about_error;
  }
  return icmp_refusal::none;
}

result<icmp_message> icmp_errors::make(std::span<const std::byte> invoking,
                                       const icmpv4_repr& message, const ipv4_addr& src,
                                       mono_time now, bool link_broadcast) noexcept {
  auto why = error_refusal(invoking, link_broadcast);
  if (why == icmp_refusal::none && !limiter_.take(now)) why = icmp_refusal::rate_limited;
  if (why != icmp_refusal::none) {
    ++refused_[static_cast<std::size_t>(why)];
    return error(errc::refused, "no ICMP error for this packet");
  }
  ATOLL_TRY(auto b, emit_message(message));
  ++sent_;
  return icmp_message{src, wire::get_ipv4(invoking, 12), std::move(b)};
}

}  // namespace atl::net::ipv4
