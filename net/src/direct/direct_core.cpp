// direct_core: frames in, frames out, timers (the application side is in
// direct_handles.cpp).
#include <atoll/net/direct/direct_core.hpp>
#include <atoll/net/direct/direct_entries.hpp>
#include <atoll/net/wire/ethernet.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/tcp.hpp>
#include <atoll/net/wire/udp.hpp>

#include <algorithm>
#include <functional>
#include <utility>

namespace atl::net {
namespace {

std::uint64_t splitmix(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

ipv4::arp_config arp_config_for(mac_addr mac) noexcept {
  ipv4::arp_config c;
  c.mac = mac;
  return c;
}

ipv4::ipv4_config ip_config_for(std::size_t mtu, const direct_config& config) noexcept {
  ipv4::ipv4_config c;
  const std::size_t link = config.ipv4.mtu ? std::min<std::size_t>(*config.ipv4.mtu, mtu) : mtu;
  c.link_mtu = static_cast<std::uint16_t>(std::min<std::size_t>(link, 65535));
  std::uint64_t s = config.seed ^ 0x1d;
  c.ident_seed = static_cast<std::uint16_t>(splitmix(s));
  return c;
}

}  // namespace

direct_core::direct_core(engine& e, mac_addr mac, std::size_t mtu, const direct_config& config)
    : engine_(e),
      mac_(mac),
      mtu_(mtu),
      config_(config),
      arp_(arp_config_for(mac)),
      ip_(ip_config_for(mtu, config)),
      rng_(config.seed),
      tx_(config.tx_queue),
      tx_ready_(e),
      timer_changed_(e),
      index_(config.max_connections) {
  if (config_.ipv4.mtu) mtu_ = std::min<std::size_t>(mtu_, *config_.ipv4.mtu);
  isn_key_ = next_random();
  if (config_.ipv6) {
    ipv6_host_config c6;
    c6.link_mtu = static_cast<std::uint32_t>(mtu_);
    c6.first_frag_ident = static_cast<std::uint32_t>(next_random());
    ip6_ = std::make_unique<ipv6_host>(mac, c6);
  }
}

direct_core::~direct_core() = default;

// --- Input -----------------------------------------------------------------

void direct_core::on_frame(const buf& frame, mono_time now) noexcept {
  ++stats_.rx_frames;
  auto view = ethernet_view::checked(frame.bytes());
  if (!view) {
    ++stats_.rx_dropped;
    return;
  }
  auto eth = ethernet_repr::parse(*view);
  if (!eth || eth->tag || (eth->dst != mac_ && !eth->dst.is_multicast())) {
    ++stats_.rx_dropped;
    return;
  }
  auto payload = frame.sub(view->header_len());
  if (!payload) {
    ++stats_.rx_dropped;
    return;
  }
  switch (eth->type) {
    case ethertype::arp: {
      (void)arp_.input(payload->bytes(), now, arp_out_);  // refusals are counted by the cache
      flush_arp(arp_out_);
      break;
    }
    case ethertype::ipv4: ipv4_input(*payload, now); break;
    case ethertype::ipv6:
      if (ip6_) {
        ipv6_input(*payload, now);
      } else {
        ++stats_.rx_dropped;
      }
      break;
    default: ++stats_.rx_dropped; break;
  }
  // A frame changes the deadlines of the small cores and of at most one
  // connection: check those, not every connection.
  if (detail::tcp_entry* e = std::exchange(touched_, nullptr)) {
    poke_timer(*e);
  } else if (base_deadline() < armed_) {
    timer_changed_.set();
  }
}

void direct_core::ipv4_input(const buf& packet, mono_time now) {
  // A member, so that its vectors keep their storage from frame to frame.
  ipv4::ipv4_actions& in = ip_in_;
  in.clear();
  (void)ip_.input(packet, now, in);  // drops are counted by the core
  flush_ip(in, now);                 // echo replies
  for (ipv4::ipv4_delivery& d : in.deliver) {
    switch (d.protocol) {
      case ip_protocol::tcp:
        tcp_input(l4_input{d.src, d.dst, d.payload, d.packet.bytes(), d.to_group}, now);
        break;
      case ip_protocol::udp:
        udp_input(l4_input{d.src, d.dst, d.payload, d.packet.bytes(), d.to_group}, now);
        break;
      case ip_protocol::icmp: icmp_input(d); break;
      default: break;
    }
  }
  in.clear();  // the deliveries hold views of the frame: let it go now
}

void direct_core::ipv6_input(const buf& packet, mono_time now) {
  auto d = ip6_->input(now, packet.bytes());
  flush6();  // NDP answers, echo replies, errors
  if (d && d->protocol == ip_protocol::icmpv6) {
    // ipv6_host checked the message and its checksum before delivering it.
    auto view = icmpv6_view::checked(d->payload);
    if (view && view->type() == static_cast<std::uint8_t>(icmpv6_type::echo_reply)) {
      ++stats_.echo6_replies;
    }
    return;
  }
  if (!d || (d->protocol != ip_protocol::tcp && d->protocol != ip_protocol::udp)) return;
  // The delivery views the frame (or the host's reassembly buffer): share
  // the frame's bytes when it is in them, copy otherwise.
  buf payload;
  const std::byte* start = packet.data();
  const bool inside = std::less_equal<const std::byte*>{}(start, d->payload.data()) &&
                      std::less_equal<const std::byte*>{}(d->payload.data() + d->payload.size(),
                                                          start + packet.size());
  if (inside) {
    auto sub = packet.sub(static_cast<std::size_t>(d->payload.data() - start), d->payload.size());
    if (!sub) return;
    payload = std::move(*sub);
  } else {
    auto copy = buf::copy_of(d->payload);
    if (!copy) return;
    payload = std::move(*copy);
  }
  l4_input in{d->src, d->dst, std::move(payload), d->packet, d->dst.is_multicast()};
  if (d->protocol == ip_protocol::tcp) {
    tcp_input(in, now);
  } else {
    udp_input(in, now);
  }
}

namespace {

tcp::flow_id flow_of(const ip_addr& local, port lp, const ip_addr& remote, port rp) noexcept {
  if (local.is_v6()) return tcp::flow_id(local.v6(), lp, remote.v6(), rp);
  return tcp::flow_id(local.v4(), lp, remote.v4(), rp);
}

ip_pair pair_of(const ip_addr& src, const ip_addr& dst) noexcept {
  if (src.is_v6()) return ip_pair(src.v6(), dst.v6());
  return ip_pair(src.v4(), dst.v4());
}

// segment_buf(payload, hlen): a buf of hlen header bytes then the payload,
// with room in front for IP. A payload in one writable buf with enough
// headroom (tcp::connection leaves it) takes the header in place, which
// saves an allocation and a copy of the payload per data segment.
result<buf> segment_buf(const bufs& payload, std::size_t hlen) noexcept {
  constexpr std::size_t ip_room = 64;
  if (payload.segments() == 1 && payload[0].writable() && payload[0].headroom() >= hlen + ip_room) {
    buf b = payload[0];
    if (b.prepend(hlen)) return b;
  }
  ATOLL_TRY(buf b, buf::allocate_uninit(hlen + payload.size(), ip_room));  // all written
  payload.copy_to(b.mutable_bytes().subspan(hlen));
  return b;
}

}  // namespace

void direct_core::tcp_input(const l4_input& d, mono_time now) {
  auto view = tcp_view::checked(d.payload.bytes());
  if (!view) {
    ++stats_.tcp_bad;
    return;
  }
  auto h = tcp_repr::parse(*view, pair_of(d.src, d.dst));
  if (!h) {
    ++stats_.tcp_bad;
    return;
  }
  auto payload = d.payload.sub(view->header_len());
  if (!payload) {
    ++stats_.tcp_bad;
    return;
  }
  const tcp::flow_id id = flow_of(d.dst, h->dst_port, d.src, h->src_port);
  if (detail::tcp_entry* e = find(id)) {
    e->conn->on_segment(*h, *payload, now);
    signal(*e);
    if (!e->owned && e->conn->closed()) {
      erase(e);
    } else {
      touched_ = e;
    }
    return;
  }
  if (d.to_group) return;
  for (auto& l : listeners_) {
    if (l->at != h->dst_port || !detail::matches(l->addr, d.dst)) continue;
    l->core.on_segment(id, *h, *payload, now, isn_for(id, now));
    if (l->core.acceptable()) l->ready.set();
    return;
  }
  send_reset(id, *h, payload->size());
}

void direct_core::send_reset(const tcp::flow_id& id, const tcp_repr& h,
                             std::size_t payload_len) noexcept {
  if (h.flags.has(tcp_flags::rst)) return;  // never answer a reset
  tcp_repr r;
  r.src_port = h.dst_port;
  r.dst_port = h.src_port;
  if (h.flags.has(tcp_flags::ack)) {
    r.seq = h.ack;
    r.flags = tcp_flags(tcp_flags::rst);
  } else {
    const std::uint32_t len = static_cast<std::uint32_t>(payload_len) +
                              (h.flags.has(tcp_flags::syn) ? 1U : 0U) +
                              (h.flags.has(tcp_flags::fin) ? 1U : 0U);
    r.ack = h.seq + len;
    r.flags = tcp_flags(tcp_flags::rst | tcp_flags::ack);
  }
  ++stats_.tcp_resets_sent;
  send(id, r, bufs{});
}

void direct_core::udp_input(const l4_input& d, mono_time now) {
  auto view = udp_view::checked(d.payload.bytes());
  if (!view) {
    ++stats_.udp_bad;
    return;
  }
  auto h = udp_repr::parse(*view, pair_of(d.src, d.dst));
  if (!h) {
    ++stats_.udp_bad;
    return;
  }
  if (dhcp_ && d.src.is_v4() && h->dst_port == dhcp::client_port &&
      h->src_port == dhcp::server_port) {
    dhcp_->on_receive(now, d.payload.bytes().subspan(udp_view::header_len, h->payload_len),
                      next_random());
    flush_dhcp(now);
    return;
  }
  for (auto& u : udp_) {
    if (u->at != h->dst_port || !detail::matches(u->addr, d.dst)) continue;
    if (u->queue.size() >= config_.udp_queue || h->payload_len > config_.max_datagram) {
      ++stats_.udp_drops;
      return;
    }
    auto payload = d.payload.sub(udp_view::header_len, h->payload_len);
    if (!payload) {
      ++stats_.udp_bad;
      return;
    }
    u->queue.push_back(datagram{ip_endpoint{d.src, h->src_port}, std::move(*payload)});
    u->ready.set();
    return;
  }
  ++stats_.udp_unreachable;
  if (d.to_group || d.invoking.empty()) return;
  if (d.src.is_v6()) {
    constexpr std::uint8_t port_unreachable6 = 4;
    (void)ip6_->send_error(now, icmpv6_repr::dest_unreachable(port_unreachable6, d.invoking),
                           d.invoking);
    flush6();
    return;
  }
  constexpr std::uint8_t port_unreachable = 3;
  const auto message = icmpv4_repr::dest_unreachable(port_unreachable, d.invoking);
  if (ip_.send_icmp_error(d.invoking, message, now, ip_out_)) flush_ip(ip_out_, now);
  ip_out_.clear();
}

void direct_core::icmp_input(const ipv4::ipv4_delivery& d) noexcept {
  auto view = icmpv4_view::checked(d.payload.bytes());
  if (!view) return;
  auto m = icmpv4_repr::parse(*view);
  if (m && m->type == icmpv4_type::echo_reply) ++stats_.echo_replies;
}

// --- Output ----------------------------------------------------------------

void direct_core::send(const tcp::flow_id& flow, const tcp_repr& header,
                       const bufs& payload) noexcept {
  const std::size_t hlen = header.buffer_len();
  auto b = segment_buf(payload, hlen);
  if (!b) return;  // a lost segment: TCP retransmits it
  auto bytes = b->mutable_bytes();
  header.emit(bytes.first(hlen), flow.outgoing(), bytes.subspan(hlen));
  const mono_time now = engine_.now();
  if (flow.is_v6()) {
    if (ip6_) {
      (void)ip6_->send(now, flow.local6(), flow.remote6(), ip_protocol::tcp, b->bytes());
      flush6();
    }
    return;
  }
  if (ip_.send(flow.local4(), flow.remote4(), ip_protocol::tcp, std::move(*b), now, ip_out_)) {
    flush_ip(ip_out_, now);
  }
  ip_out_.clear();
}

void direct_core::flush_ip(ipv4::ipv4_actions& out, mono_time now) {
  for (ipv4::ipv4_tx& tx : out.send)
    (void)arp_.send(tx.next_hop, std::move(tx.packet), now, arp_out_);
  out.send.clear();
  flush_arp(arp_out_);
}

void direct_core::flush_arp(ipv4::arp_actions& out) {
  for (bufs& f : out.frames) queue_frame(std::move(f));
  out.clear();  // failed packets: counted by the cache; TCP times out, UDP is best effort
}

result<void> direct_core::send_echo6(ipv6_addr dst, std::uint16_t ident, std::uint16_t seq) {
  if (!ip6_) return error(errc::invalid_argument, "direct stack: IPv6 is off");
  const auto src = ip6_->source_for(dst);
  if (!src) return error(errc::unreachable, "direct stack: no IPv6 source address");
  const auto request = icmpv6_repr::echo_request(ident, seq, {});
  std::vector<std::byte> message(request.buffer_len());
  request.emit(message, ip_pair(*src, dst));
  const mono_time now = engine_.now();
  auto sent = ip6_->send(now, *src, dst, ip_protocol::icmpv6, message);
  flush6();
  poke_timer();
  return sent;
}

void direct_core::flush6() {
  if (!ip6_) return;
  for (ipv6_frame& f : ip6_->take_frames()) {
    const ethernet_repr eth{f.dst_mac, mac_, ethertype::ipv6, {}};
    auto b = buf::allocate_uninit(eth.buffer_len() + f.packet.size());  // all written below
    if (!b) {
      ++stats_.tx_dropped;
      continue;
    }
    auto bytes = b->mutable_bytes();
    eth.emit(bytes.first(eth.buffer_len()));
    std::copy(f.packet.begin(), f.packet.end(),
              bytes.begin() + static_cast<std::ptrdiff_t>(eth.buffer_len()));
    queue_frame(bufs(std::move(*b)));
  }
}

void direct_core::queue_frame(bufs frame) {
  if (!tx_.push(std::move(frame))) {
    ++stats_.tx_dropped;
    return;
  }
  ++stats_.tx_frames;
  tx_ready_.set();
}

bufs direct_core::take_frame() noexcept { return tx_.pop(); }

// --- Timers ----------------------------------------------------------------

mono_time direct_core::base_deadline() const noexcept {
  mono_time d = std::min(arp_.next_deadline(), ip_.next_deadline());
  if (ip6_) d = std::min(d, ip6_->next_deadline());
  if (dhcp_) d = std::min(d, dhcp_->next_deadline());
  for (const auto& l : listeners_) d = std::min(d, l->core.next_deadline());
  return d;
}

mono_time direct_core::next_deadline() const noexcept {
  mono_time d = base_deadline();
  for (const auto& e : connections_) d = std::min(d, e->conn->next_deadline());
  return d;
}

void direct_core::on_timer(mono_time now) noexcept {
  arp_.poll(now, arp_out_);
  flush_arp(arp_out_);
  ip_.poll(now);
  if (dhcp_ && dhcp_->next_deadline() <= now) {
    dhcp_->on_timer(now, next_random());
    flush_dhcp(now);
  }
  if (ip6_) {
    ip6_->poll(now);
    flush6();
  }
  for (auto& l : listeners_) {
    if (l->core.next_deadline() > now) continue;
    l->core.on_timer(now);
    if (l->core.acceptable()) l->ready.set();
  }
  // By index: a timer may send, and sending may change the table.
  for (std::size_t i = 0; i < connections_.size(); ++i) {  // NOLINT(modernize-loop-convert)
    detail::tcp_entry& e = *connections_[i];
    if (e.conn->next_deadline() > now) continue;
    e.conn->on_timer(now);
    signal(e);
  }
  // Connections nobody holds any more go once their core is done.
  std::erase_if(connections_, [this](const auto& e) {
    if (e->owned || !e->conn->closed()) return false;
    unindex(e.get());
    return true;
  });
  stats_.live_connections = connections_.size();
}

void direct_core::poke_timer() noexcept {
  if (next_deadline() < armed_) timer_changed_.set();
}

void direct_core::poke_timer(detail::tcp_entry& e) noexcept {
  // The other connections' deadlines are unchanged since the timer task
  // last computed armed_ from all of them.
  if (std::min(base_deadline(), e.conn->next_deadline()) < armed_) timer_changed_.set();
}

// --- Tables ----------------------------------------------------------------

void direct_core::signal(detail::tcp_entry& e) noexcept {
  const bool closed = e.conn->closed();
  if (closed || e.conn->readable()) e.readable.set();
  if (closed || e.conn->writable()) e.writable.set();
}

std::uint64_t direct_core::next_random() noexcept { return splitmix(rng_); }

std::uint32_t direct_core::isn_for(const tcp::flow_id& id, mono_time now) const noexcept {
  // RFC 6528: a keyed hash of the 4-tuple plus a 4-microsecond clock.
  std::uint64_t h = isn_key_ ^ id.hash();
  const std::uint64_t keyed = splitmix(h);
  const auto ticks = static_cast<std::uint64_t>(now.time_since_epoch().count() / 4000);
  return static_cast<std::uint32_t>(keyed + ticks);
}

port direct_core::pick_port(bool tcp) noexcept {
  constexpr std::uint32_t first = 49152;
  constexpr std::uint32_t count = 65536 - first;
  const auto used = [&](std::uint16_t p) {
    if (tcp) {
      for (const auto& e : connections_) {
        if (e->conn->id().local_port().value() == p) return true;
      }
      for (const auto& l : listeners_) {
        if (l->at.value() == p) return true;
      }
      return false;
    }
    for (const auto& u : udp_) {
      if (u->at.value() == p) return true;
    }
    return false;
  };
  // Random picks first, then a scan from a random start: found if any is free.
  const auto start = static_cast<std::uint32_t>(next_random() % count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto p = static_cast<std::uint16_t>(first + (start + i * 7919U) % count);
    if (!used(p)) return port(p);
  }
  return port(0);
}

detail::tcp_entry* direct_core::find(const tcp::flow_id& id) noexcept {
  // Segments come in trains for one flow: the last hit saves hashing.
  if (last_found_ != nullptr && last_found_->conn->id() == id) return last_found_;
  detail::tcp_entry* e = index_.find(id);
  if (e != nullptr) last_found_ = e;
  return e;
}

void direct_core::unindex(detail::tcp_entry* e) noexcept {
  if (touched_ == e) touched_ = nullptr;
  if (last_found_ == e) last_found_ = nullptr;
  (void)index_.erase(e->conn->id(), e);
}

void direct_core::erase(detail::tcp_entry* e) noexcept {
  unindex(e);
  std::erase_if(connections_, [e](const auto& p) { return p.get() == e; });
  stats_.live_connections = connections_.size();
}

detail::tcp_entry* direct_core::add_connection(std::unique_ptr<tcp::connection> conn) {
  auto e = std::make_unique<detail::tcp_entry>(engine_);
  e->conn = std::move(conn);
  detail::tcp_entry* raw = e.get();
  // The index holds every connection, so a flow id is never in the table
  // twice (ports are picked unused, and a segment for a known flow never
  // reaches a listener); its limit is max_connections, checked by callers.
  if (!index_.insert(raw->conn->id(), raw)) {
    raw->conn->abort();
    return nullptr;
  }
  connections_.push_back(std::move(e));
  stats_.live_connections = connections_.size();
  return raw;
}

tcp::connection_config direct_core::tcp_config() const noexcept {
  tcp::connection_config c = config_.tcp;
  c.mtu = static_cast<std::uint16_t>(std::min<std::size_t>(mtu_, 65535));
  return c;
}

}  // namespace atl::net
