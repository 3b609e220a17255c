#include <atoll/net/ipv6/neighbor_cache.hpp>

#include <algorithm>
#include <utility>

namespace atl::net {

neighbor_cache::neighbor_cache(const neighbor_config& config) noexcept : config_(config) {}

neighbor_cache::entry* neighbor_cache::find(const ipv6_addr& ip) noexcept {
  for (auto& e : entries_) {
    if (e.ip == ip) return &e;
  }
  return nullptr;
}

const neighbor_cache::entry* neighbor_cache::find(const ipv6_addr& ip) const noexcept {
  for (const auto& e : entries_) {
    if (e.ip == ip) return &e;
  }
  return nullptr;
}

neighbor_cache::entry* neighbor_cache::insert(const ipv6_addr& ip) {
  if (config_.max_entries == 0) return nullptr;
  if (entries_.size() >= config_.max_entries) {
    // Evict the least recently used entry, preferring one with no waiting
    // packets, so that a scan of many addresses does not discard traffic
    // already queued for a neighbour being resolved.
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (victim == entries_.end()) {
        victim = it;
        continue;
      }
      const bool it_idle = it->pending.empty();
      const bool victim_idle = victim->pending.empty();
      if ((it_idle && !victim_idle) || (it_idle == victim_idle && it->used < victim->used)) {
        victim = it;
      }
    }
    drop_pending(*victim);
    entries_.erase(victim);
    ++stats_.evictions;
  }
  entries_.push_back(entry{});
  entry& e = entries_.back();
  e.ip = ip;
  touch(e);
  return &e;
}

void neighbor_cache::set_state(entry& e, mono_time now, neighbor_state state) const noexcept {
  e.state = state;
  e.probes = 0;
  switch (state) {
    case neighbor_state::incomplete:
    case neighbor_state::probe: e.timer = now + config_.retrans_timer; break;
    case neighbor_state::reachable: e.timer = now + config_.reachable_time; break;
    case neighbor_state::stale: e.timer = mono_never; break;
    case neighbor_state::delay: e.timer = now + config_.delay_first_probe; break;
  }
}

void neighbor_cache::flush(entry& e, neighbor_actions& out) {
  for (auto& packet : e.pending) {
    out.frames.push_back(ipv6_frame{e.mac, std::move(packet)});
  }
  pending_total_ -= e.pending.size();
  e.pending.clear();
}

void neighbor_cache::drop_pending(entry& e) noexcept {
  stats_.pending_dropped += e.pending.size();
  pending_total_ -= e.pending.size();
  e.pending.clear();
}

send_outcome neighbor_cache::send(mono_time now, const ipv6_addr& next_hop,
                                  std::vector<std::byte> packet, neighbor_actions& out) {
  entry* e = find(next_hop);
  if (e != nullptr && e->state != neighbor_state::incomplete) {
    touch(*e);
    // RFC 4861 7.3.3: sending to a STALE neighbour starts the DELAY timer.
    if (e->state == neighbor_state::stale) set_state(*e, now, neighbor_state::delay);
    out.frames.push_back(ipv6_frame{e->mac, std::move(packet)});
    return send_outcome::sent;
  }
  if (e == nullptr) {
    e = insert(next_hop);
    if (e == nullptr) {
      ++stats_.pending_dropped;
      return send_outcome::dropped;
    }
    set_state(*e, now, neighbor_state::incomplete);
    e->probes = 1;
    out.solicits.push_back(ns_request{next_hop, std::nullopt});
  }
  touch(*e);
  if (e->pending.size() >= config_.max_pending_per_entry ||
      pending_total_ >= config_.max_pending_total) {
    ++stats_.pending_dropped;
    return send_outcome::dropped;
  }
  e->pending.push_back(std::move(packet));
  ++pending_total_;
  return send_outcome::queued;
}

void neighbor_cache::on_link_address(mono_time now, const ipv6_addr& src, const mac_addr& mac,
                                     neighbor_actions& out) {
  entry* e = find(src);
  if (e == nullptr) {
    e = insert(src);
    if (e == nullptr) return;
    e->mac = mac;
    set_state(*e, now, neighbor_state::stale);
    return;
  }
  if (e->state == neighbor_state::incomplete) {
    e->mac = mac;
    set_state(*e, now, neighbor_state::stale);
    flush(*e, out);
    return;
  }
  if (e->mac != mac) {
    e->mac = mac;
    set_state(*e, now, neighbor_state::stale);
  }
}

bool neighbor_cache::on_advertisement(mono_time now, const ipv6_addr& target,
                                      const std::optional<mac_addr>& target_ll, bool solicited,
                                      bool override, bool router, neighbor_actions& out) {
  entry* e = find(target);
  if (e == nullptr) return false;  // 7.2.5: unsolicited news of a stranger is not cached
  const bool was_router = e->router;
  if (e->state == neighbor_state::incomplete) {
    if (!target_ll) return false;
    e->mac = *target_ll;
    set_state(*e, now, solicited ? neighbor_state::reachable : neighbor_state::stale);
    e->router = router;
    flush(*e, out);
    return was_router && !router;
  }
  const bool different = target_ll && *target_ll != e->mac;
  if (!override && different) {
    // The advertisement disagrees and does not insist: only doubt the entry.
    if (e->state == neighbor_state::reachable) set_state(*e, now, neighbor_state::stale);
    return false;
  }
  if (different) e->mac = *target_ll;
  if (solicited) {
    set_state(*e, now, neighbor_state::reachable);
  } else if (different) {
    set_state(*e, now, neighbor_state::stale);
  }
  e->router = router;
  return was_router && !router;
}

void neighbor_cache::set_router(const ipv6_addr& ip) noexcept {
  if (entry* e = find(ip)) e->router = true;
}

void neighbor_cache::confirm(mono_time now, const ipv6_addr& ip) noexcept {
  entry* e = find(ip);
  if (e == nullptr || e->state == neighbor_state::incomplete) return;
  set_state(*e, now, neighbor_state::reachable);
}

void neighbor_cache::poll(mono_time now, neighbor_actions& out) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    entry& e = *it;
    if (e.timer > now) {
      ++it;
      continue;
    }
    bool remove = false;
    switch (e.state) {
      case neighbor_state::incomplete:
        if (e.probes < config_.max_multicast_solicit) {
          ++e.probes;
          e.timer = now + config_.retrans_timer;
          out.solicits.push_back(ns_request{e.ip, std::nullopt});
        } else {
          remove = true;
        }
        break;
      case neighbor_state::reachable: set_state(e, now, neighbor_state::stale); break;
      case neighbor_state::stale: e.timer = mono_never; break;
      case neighbor_state::delay:
        set_state(e, now, neighbor_state::probe);
        e.probes = 1;
        out.solicits.push_back(ns_request{e.ip, e.mac});
        break;
      case neighbor_state::probe:
        if (e.probes < config_.max_unicast_solicit) {
          ++e.probes;
          e.timer = now + config_.retrans_timer;
          out.solicits.push_back(ns_request{e.ip, e.mac});
        } else {
          remove = true;
        }
        break;
    }
    if (remove) {
      drop_pending(e);
      ++stats_.resolution_failed;
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

mono_time neighbor_cache::next_deadline() const noexcept {
  mono_time next = mono_never;
  for (const auto& e : entries_) next = std::min(next, e.timer);
  return next;
}

std::optional<neighbor_state> neighbor_cache::state(const ipv6_addr& ip) const noexcept {
  if (const entry* e = find(ip)) return e->state;
  return std::nullopt;
}

std::optional<mac_addr> neighbor_cache::lookup(const ipv6_addr& ip) const noexcept {
  const entry* e = find(ip);
  if (e == nullptr || e->state == neighbor_state::incomplete) return std::nullopt;
  return e->mac;
}

bool neighbor_cache::is_router(const ipv6_addr& ip) const noexcept {
  const entry* e = find(ip);
  return e != nullptr && e->router;
}

}  // namespace atl::net
