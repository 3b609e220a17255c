#include <atoll/net/ipv6/address_config.hpp>

#include <algorithm>

namespace atl::net {
namespace {

constexpr std::uint32_t infinite_lifetime = 0xffffffffU;
constexpr duration two_hours = std::chrono::hours(2);

mono_time after(mono_time now, std::uint32_t seconds) noexcept {
  if (seconds == infinite_lifetime) return mono_never;
  return now + std::chrono::seconds(seconds);
}

std::array<std::uint8_t, 8> eui64(const mac_addr& mac) noexcept {
  const auto ll = ipv6_addr::link_local_from_mac(mac).octets();
  std::array<std::uint8_t, 8> iid{};
  std::copy(ll.begin() + 8, ll.end(), iid.begin());
  return iid;
}

std::size_t common_prefix(const ipv6_addr& a, const ipv6_addr& b) noexcept {
  std::size_t bits = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    const auto x = static_cast<std::uint8_t>(a.octets()[i] ^ b.octets()[i]);
    if (x == 0) {
      bits += 8;
      continue;
    }
    for (int bit = 7; bit >= 0 && ((x >> bit) & 1) == 0; --bit) ++bits;
    break;
  }
  return bits;
}

}  // namespace

address_config::address_config(const mac_addr& mac, std::optional<std::array<std::uint8_t, 8>> iid,
                               const addr_config_limits& limits) noexcept
    : iid_(iid ? *iid : eui64(mac)), limits_(limits) {}

ipv6_addr address_config::with_iid(const ipv6_addr& prefix) const noexcept {
  auto o = prefix.octets();
  std::copy(iid_.begin(), iid_.end(), o.begin() + 8);
  return ipv6_addr(o);
}

ipv6_if_addr* address_config::find(const ipv6_addr& a) noexcept {
  for (auto& x : addrs_) {
    if (x.addr == a) return &x;
  }
  return nullptr;
}

const ipv6_if_addr* address_config::find(const ipv6_addr& a) const noexcept {
  for (const auto& x : addrs_) {
    if (x.addr == a) return &x;
  }
  return nullptr;
}

bool address_config::add(mono_time now, const ipv6_addr& a, std::uint8_t prefix_len, bool autoconf,
                         mono_time dad_at) {
  if (find(a) != nullptr) return true;
  if (addrs_.size() >= limits_.max_addresses) {
    ++stats_.table_full;
    return false;
  }
  ipv6_if_addr x;
  x.addr = a;
  x.prefix_len = prefix_len;
  x.autoconf = autoconf;
  x.dad_left = limits_.dad_transmits;
  x.dad_next = std::max(dad_at, now);
  addrs_.push_back(x);
  return true;
}

void address_config::start(mono_time now, duration delay, addr_actions& out) {
  const auto link_local = with_iid(ipv6_addr::from_groups({0xfe80, 0, 0, 0, 0, 0, 0, 0}));
  (void)add(now, link_local, 64, false, now + delay);
  rs_left_ = limits_.max_rtr_solicitations;
  rs_next_ = rs_left_ > 0 ? now + delay : mono_never;
  poll(now, out);
}

result<void> address_config::add_static(mono_time now, const ipv6_addr& a,
                                        std::uint8_t prefix_len) {
  if (a.is_multicast() || a.is_unspecified() || prefix_len > 128) {
    return error(errc::invalid_argument, "ipv6: ", a.text().view(), "/", prefix_len,
                 " cannot be an interface address");
  }
  if (!add(now, a, prefix_len, false, now)) {
    return error(errc::limit_exceeded, "ipv6: no room for address ", a.text().view());
  }
  // The address's prefix is on-link, as a configured subnet is.
  if (prefix_len < 128 && prefixes_.size() < limits_.max_prefixes) {
    if (auto p = ipv6_prefix::create(a, prefix_len)) {
      prefixes_.push_back(ipv6_onlink_prefix{*p, mono_never});
    }
  }
  return ok();
}

ra_params address_config::on_router_advert(mono_time now, const ipv6_addr& src,
                                           const ndp_repr& ra) {
  // RFC 4861 6.3.7: an advertisement ends solicitation.
  rs_left_ = 0;
  rs_next_ = mono_never;

  auto router = std::find_if(routers_.begin(), routers_.end(),
                             [&](const ipv6_router& r) { return r.addr == src; });
  if (ra.router_lifetime == 0) {
    if (router != routers_.end()) routers_.erase(router);
  } else {
    const mono_time expires = now + std::chrono::seconds(ra.router_lifetime);
    if (router != routers_.end()) {
      router->expires = expires;
    } else if (routers_.size() < limits_.max_routers) {
      routers_.push_back(ipv6_router{src, expires});
    } else {
      ++stats_.table_full;
    }
  }
  for (const auto& p : ra.prefix_list()) on_prefix(now, p);
  stats_.prefixes_ignored += ra.prefixes_ignored;

  ra_params params;
  if (ra.cur_hop_limit != 0) params.hop_limit = ra.cur_hop_limit;
  if (ra.mtu) params.mtu = *ra.mtu;
  if (ra.reachable_time != 0) params.reachable_time = std::chrono::milliseconds(ra.reachable_time);
  if (ra.retrans_timer != 0) params.retrans_timer = std::chrono::milliseconds(ra.retrans_timer);
  return params;
}

void address_config::on_prefix(mono_time now, const ndp_prefix_info& p) {
  const ipv6_addr network = p.prefix.network();
  if (network.is_link_local() || network.is_multicast()) {
    ++stats_.prefixes_ignored;
    return;
  }
  if (p.on_link) {
    auto it = std::find_if(prefixes_.begin(), prefixes_.end(), [&](const ipv6_onlink_prefix& x) {
      return x.prefix.network() == network && x.prefix.length() == p.prefix.length();
    });
    if (p.valid_lifetime == 0) {
      if (it != prefixes_.end()) prefixes_.erase(it);
    } else if (it != prefixes_.end()) {
      it->expires = after(now, p.valid_lifetime);
    } else if (prefixes_.size() < limits_.max_prefixes) {
      if (auto pre = ipv6_prefix::create(network, p.prefix.length())) {
        prefixes_.push_back(ipv6_onlink_prefix{*pre, after(now, p.valid_lifetime)});
      }
    } else {
      ++stats_.table_full;
    }
  }
  // RFC 4862 5.5.3 (a) to (c): autonomous, a 64-bit interface identifier,
  // preferred not above valid.
  if (!p.autonomous || !limits_.slaac) return;
  if (p.prefix.length() != 64 || p.preferred_lifetime > p.valid_lifetime) {
    ++stats_.prefixes_ignored;
    return;
  }
  const ipv6_addr a = with_iid(network);
  ipv6_if_addr* x = find(a);
  if (x == nullptr) {
    // (d): a new address, when the prefix has a lifetime.
    if (p.valid_lifetime == 0) return;
    if (!add(now, a, 64, true, now)) return;
    x = find(a);
    x->preferred_until = after(now, p.preferred_lifetime);
    x->valid_until = after(now, p.valid_lifetime);
    return;
  }
  if (!x->autoconf) return;
  // (e): the preferred lifetime is taken as is; the valid lifetime may not
  // be cut below two hours by an unauthenticated advertisement.
  x->preferred_until = after(now, p.preferred_lifetime);
  if (x->state == addr_state::deprecated && x->preferred_until > now) {
    x->state = addr_state::preferred;
  }
  const mono_time advertised = after(now, p.valid_lifetime);
  const bool remaining_over_2h = x->valid_until == mono_never || x->valid_until - now > two_hours;
  if (advertised > now + two_hours || advertised > x->valid_until) {
    x->valid_until = advertised;
  } else if (remaining_over_2h) {
    x->valid_until = now + two_hours;
  }
}

void address_config::remove_router(const ipv6_addr& addr) noexcept {
  std::erase_if(routers_, [&](const ipv6_router& r) { return r.addr == addr; });
}

bool address_config::on_dad_conflict(const ipv6_addr& target) noexcept {
  const auto removed = std::erase_if(addrs_, [&](const ipv6_if_addr& x) {
    return x.addr == target && x.state == addr_state::tentative;
  });
  stats_.duplicates += removed;
  return removed != 0;
}

void address_config::poll(mono_time now, addr_actions& out) {
  for (auto it = addrs_.begin(); it != addrs_.end();) {
    ipv6_if_addr& x = *it;
    if (x.valid_until <= now) {
      ++stats_.expired;
      it = addrs_.erase(it);
      continue;
    }
    if (x.state == addr_state::tentative && x.dad_next <= now) {
      if (x.dad_left > 0) {
        --x.dad_left;
        x.dad_next = now + limits_.dad_retrans;
        out.dad_solicits.push_back(x.addr);
      } else {
        x.state = addr_state::preferred;
        x.dad_next = mono_never;
      }
    }
    if (x.state == addr_state::preferred && x.preferred_until <= now) {
      x.state = addr_state::deprecated;
    }
    ++it;
  }
  std::erase_if(routers_, [&](const ipv6_router& r) { return r.expires <= now; });
  std::erase_if(prefixes_, [&](const ipv6_onlink_prefix& p) { return p.expires <= now; });
  if (rs_left_ > 0 && rs_next_ <= now) {
    --rs_left_;
    ++out.router_solicits;
    rs_next_ = rs_left_ > 0 ? now + limits_.rtr_solicitation_interval : mono_never;
  }
}

mono_time address_config::next_deadline() const noexcept {
  mono_time next = rs_next_;
  for (const auto& x : addrs_) {
    next = std::min(next, x.valid_until);
    if (x.state == addr_state::tentative) next = std::min(next, x.dad_next);
    if (x.state == addr_state::preferred) next = std::min(next, x.preferred_until);
  }
  for (const auto& r : routers_) next = std::min(next, r.expires);
  for (const auto& p : prefixes_) next = std::min(next, p.expires);
  return next;
}

bool address_config::is_assigned(const ipv6_addr& a) const noexcept {
  const ipv6_if_addr* x = find(a);
  return x != nullptr && x->state != addr_state::tentative;
}

bool address_config::is_tentative(const ipv6_addr& a) const noexcept {
  const ipv6_if_addr* x = find(a);
  return x != nullptr && x->state == addr_state::tentative;
}

bool address_config::joined(const ipv6_addr& group) const noexcept {
  if (group == ipv6_addr::all_nodes()) return true;
  return std::any_of(addrs_.begin(), addrs_.end(),
                     [&](const ipv6_if_addr& x) { return x.addr.solicited_node() == group; });
}

bool address_config::on_link(mono_time now, const ipv6_addr& a) const noexcept {
  if (a.is_link_local()) return true;
  return std::any_of(prefixes_.begin(), prefixes_.end(), [&](const ipv6_onlink_prefix& p) {
    return p.expires > now && p.prefix.contains(a);
  });
}

std::optional<ipv6_addr> address_config::default_router(mono_time now) const noexcept {
  for (const auto& r : routers_) {
    if (r.expires > now) return r.addr;
  }
  return std::nullopt;
}

std::optional<ipv6_addr> address_config::source_for(const ipv6_addr& dst) const noexcept {
  const bool link_scope =
      dst.is_link_local() || (dst.is_multicast() && (dst.octets()[1] & 0x0f) <= 2);
  const ipv6_if_addr* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& x : addrs_) {
    if (x.state == addr_state::tentative) continue;
    if (link_scope != x.addr.is_link_local()) continue;
    const std::size_t len = common_prefix(x.addr, dst);
    const bool better =
        best == nullptr ||
        (x.state == addr_state::preferred && best->state != addr_state::preferred) ||
        (x.state == best->state && len > best_len);
    if (better) {
      best = &x;
      best_len = len;
    }
  }
  if (best == nullptr && !link_scope) return link_local();
  if (best == nullptr) return std::nullopt;
  return best->addr;
}

std::optional<ipv6_addr> address_config::link_local() const noexcept {
  for (const auto& x : addrs_) {
    if (x.addr.is_link_local() && x.state != addr_state::tentative) return x.addr;
  }
  return std::nullopt;
}

}  // namespace atl::net
