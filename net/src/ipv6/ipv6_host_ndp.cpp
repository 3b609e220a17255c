// ipv6_host: neighbour discovery (answering and sending NS, NA and RS, DAD
// conflicts, router advertisements).
#include <atoll/core/log.hpp>
#include <atoll/net/ipv6/ipv6_host.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <utility>

namespace atl::net {

namespace {

log_source ipv6_log{"ipv6"};

}  // namespace

void ipv6_host::input_ndp(mono_time now, const ipv6_repr& ip, const icmpv6_view& view) {
  ++stats_.ndp_received;
  const auto ndp = ndp_repr::parse(view, ip_pair(ip.src, ip.dst));
  if (!ndp || !check_ndp_ip(ip, *ndp)) {
    ++stats_.rx_malformed;
    return;
  }
  neighbor_actions actions;
  switch (ndp->type) {
    case icmpv6_type::neighbor_solicit: {
      if (addresses_.is_tentative(ndp->target)) {
        // RFC 4862 5.4.3: another node's DAD for our tentative address
        // means a duplicate; a resolution for it is not answered.
        if (ip.src.is_unspecified() && addresses_.on_dad_conflict(ndp->target)) {
          ipv6_log.warn("duplicate address ", ndp->target.text().view(), " (DAD solicitation)");
        }
        break;
      }
      if (!addresses_.is_assigned(ndp->target)) break;
      if (!ip.src.is_unspecified() && ndp->source_ll) {
        neighbors_.on_link_address(now, ip.src, *ndp->source_ll, actions);
      }
      ndp_repr reply;
      reply.type = icmpv6_type::neighbor_advert;
      reply.target = ndp->target;
      reply.solicited_flag = !ip.src.is_unspecified();
      reply.override_flag = true;
      reply.target_ll = mac_;
      ++stats_.na_sent;
      if (ip.src.is_unspecified()) {
        // RFC 4861 7.2.4: defend against DAD with a multicast advertisement.
        send_ndp(ndp->target, ipv6_addr::all_nodes(), ipv6_addr::all_nodes().multicast_mac(),
                 reply);
      } else if (ndp->source_ll) {
        send_ndp(ndp->target, ip.src, *ndp->source_ll, reply);
      } else {
        auto packet =
            make_packet(ipv6_repr{ndp->target, ip.src, ip_protocol::icmpv6, 0, ndp_hop_limit, 0, 0},
                        reply.buffer_len());
        reply.emit(std::span(packet).subspan(ipv6_view::header_len), ip_pair(ndp->target, ip.src));
        (void)neighbors_.send(now, ip.src, std::move(packet), actions);
      }
      break;
    }
    case icmpv6_type::neighbor_advert:
      if (addresses_.is_tentative(ndp->target)) {
        if (addresses_.on_dad_conflict(ndp->target)) {
          ipv6_log.warn("duplicate address ", ndp->target.text().view(), " (advertised)");
        }
        break;
      }
      if (addresses_.is_assigned(ndp->target)) break;  // someone else claims ours: ignored
      if (neighbors_.on_advertisement(now, ndp->target, ndp->target_ll, ndp->solicited_flag,
                                      ndp->override_flag, ndp->router_flag, actions)) {
        addresses_.remove_router(ndp->target);
      }
      break;
    case icmpv6_type::router_advert: {
      if (ndp->source_ll) neighbors_.on_link_address(now, ip.src, *ndp->source_ll, actions);
      neighbors_.set_router(ip.src);
      const ra_params params = addresses_.on_router_advert(now, ip.src, *ndp);
      if (params.hop_limit) hop_limit_ = *params.hop_limit;
      if (params.mtu && *params.mtu >= ipv6_min_mtu && *params.mtu <= device_mtu_) {
        link_mtu_ = *params.mtu;
      }
      if (params.reachable_time) neighbors_.set_reachable_time(*params.reachable_time);
      if (params.retrans_timer) neighbors_.set_retrans_timer(*params.retrans_timer);
      addr_actions more;
      addresses_.poll(now, more);  // DAD of new SLAAC addresses starts now
      apply(now, more);
      break;
    }
    default: break;  // router solicitations and redirects: a host ignores them
  }
  apply(actions);
}

void ipv6_host::send_ndp(const ipv6_addr& src, const ipv6_addr& dst, const mac_addr& dst_mac,
                         const ndp_repr& message) {
  auto packet = make_packet(ipv6_repr{src, dst, ip_protocol::icmpv6, 0, ndp_hop_limit, 0, 0},
                            message.buffer_len());
  message.emit(std::span(packet).subspan(ipv6_view::header_len), ip_pair(src, dst));
  push(ipv6_frame{dst_mac, std::move(packet)});
}

void ipv6_host::send_ns(const ns_request& request) {
  const auto src = addresses_.source_for(request.target);
  if (!src) return;  // no usable address yet: the retransmission will try again
  ndp_repr ns;
  ns.type = icmpv6_type::neighbor_solicit;
  ns.target = request.target;
  ns.source_ll = mac_;
  const ipv6_addr dst = request.unicast ? request.target : request.target.solicited_node();
  send_ndp(*src, dst, request.unicast ? *request.unicast : dst.multicast_mac(), ns);
}

void ipv6_host::send_dad_ns(const ipv6_addr& target) {
  ndp_repr ns;
  ns.type = icmpv6_type::neighbor_solicit;
  ns.target = target;
  const ipv6_addr dst = target.solicited_node();
  send_ndp(ipv6_addr::any(), dst, dst.multicast_mac(), ns);
}

void ipv6_host::send_rs() {
  ndp_repr rs;
  rs.type = icmpv6_type::router_solicit;
  const auto src = addresses_.link_local();
  if (src) rs.source_ll = mac_;  // never from :: (RFC 4861 4.1)
  send_ndp(src.value_or(ipv6_addr::any()), ipv6_addr::all_routers(),
           ipv6_addr::all_routers().multicast_mac(), rs);
}

}  // namespace atl::net
