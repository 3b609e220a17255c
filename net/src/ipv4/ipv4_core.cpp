// The IPv4 layer of a host (ipv4_core.hpp has the contract).
#include <atoll/net/ipv4/ipv4_core.hpp>
#include <atoll/net/wire/icmpv4.hpp>

#include <algorithm>
#include <utility>

namespace atl::net::ipv4 {

namespace {

// Room in front of each packet for an Ethernet header with a VLAN tag.
constexpr std::size_t link_headroom = 18;
constexpr std::size_t header_len = ipv4_repr::buffer_len();
constexpr std::size_t max_payload = 65535 - header_len;
// 224.0.0.1, which every host is in (RFC 1112).
constexpr ipv4_addr all_hosts = ipv4_addr(224, 0, 0, 1);

// IPv4's own bounds on reassembly: a datagram's payload ends by 65515
// (header and payload within 65535: no "ping of death"), and room is left
// to put a header back in front of it.
ip::reassembly_limits reassembly_limits_for(ip::reassembly_limits limits) noexcept {
  limits.max_len = std::min(limits.max_len, max_payload);
  limits.headroom = std::max(limits.headroom, header_len + link_headroom);
  return limits;
}

}  // namespace

ip::reassembly_key reassembly_key_of(const ipv4_addr& src, const ipv4_addr& dst,
                                     std::uint8_t protocol, std::uint16_t ident) noexcept {
  std::array<std::byte, 4> s{};
  src.write_to(s);
  std::array<std::byte, 7> rest{};
  dst.write_to(rest);
  rest[4] = static_cast<std::byte>(protocol);
  rest[5] = static_cast<std::byte>(ident >> 8);
  rest[6] = static_cast<std::byte>(ident);
  return ip::reassembly_key::make(s, rest);
}

ipv4_core::ipv4_core(const ipv4_config& config) noexcept
    : config_(config),
      routes_(config.max_routes),
      pmtu_(config.pmtu),
      reassembler_(reassembly_limits_for(config.reassembly)),
      icmp_(config.icmp),
      next_ident_(config.ident_seed) {
  addresses_.reserve(max_addresses);
  groups_.reserve(max_groups);
}

// ---- configuration --------------------------------------------------------

result<void> ipv4_core::add_address(const ipv4_prefix& prefix) {
  const auto a = prefix.address();
  if (a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback()) {
    return error(errc::invalid_argument, "not a host address: ", a.text().view());
  }
  if (is_own(a)) return ok();
  if (addresses_.size() >= max_addresses) return error(errc::limit_exceeded, "too many addresses");
  ATOLL_TRYV(routes_.add(route{prefix, ipv4_addr::any(), 0}));
  addresses_.push_back(prefix);
  return ok();
}

result<void> ipv4_core::join(const ipv4_addr& group) {
  if (!group.is_multicast())
    return error(errc::invalid_argument, "not a group: ", group.text().view());
  if (std::find(groups_.begin(), groups_.end(), group) != groups_.end()) return ok();
  if (groups_.size() >= max_groups) return error(errc::limit_exceeded, "too many groups");
  groups_.push_back(group);
  return ok();
}

void ipv4_core::leave(const ipv4_addr& group) noexcept { std::erase(groups_, group); }

bool ipv4_core::is_own(const ipv4_addr& ip) const noexcept {
  return std::any_of(addresses_.begin(), addresses_.end(),
                     [&](const ipv4_prefix& p) { return p.address() == ip; });
}

bool ipv4_core::is_broadcast(const ipv4_addr& ip) const noexcept {
  return ip.is_broadcast() ||
         std::any_of(addresses_.begin(), addresses_.end(),
                     [&](const ipv4_prefix& p) { return p.length() < 31 && p.broadcast() == ip; });
}

ipv4_addr ipv4_core::source_for(const ipv4_addr& dst) const noexcept {
  for (const auto& p : addresses_) {
    if (p.contains(dst)) return p.address();
  }
  return addresses_.empty() ? ipv4_addr::any() : addresses_.front().address();
}

std::uint16_t ipv4_core::mtu_to(const ipv4_addr& dst, mono_time now) const noexcept {
  std::uint16_t mtu = config_.link_mtu;
  if (const auto r = routes_.lookup(dst); r && r->via.mtu != 0) mtu = std::min(mtu, r->via.mtu);
  // At most mtu, a uint16_t.
  return static_cast<std::uint16_t>(pmtu_.mtu(dst, now, mtu));
}

// ---- input ----------------------------------------------------------------

result<void> ipv4_core::input(const buf& packet, mono_time now, ipv4_actions& out) {
  ++stats_.received;
  auto view = ipv4_view::checked(packet.bytes());
  if (!view) return drop(ipv4_drop::malformed, view.error());
  auto parsed = ipv4_repr::parse(*view);
  if (!parsed) return drop(ipv4_drop::malformed, parsed.error());
  const ipv4_repr& h = *parsed;

  bool to_group = false;
  if (!is_own(h.dst)) {
    to_group =
        is_broadcast(h.dst) ||
        (h.dst.is_multicast() &&
         (h.dst == all_hosts || std::find(groups_.begin(), groups_.end(), h.dst) != groups_.end()));
    if (!to_group) return drop(ipv4_drop::not_for_us, error(errc::refused, "not for us"));
  }
  const auto src = h.src;
  if (is_own(src) || src.is_multicast() || is_broadcast(src) || src.is_loopback() ||
      (src.is_unspecified() && !h.dst.is_broadcast())) {
    return drop(ipv4_drop::martian, error(errc::refused, "martian source ", src.text().view()));
  }
  if (h.ttl == 0) return drop(ipv4_drop::bad_ttl, error(errc::refused, "TTL 0"));

  // The payload shares the packet's storage; link padding is left out.
  auto payload = packet.sub(view->header_len(), view->payload().size());
  if (!payload) return drop(ipv4_drop::malformed, payload.error());
  if (!h.more_fragments && h.fragment_offset == 0) {
    auto whole = packet.sub(0, view->bytes().size());
    if (!whole) return drop(ipv4_drop::malformed, whole.error());
    return deliver(h, std::move(*payload), std::move(*whole), to_group, now, out);
  }
  auto done = reassembler_.add(
      reassembly_key_of(h.src, h.dst, static_cast<std::uint8_t>(h.protocol), h.ident),
      h.fragment_offset, h.more_fragments, payload->bytes(), now);
  if (!done) return drop(ipv4_drop::reassembly, done.error());
  if (!done->has_value()) return ok();
  // The datagram whole, as if it had come unfragmented: what an ICMP error
  // about it quotes (as Linux does).
  ipv4_repr whole_header = h;
  whole_header.more_fragments = false;
  whole_header.fragment_offset = 0;
  whole_header.payload_len = static_cast<std::uint16_t>((*done)->size());
  buf whole = **done;
  if (whole.prepend(header_len)) {
    whole_header.emit(whole.mutable_bytes().first(header_len));
  } else {
    whole = buf{};
  }
  return deliver(whole_header, std::move(**done), std::move(whole), to_group, now, out);
}

result<void> ipv4_core::deliver(const ipv4_repr& ip, buf payload, buf packet, bool to_group,
                                mono_time now, ipv4_actions& out) {
  if (ip.protocol == ip_protocol::icmp) {
    auto view = icmpv4_view::checked(payload.bytes());
    if (!view) return drop(ipv4_drop::bad_icmp, view.error());
    auto m = icmpv4_repr::parse(*view);
    if (!m) return drop(ipv4_drop::bad_icmp, m.error());
    if (m->type == icmpv4_type::echo_request) {
      if (to_group) return ok();  // no answer to broadcast or multicast echo
      ATOLL_TRY(auto reply, make_echo_reply(ip, *m));
      ATOLL_TRYV(send(reply.src, reply.dst, ip_protocol::icmp, std::move(reply.message), now, out));
      ++stats_.echo_replies;
      return ok();
    }
    if (const auto hint = frag_needed_hint(*m)) {
      // Only about a packet we sent (a forged message about others' is noise).
      const auto quoted = m->invoking();
      if (quoted && is_own(quoted->header.src)) pmtu_.update(hint->dst, hint->mtu, now);
    }
  }
  out.deliver.push_back(
      ipv4_delivery{ip.protocol, ip.src, ip.dst, std::move(payload), std::move(packet), to_group});
  ++stats_.delivered;
  return ok();
}

// ---- output ---------------------------------------------------------------

result<void> ipv4_core::emit_packet(const ipv4_repr& header, const buf& payload, std::size_t offset,
                                    std::size_t len, const ipv4_addr& next_hop, ipv4_actions& out) {
  if (offset == 0 && len == payload.size() && payload.writable()) {
    // Zero copy when the caller left headroom for the header.
    buf p = payload;
    if (p.prepend(header_len)) {
      header.emit(p.mutable_bytes().first(header_len));
      out.send.push_back(ipv4_tx{next_hop, std::move(p)});
      ++stats_.sent;
      return ok();
    }
  }
  auto p = buf::allocate(header_len + len, link_headroom);
  if (!p) return drop(ipv4_drop::no_memory, p.error());
  auto bytes = p->mutable_bytes();
  header.emit(bytes.first(header_len));
  wire::put_bytes(bytes, header_len, payload.bytes().subspan(offset, len));
  out.send.push_back(ipv4_tx{next_hop, std::move(*p)});
  ++stats_.sent;
  return ok();
}

result<void> ipv4_core::send(ipv4_addr src, const ipv4_addr& dst, ip_protocol protocol, buf payload,
                             mono_time now, ipv4_actions& out, const send_options& options) {
  if (payload.size() > max_payload) {
    return error(errc::invalid_argument, "an IPv4 payload of ", payload.size(), " bytes");
  }
  ipv4_addr next_hop = dst;
  if (dst.is_multicast()) {
    // next hop is the group itself
  } else if (is_broadcast(dst)) {
    next_hop = ipv4_addr::broadcast();
  } else {
    const auto r = routes_.lookup(dst);
    if (!r) return error(errc::unreachable, "no route to ", dst.text().view());
    next_hop = r->next_hop;
  }
  if (src.is_unspecified()) src = source_for(dst);

  ipv4_repr h;
  h.src = src;
  h.dst = dst;
  h.protocol = protocol;
  h.ttl = options.ttl.value_or(dst.is_multicast() ? 1 : config_.ttl);
  h.dscp = options.dscp;
  h.ident = next_ident_++;
  h.dont_fragment = options.dont_fragment.value_or(protocol == ip_protocol::tcp);

  const std::size_t mtu = mtu_to(dst, now);
  const std::size_t size = payload.size();
  if (header_len + size <= mtu) {
    h.payload_len = static_cast<std::uint16_t>(size);
    return emit_packet(h, payload, 0, size, next_hop, out);
  }
  if (h.dont_fragment) {
    return error(errc::limit_exceeded, "a datagram of ", header_len + size,
                 " bytes with DF exceeds the path MTU of ", mtu);
  }
  // Every fragment but the last carries a multiple of 8 bytes (RFC 791).
  const std::size_t step = (mtu - header_len) & ~std::size_t{7};
  if (step == 0) return error(errc::invalid_argument, "an MTU of ", mtu, " cannot carry fragments");
  for (std::size_t off = 0; off < size; off += step) {
    const std::size_t len = std::min(step, size - off);
    h.payload_len = static_cast<std::uint16_t>(len);
    h.fragment_offset = static_cast<std::uint32_t>(off);
    h.more_fragments = off + len < size;
    ATOLL_TRYV(emit_packet(h, payload, off, len, next_hop, out));
  }
  ++stats_.fragmented;
  return ok();
}

result<void> ipv4_core::send_icmp_error(std::span<const std::byte> invoking,
                                        const icmpv4_repr& error, mono_time now, ipv4_actions& out,
                                        bool link_broadcast) {
  ipv4_addr src;
  bool to_group = link_broadcast;
  if (invoking.size() >= ipv4_view::min_header_len) {
    // The wire layer knows 255.255.255.255; our directed broadcasts are ours to know.
    const auto dst = wire::get_ipv4(invoking, 16);
    to_group = to_group || is_broadcast(dst);
    src = is_own(dst) ? dst : source_for(wire::get_ipv4(invoking, 12));
  }
  ATOLL_TRY(auto m, icmp_.make(invoking, error, src, now, to_group));
  // RFC 1812 4.3.2.5: errors go with precedence 6 (internetwork control).
  send_options options;
  options.dscp = 0x30;
  return send(m.src, m.dst, ip_protocol::icmp, std::move(m.message), now, out, options);
}

// ---- timers ---------------------------------------------------------------

void ipv4_core::poll(mono_time now) noexcept {
  reassembler_.expire(now);
  pmtu_.expire(now);
}

mono_time ipv4_core::next_deadline() const noexcept {
  return std::min(reassembler_.next_deadline(), pmtu_.next_deadline());
}

}  // namespace atl::net::ipv4
