// direct_core: bringing the interface up: the static configuration, IPv6
// start-up, and the DHCP client's messages and lease events.
#include <atoll/net/direct/direct_core.hpp>
#include <atoll/net/wire/udp.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <utility>

namespace atl::net {

result<void> direct_core::start(mono_time now) {
  if (config_.ipv6_address && !config_.ipv6) {
    return error(errc::invalid_argument, "direct stack: an IPv6 address with IPv6 off");
  }
  if (config_.dhcp) {
    dhcp::client_config dc;
    dc.mac = mac_;
    ATOLL_TRY(dhcp::client made, dhcp::client::create(dc));
    dhcp_.emplace(made);
    config_.ipv4 = ipv4_config{};
    dhcp_->start(now, next_random());
    flush_dhcp(now);
  } else if (config_.ipv4.address.address().is_unspecified()) {
    return error(errc::invalid_argument, "direct stack: no IPv4 address");
  } else {
    ATOLL_TRYV(configure_ipv4(now));
  }
  if (ip6_) {
    // RFC 4862 5.4.2: a random delay of up to a second before the first NDP.
    const duration delay = std::chrono::microseconds(next_random() % 1'000'000);
    ip6_->start(now, delay);
    if (config_.ipv6_address) {
      ATOLL_TRYV(ip6_->add_address(now, *config_.ipv6_address, config_.ipv6_prefix_len));
    }
    flush6();
  }
  return ok();
}

result<void> direct_core::configure_ipv4(mono_time now) {
  ATOLL_TRYV(ip_.add_address(config_.ipv4.address));
  if (config_.ipv4.gateway) ATOLL_TRYV(ip_.routes().set_default(*config_.ipv4.gateway));
  for (const ipv4_route& r : config_.ipv4.route_list()) {
    ATOLL_TRYV(ip_.routes().add(ipv4::route{r.destination, r.gateway}));
  }
  ATOLL_TRYV(arp_.add_address(config_.ipv4.address.address(), now, arp_out_));
  flush_arp(arp_out_);
  return ok();
}

void direct_core::flush_dhcp(mono_time now) {
  if (!dhcp_) return;
  while (auto d = dhcp_->poll_transmit()) {
    auto b = buf::allocate(udp_repr::buffer_len() + d->len, 64);
    if (!b) continue;  // the client retransmits
    auto bytes = b->mutable_bytes();
    const auto payload = d->payload();
    std::copy(payload.begin(), payload.end(),
              bytes.begin() + static_cast<std::ptrdiff_t>(udp_repr::buffer_len()));
    const udp_repr h{d->source_port, d->destination_port, static_cast<std::uint16_t>(d->len)};
    h.emit(bytes.first(udp_repr::buffer_len()), ip_pair(d->source, d->destination),
           bytes.subspan(udp_repr::buffer_len()));
    if (ip_.send(d->source, d->destination, ip_protocol::udp, std::move(*b), now, ip_out_)) {
      flush_ip(ip_out_, now);
    }
    ip_out_.clear();
  }
  while (auto ev = dhcp_->poll_event()) {
    if (ev->kind == dhcp::event_kind::lease_acquired && address().is_unspecified()) {
      config_.ipv4 = ev->lease.config();
      if (configure_ipv4(now)) ++stats_.dhcp_leases;
    } else if (ev->kind == dhcp::event_kind::lease_lost) {
      // ipv4_core cannot withdraw an address yet: counted, and kept.
      ++stats_.dhcp_lost;
    }
  }
}

}  // namespace atl::net
