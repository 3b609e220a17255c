#include <atoll/net/ipv6/fragmenter.hpp>
#include <atoll/net/ipv6/ipv6_host.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <algorithm>
#include <utility>

namespace atl::net {

namespace {

// The table's floor is never below IPv6's minimum MTU, whatever the config.
ip::pmtu_config ipv6_floor(ip::pmtu_config config) noexcept {
  config.min_mtu = std::max(config.min_mtu, ipv6_min_mtu);
  return config;
}

}  // namespace

std::vector<std::byte> ipv6_host::make_packet(const ipv6_repr& header, std::size_t payload_len) {
  std::vector<std::byte> packet(ipv6_view::header_len + payload_len);
  ipv6_repr h = header;
  h.payload_len = static_cast<std::uint16_t>(payload_len);
  h.emit(std::span(packet).first(ipv6_view::header_len));
  return packet;
}

ipv6_host::ipv6_host(const mac_addr& mac, const ipv6_host_config& config)
    : mac_(mac),
      config_(config),
      hop_limit_(config.hop_limit),
      device_mtu_(config.link_mtu),
      neighbors_(config.neighbors),
      addresses_(mac, config.iid, config.addresses),
      link_mtu_(std::max(config.link_mtu, ipv6_min_mtu)),
      pmtu_(ipv6_floor(config.pmtu)),
      icmp_bucket_(config.icmp_error_burst, config.icmp_error_interval),
      next_ident_(config.first_frag_ident),
      reassembler_(config.reassembly) {}

void ipv6_host::start(mono_time now, duration delay) {
  addr_actions actions;
  addresses_.start(now, delay, actions);
  apply(now, actions);
}

result<void> ipv6_host::add_address(mono_time now, const ipv6_addr& addr, std::uint8_t prefix_len) {
  ATOLL_TRYV(addresses_.add_static(now, addr, prefix_len));
  addr_actions actions;
  addresses_.poll(now, actions);
  apply(now, actions);
  return ok();
}

std::optional<ipv6_delivery> ipv6_host::input(mono_time now, std::span<const std::byte> packet) {
  ++stats_.rx_packets;
  return input_packet(now, packet, false);
}

std::optional<ipv6_delivery> ipv6_host::input_packet(mono_time now,
                                                     std::span<const std::byte> bytes,
                                                     bool reassembled) {
  const auto view = ipv6_view::checked(bytes);
  if (!view) {
    ++stats_.rx_malformed;
    return std::nullopt;
  }
  const auto ip = ipv6_repr::parse(*view);
  if (!ip) {
    ++stats_.rx_malformed;
    return std::nullopt;
  }
  // RFC 4291 2.7: a multicast address is never a source.
  const bool ours =
      ip->dst.is_multicast() ? addresses_.joined(ip->dst) : addresses_.is_assigned(ip->dst);
  if (ip->src.is_multicast() || !ours) {
    ++stats_.rx_not_ours;
    return std::nullopt;
  }
  const auto upper = walk_extensions(*view, config_.ext_limits);
  if (!upper) {
    ++stats_.rx_ext_refused;
    if (upper.error().code() == errc::unsupported) {
      if (const auto problem = ext_problem(*view, config_.ext_limits)) {
        refuse(now, view->bytes(), *problem);
      }
    }
    return std::nullopt;
  }
  if (upper->fragment) {
    if (reassembled) {  // a fragment inside a reassembled packet: nonsense
      ++stats_.rx_malformed;
      return std::nullopt;
    }
    return input_fragment(now, *ip, *upper, view->payload().subspan(upper->offset), view->bytes());
  }
  const auto payload = view->payload().subspan(upper->offset);
  switch (upper->protocol) {
    case ip_protocol::icmpv6: return input_icmp(now, *ip, payload, view->bytes());
    case ip_protocol::ipv6_no_next: return std::nullopt;
    case ip_protocol::tcp:
    case ip_protocol::udp: {
      const bool wanted =
          upper->protocol == ip_protocol::tcp ? config_.deliver_tcp : config_.deliver_udp;
      if (!wanted) break;
      ++stats_.rx_delivered;
      return ipv6_delivery{upper->protocol, ip->src, ip->dst,
                           ip->hop_limit,   payload, view->bytes()};
    }
    default: break;
  }
  ++stats_.rx_unknown_protocol;
  refuse(now, view->bytes(), unknown_next_header(*view, config_.ext_limits));
  return std::nullopt;
}

std::optional<ipv6_delivery> ipv6_host::input_icmp(mono_time now, const ipv6_repr& ip,
                                                   std::span<const std::byte> message,
                                                   std::span<const std::byte> packet) {
  const auto view = icmpv6_view::checked(message);
  if (!view) {
    ++stats_.rx_malformed;
    return std::nullopt;
  }
  if (is_ndp(view->type())) {
    input_ndp(now, ip, *view);
    return std::nullopt;
  }
  const auto repr = icmpv6_repr::parse(*view, ip_pair(ip.src, ip.dst));
  if (!repr) {
    // MLD and unknown informational types are not for a host to answer.
    if (repr.error().code() != errc::unsupported) ++stats_.rx_malformed;
    return std::nullopt;
  }
  switch (repr->type) {
    case icmpv6_type::echo_request: {
      if (ip.src.is_unspecified()) return std::nullopt;
      // RFC 4443 4.2: a reply to a group's request comes from a unicast address.
      const auto src =
          ip.dst.is_multicast() ? addresses_.source_for(ip.src) : std::optional<ipv6_addr>(ip.dst);
      if (src) {
        send_icmp(now, *src, ip.src, icmpv6_repr::echo_reply(repr->ident, repr->seq, repr->data));
        ++stats_.echo_replies;
      }
      return std::nullopt;
    }
    case icmpv6_type::packet_too_big:
      // Only about packets we sent (RFC 8201 5.2 asks for the check that
      // the quoted packet is ours); the MTU is floored at 1280 by the table.
      if (const auto invoking = repr->invoking()) {
        if (addresses_.is_assigned(invoking->header.src) &&
            pmtu_.lower(invoking->header.dst, repr->mtu, link_mtu_, now)) {
          ++stats_.pmtu_updates;
        }
      }
      break;
    default: break;
  }
  ++stats_.rx_delivered;
  return ipv6_delivery{ip_protocol::icmpv6, ip.src, ip.dst, ip.hop_limit, message, packet};
}

void ipv6_host::refuse(mono_time now, std::span<const std::byte> packet,
                       const ipv6_param_problem& p) {
  (void)send_error(now, icmpv6_repr::parameter_problem(p.code, p.pointer, packet), packet,
                   p.to_multicast);
}

bool ipv6_host::send_error(mono_time now, icmpv6_repr error, std::span<const std::byte> invoking,
                           bool to_multicast_allowed) {
  const auto view = ipv6_view::checked_header(invoking);
  if (!view) {
    ++stats_.icmp_errors_suppressed;
    return false;
  }
  const ipv6_addr isrc = view->src();
  const ipv6_addr idst = view->dst();
  // RFC 4443 2.4 (e): not to a source that does not name one node, not
  // about a packet to a group (but for the exceptions the caller allows).
  bool allowed = !isrc.is_unspecified() && !isrc.is_multicast() &&
                 (!idst.is_multicast() || to_multicast_allowed);
  // Never about an ICMPv6 error (nor a redirect).
  if (allowed) {
    if (const auto full = ipv6_view::checked(invoking)) {
      const auto upper = walk_extensions(*full, config_.ext_limits);
      if (upper && upper->protocol == ip_protocol::icmpv6 &&
          (!upper->fragment || upper->fragment->offset == 0) &&
          upper->offset < full->payload().size()) {
        const auto type = static_cast<std::uint8_t>(full->payload()[upper->offset]);
        if (type < 128 || type == static_cast<std::uint8_t>(icmpv6_type::redirect)) {
          allowed = false;
        }
      }
    }
  }
  if (!allowed) {
    ++stats_.icmp_errors_suppressed;
    return false;
  }
  if (!icmp_bucket_.take(now)) {
    ++stats_.icmp_errors_rate_limited;
    return false;
  }
  const auto src =
      addresses_.is_assigned(idst) ? std::optional<ipv6_addr>(idst) : addresses_.source_for(isrc);
  if (!src) {
    ++stats_.icmp_errors_suppressed;
    return false;
  }
  error.data = invoking.first(std::min(invoking.size(), icmpv6_repr::max_invoking_len));
  send_icmp(now, *src, isrc, error);
  ++stats_.icmp_errors_sent;
  return true;
}

void ipv6_host::send_icmp(mono_time now, const ipv6_addr& src, const ipv6_addr& dst,
                          const icmpv6_repr& message) {
  auto packet = make_packet(ipv6_repr{src, dst, ip_protocol::icmpv6, 0, hop_limit_, 0, 0},
                            message.buffer_len());
  message.emit(std::span(packet).subspan(ipv6_view::header_len), ip_pair(src, dst));
  (void)route(now, dst, std::move(packet));
}

result<void> ipv6_host::send(mono_time now, const ipv6_addr& src, const ipv6_addr& dst,
                             ip_protocol protocol, std::span<const std::byte> payload) {
  if (payload.size() > 65535) {
    return error(errc::invalid_argument, "ipv6: a payload of ", payload.size(), " bytes");
  }
  auto packet = make_packet(ipv6_repr{src, dst, protocol, 0, hop_limit_, 0, 0}, payload.size());
  std::copy(payload.begin(), payload.end(),
            packet.begin() + static_cast<std::ptrdiff_t>(ipv6_view::header_len));
  return route(now, dst, std::move(packet));
}

result<void> ipv6_host::route(mono_time now, const ipv6_addr& dst, std::vector<std::byte> packet) {
  std::optional<ipv6_addr> next_hop;
  if (!dst.is_multicast()) {
    if (addresses_.on_link(now, dst)) {
      next_hop = dst;
    } else {
      next_hop = addresses_.default_router(now);
    }
    if (!next_hop) {
      ++stats_.tx_no_route;
      return error(errc::unreachable, "ipv6: no route to ", dst.text().view());
    }
  }
  std::vector<std::vector<std::byte>> pieces;
  const std::uint32_t mtu = dst.is_multicast() ? link_mtu_ : path_mtu(now, dst);
  if (packet.size() > mtu) {
    // The packet was built here: its header parses.
    const auto view = ipv6_view::checked(packet);
    ATOLL_ASSERT(view);
    const auto header = ipv6_repr::parse(*view);
    ATOLL_ASSERT(header);
    pieces = ipv6_fragment_packet(*header, view->payload(), mtu, next_ident_++);
    stats_.tx_fragments += pieces.size();
  } else {
    pieces.push_back(std::move(packet));
  }
  const std::size_t dropped_before = neighbors_.stats().pending_dropped + stats_.tx_queue_full;
  neighbor_actions actions;
  for (auto& piece : pieces) {
    if (!next_hop) {
      push(ipv6_frame{dst.multicast_mac(), std::move(piece)});
    } else {
      (void)neighbors_.send(now, *next_hop, std::move(piece), actions);
    }
  }
  apply(actions);
  if (neighbors_.stats().pending_dropped + stats_.tx_queue_full != dropped_before) {
    return error(errc::limit_exceeded, "ipv6: packet to ", dst.text().view(), " dropped");
  }
  return ok();
}

void ipv6_host::apply(neighbor_actions& actions) {
  for (auto& frame : actions.frames) push(std::move(frame));
  for (const auto& request : actions.solicits) send_ns(request);
  actions.frames.clear();
  actions.solicits.clear();
}

void ipv6_host::apply(mono_time /*now*/, addr_actions& actions) {
  for (const auto& target : actions.dad_solicits) send_dad_ns(target);
  for (unsigned i = 0; i < actions.router_solicits; ++i) send_rs();
  actions = {};
}

void ipv6_host::push(ipv6_frame frame) {
  if (out_.size() >= config_.max_out) {
    ++stats_.tx_queue_full;
    return;
  }
  out_.push_back(std::move(frame));
  ++stats_.tx_packets;
}

void ipv6_host::confirm_reachable(mono_time now, const ipv6_addr& neighbor) noexcept {
  neighbors_.confirm(now, neighbor);
}

void ipv6_host::poll(mono_time now) {
  expire_fragments(now);
  neighbor_actions actions;
  neighbors_.poll(now, actions);
  apply(actions);
  addr_actions more;
  addresses_.poll(now, more);
  apply(now, more);
}

mono_time ipv6_host::next_deadline() const noexcept {
  return std::min(
      {neighbors_.next_deadline(), addresses_.next_deadline(), reassembler_.next_deadline()});
}

std::vector<ipv6_frame> ipv6_host::take_frames() noexcept {
  std::vector<ipv6_frame> frames;
  frames.swap(out_);
  return frames;
}

}  // namespace atl::net
