// The ARP core (arp_cache.hpp has the contract).
#include <atoll/net/ipv4/arp_cache.hpp>

#include <algorithm>
#include <utility>

namespace atl::net::ipv4 {

arp_cache::arp_cache(const arp_config& config) noexcept : config_(config) {
  entries_.reserve(config_.max_entries);
  own_.reserve(max_addresses);
}

// ---- own addresses --------------------------------------------------------

result<void> arp_cache::add_address(const ipv4_addr& ip, mono_time now, arp_actions& out) {
  if (ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast()) {
    return error(errc::invalid_argument, "not a unicast address: ", ip.text().view());
  }
  auto it =
      std::find_if(own_.begin(), own_.end(), [&](const own_address& o) { return o.ip == ip; });
  if (it == own_.end()) {
    if (own_.size() >= max_addresses) return error(errc::limit_exceeded, "too many addresses");
    own_.push_back(own_address{ip, 0, now});
    it = own_.end() - 1;
  }
  // A new (or re-added) address is announced again: peers may hold an old
  // mapping for it.
  it->announcements_left = config_.announcements;
  it->next_announcement = now;
  // A cached entry for our own address would be a conflict we learnt before.
  if (auto* e = find(ip))
    remove(static_cast<std::size_t>(e - entries_.data()), arp_drop::count_, out);
  poll(now, out);
  return ok();
}

void arp_cache::remove_address(const ipv4_addr& ip) noexcept {
  std::erase_if(own_, [&](const own_address& o) { return o.ip == ip; });
}

bool arp_cache::is_own(const ipv4_addr& ip) const noexcept {
  return std::any_of(own_.begin(), own_.end(), [&](const own_address& o) { return o.ip == ip; });
}

// ---- entries --------------------------------------------------------------

arp_cache::entry* arp_cache::find(const ipv4_addr& ip) noexcept {
  for (auto& e : entries_) {
    if (e.ip == ip) return &e;
  }
  return nullptr;
}

const arp_cache::entry* arp_cache::find(const ipv4_addr& ip) const noexcept {
  for (const auto& e : entries_) {
    if (e.ip == ip) return &e;
  }
  return nullptr;
}

arp_cache::entry& arp_cache::insert(const ipv4_addr& ip, arp_actions& out) {
  if (entries_.size() >= config_.max_entries && !entries_.empty()) {
    const auto lru =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const entry& a, const entry& b) { return a.order < b.order; });
    remove(static_cast<std::size_t>(lru - entries_.begin()), arp_drop::evicted, out);
  }
  entries_.push_back(entry{});
  auto& e = entries_.back();
  e.ip = ip;
  e.order = ++clock_;
  return e;
}

void arp_cache::remove(std::size_t index, arp_drop why, arp_actions& out) {
  auto& e = entries_[index];
  if (!e.queue.empty()) {
    if (why != arp_drop::count_) count(why, e.queue.size());
    queued_ -= e.queue.size();
    for (auto& p : e.queue) out.failed.push_back(arp_failed{e.ip, std::move(p)});
  }
  if (index + 1 != entries_.size()) e = std::move(entries_.back());
  entries_.pop_back();
}

void arp_cache::touch(entry& e, mono_time now) noexcept {
  e.order = ++clock_;
  e.last_used = now;
}

void arp_cache::confirm(entry& e, const mac_addr& mac, mono_time now, arp_actions& out) {
  e.mac = mac;
  e.state = arp_state::reachable;
  e.deadline = now + config_.reachable_time;
  e.tries = 0;
  touch(e, now);
  for (const auto& p : e.queue) send_frame(mac, p, out);
  queued_ -= e.queue.size();
  e.queue.clear();
}

std::optional<mac_addr> arp_cache::lookup(const ipv4_addr& ip) const noexcept {
  const auto* e = find(ip);
  if (e == nullptr || e->state == arp_state::incomplete) return std::nullopt;
  return e->mac;
}

arp_state arp_cache::state(const ipv4_addr& ip) const noexcept {
  const auto* e = find(ip);
  return e == nullptr ? arp_state::none : e->state;
}

// ---- frames ---------------------------------------------------------------

result<bufs> arp_cache::frame(const mac_addr& dst, ethertype type,
                              const buf& packet) const noexcept {
  const ethernet_repr eth{dst, config_.mac, type, std::nullopt};
  // The IPv4 layer leaves headroom for the link header: the header goes in
  // front of the packet, one buf instead of two. prepend() refuses when
  // another view of the block already claimed that room (a retransmitted
  // or queued copy); then the header is a buf of its own.
  if (packet.writable()) {
    buf whole = packet;
    if (whole.prepend(eth.buffer_len())) {
      eth.emit(whole.mutable_bytes().first(eth.buffer_len()));
      return bufs(std::move(whole));
    }
  }
  ATOLL_TRY(auto header, buf::allocate_uninit(eth.buffer_len()));
  eth.emit(header.mutable_bytes());
  bufs f;
  ATOLL_TRYV(f.push_back(std::move(header)));
  ATOLL_TRYV(f.push_back(packet));
  return f;
}

void arp_cache::send_frame(const mac_addr& dst, const buf& packet, arp_actions& out) const {
  auto f = frame(dst, ethertype::ipv4, packet);
  if (f) out.frames.push_back(std::move(*f));
}

void arp_cache::emit_arp(arp_operation op, const mac_addr& eth_dst, const ipv4_addr& sender_ip,
                         const mac_addr& target_mac, const ipv4_addr& target_ip, arp_actions& out) {
  const ethernet_repr eth{eth_dst, config_.mac, ethertype::arp, std::nullopt};
  const arp_repr arp{op, config_.mac, sender_ip, target_mac, target_ip};
  auto b = buf::allocate(eth.buffer_len() + arp_repr::buffer_len());
  if (!b) return;  // no memory: the timers will try again
  auto bytes = b->mutable_bytes();
  eth.emit(bytes.first(eth.buffer_len()));
  arp.emit(bytes.subspan(eth.buffer_len()));
  out.frames.emplace_back(std::move(*b));
}

// ---- input ----------------------------------------------------------------

result<void> arp_cache::input(std::span<const std::byte> packet, mono_time now, arp_actions& out) {
  ++stats_.received;
  auto view = arp_view::checked(packet);
  if (!view) {
    count(arp_drop::malformed);
    return view.error();
  }
  auto parsed = arp_repr::parse(*view);
  if (!parsed) {
    count(parsed.error() == errc::corrupt ? arp_drop::malformed : arp_drop::unsupported);
    return parsed.error();
  }
  const arp_repr& a = *parsed;
  if (a.sender_mac.is_multicast() || a.sender_mac == config_.mac || a.sender_ip.is_multicast() ||
      a.sender_ip.is_broadcast()) {
    count(arp_drop::bad_sender);
    return error(errc::refused, "ARP from a group or our own MAC");
  }
  if (is_own(a.sender_ip)) {
    count(arp_drop::conflict);
    return error(errc::refused, "ARP conflict: ", a.sender_ip.text().view(), " claimed by ",
                 a.sender_mac.text().view());
  }
  const bool for_us = is_own(a.target_ip);
  // RFC 826 merge: update a known sender whatever the target; add a sender
  // only when it talks to us. A probe (sender 0.0.0.0) teaches nothing.
  if (!a.sender_ip.is_unspecified()) {
    if (auto* e = find(a.sender_ip)) {
      confirm(*e, a.sender_mac, now, out);
    } else if (for_us) {
      confirm(insert(a.sender_ip, out), a.sender_mac, now, out);
    }
  }
  if (for_us && a.operation == arp_operation::request) {
    emit_arp(arp_operation::reply, a.sender_mac, a.target_ip, a.sender_mac, a.sender_ip, out);
    ++stats_.replies_sent;
  }
  return ok();
}

// ---- output ---------------------------------------------------------------

arp_send arp_cache::send(const ipv4_addr& next_hop, buf packet, mono_time now, arp_actions& out) {
  if (next_hop.is_unspecified()) {
    count(arp_drop::bad_next_hop);
    return arp_send::dropped;
  }
  if (next_hop.is_broadcast()) {
    send_frame(mac_addr::broadcast(), packet, out);
    return arp_send::sent;
  }
  if (next_hop.is_multicast()) {
    send_frame(next_hop.multicast_mac(), packet, out);
    return arp_send::sent;
  }
  const ipv4_addr source = own_.empty() ? ipv4_addr::any() : own_.front().ip;
  entry* e = find(next_hop);
  if (e == nullptr) {
    e = &insert(next_hop, out);
    e->state = arp_state::incomplete;
    e->tries = 1;
    e->deadline = now + config_.retry_interval;
    emit_arp(arp_operation::request, mac_addr::broadcast(), source, mac_addr{}, next_hop, out);
    ++stats_.requests_sent;
  }
  touch(*e, now);
  switch (e->state) {
    case arp_state::stale:
      // RFC 1122 2.3.2.1: use the entry, and poll the neighbour (unicast) to refresh it.
      e->state = arp_state::probe;
      e->tries = 1;
      e->deadline = now + config_.retry_interval;
      emit_arp(arp_operation::request, e->mac, source, mac_addr{}, next_hop, out);
      ++stats_.requests_sent;
      [[fallthrough]];
    case arp_state::reachable:
    case arp_state::probe: send_frame(e->mac, packet, out); return arp_send::sent;
    default: break;
  }
  if (e->queue.size() >= config_.max_queue_per_entry) {
    count(arp_drop::queue_full);
    return arp_send::dropped;
  }
  if (queued_ >= config_.max_queued) {
    count(arp_drop::queue_total);
    return arp_send::dropped;
  }
  e->queue.push_back(std::move(packet));
  ++queued_;
  return arp_send::queued;
}

// ---- timers ---------------------------------------------------------------

void arp_cache::poll(mono_time now, arp_actions& out) {
  for (auto& o : own_) {
    if (o.announcements_left == 0 || o.next_announcement > now) continue;
    // RFC 5227 section 2.3: a request with our address as sender and target.
    emit_arp(arp_operation::request, mac_addr::broadcast(), o.ip, mac_addr{}, o.ip, out);
    ++stats_.announcements_sent;
    --o.announcements_left;
    o.next_announcement = now + config_.announce_interval;
  }
  const ipv4_addr source = own_.empty() ? ipv4_addr::any() : own_.front().ip;
  std::size_t i = 0;
  while (i < entries_.size()) {
    auto& e = entries_[i];
    if (e.deadline > now) {
      ++i;
      continue;
    }
    switch (e.state) {
      case arp_state::incomplete:
      case arp_state::probe:
        if (e.tries >= config_.max_tries) {
          remove(i, arp_drop::unresolved, out);
          continue;
        }
        ++e.tries;
        e.deadline = now + config_.retry_interval;
        emit_arp(arp_operation::request,
                 e.state == arp_state::probe ? e.mac : mac_addr::broadcast(), source, mac_addr{},
                 e.ip, out);
        ++stats_.requests_sent;
        break;
      case arp_state::reachable:
        e.state = arp_state::stale;
        e.deadline = std::max(e.last_used, now) + config_.stale_time;
        break;
      case arp_state::stale:
        if (e.last_used + config_.stale_time <= now) {
          remove(i, arp_drop::count_, out);
          continue;
        }
        e.deadline = e.last_used + config_.stale_time;
        break;
      default: break;
    }
    ++i;
  }
}

mono_time arp_cache::next_deadline() const noexcept {
  mono_time next = mono_never;
  for (const auto& o : own_) {
    if (o.announcements_left != 0) next = std::min(next, o.next_announcement);
  }
  for (const auto& e : entries_) next = std::min(next, e.deadline);
  return next;
}

}  // namespace atl::net::ipv4
