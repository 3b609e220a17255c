// listener: backlog, SYN cookies and hand-over to accept().
#include <atoll/net/tcp/listener.hpp>

#include <algorithm>
#include <new>

namespace atl::net::tcp {

listener::listener(const listener_config& config, segment_sink& sink)
    : config_(config), sink_(&sink) {
  pending_.reserve(config.syn_backlog + config.accept_backlog);
}

std::size_t listener::half_open() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(pending_.begin(), pending_.end(),
                    [](const auto& c) { return c->state() == tcp_state::syn_received; }));
}

std::size_t listener::completed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(pending_.begin(), pending_.end(), [](const auto& c) {
        return c->state() != tcp_state::syn_received && c->state() != tcp_state::closed;
      }));
}

bool listener::acceptable() const noexcept { return completed() > 0; }

std::unique_ptr<connection> listener::accept() noexcept {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const tcp_state s = (*it)->state();
    if (s != tcp_state::syn_received && s != tcp_state::closed) {
      std::unique_ptr<connection> out = std::move(*it);
      pending_.erase(it);
      return out;
    }
  }
  return nullptr;
}

std::uint16_t listener::our_mss(const flow_id& flow) const noexcept {
  const std::uint32_t overhead = flow.is_v6() ? 60 : 40;
  const std::uint32_t mtu = config_.connection.mtu;
  return static_cast<std::uint16_t>(mtu > overhead + 8 ? mtu - overhead : 536);
}

void listener::send_rst(const flow_id& flow, const tcp_repr& h, std::size_t payload_len) noexcept {
  // RFC 9293 3.10.7.2: an ACK to a LISTEN socket draws <SEQ=SEG.ACK><RST>.
  tcp_repr r;
  r.src_port = flow.local_port();
  r.dst_port = flow.remote_port();
  if (h.flags.has(tcp_flags::ack)) {
    r.seq = h.ack;
    r.flags = tcp_flags(tcp_flags::rst);
  } else {
    r.ack = h.seq + static_cast<std::uint32_t>(payload_len);
    r.flags = tcp_flags(tcp_flags::rst | tcp_flags::ack);
  }
  ++stats_.resets_sent;
  sink_->send(flow, r, bufs());
}

void listener::on_segment(const flow_id& flow, const tcp_repr& h, const buf& payload, mono_time now,
                          std::uint32_t isn) noexcept {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const auto& c) { return c->id() == flow; });
  if (it != pending_.end()) {
    connection& c = **it;
    // A handshake may complete only while the accept queue has room; the
    // peer retransmits its ACK otherwise.
    if (c.state() == tcp_state::syn_received && h.flags.has(tcp_flags::ack) &&
        !h.flags.has(tcp_flags::rst) && completed() >= config_.accept_backlog) {
      ++stats_.dropped_backlog;
      return;
    }
    c.on_segment(h, payload, now);
    reap();
    return;
  }
  if (h.flags.has(tcp_flags::rst)) return;
  const bool syn = h.flags.has(tcp_flags::syn);
  const bool ack = h.flags.has(tcp_flags::ack);
  if (syn && !ack) {
    on_syn(flow, h, now, isn);
    return;
  }
  if (ack && !syn && config_.syn_cookies && try_cookie(flow, h, payload, now)) return;
  send_rst(flow, h, payload.size() + (syn ? 1U : 0U) + (h.flags.has(tcp_flags::fin) ? 1U : 0U));
}

void listener::on_syn(const flow_id& flow, const tcp_repr& h, mono_time now,
                      std::uint32_t isn) noexcept {
  ++stats_.syns;
  if (half_open() < config_.syn_backlog &&
      pending_.size() < config_.syn_backlog + config_.accept_backlog) {
    std::unique_ptr<connection> c(new (std::nothrow) connection(config_.connection, flow, *sink_));
    if (c && c->accept_syn(h, isn, now)) {
      pending_.push_back(std::move(c));
      return;
    }
  }
  if (!config_.syn_cookies) {
    ++stats_.dropped_backlog;
    return;
  }
  // No room: answer statelessly with a cookie as our ISN.
  const std::uint16_t peer_mss =
      h.mss.value_or(flow.is_v6() ? std::uint16_t{1220} : std::uint16_t{536});
  const auto id = flow.to_bytes();
  const seq cookie = make_syn_cookie(config_.secret, id, seq(h.seq), peer_mss, now);
  tcp_repr r;
  r.src_port = flow.local_port();
  r.dst_port = flow.remote_port();
  r.seq = cookie.value();
  r.ack = h.seq + 1;
  r.flags = tcp_flags(tcp_flags::syn | tcp_flags::ack);
  r.window =
      static_cast<std::uint16_t>(std::min<std::size_t>(config_.connection.receive_buffer, 0xffff));
  r.mss = our_mss(flow);
  ++stats_.cookies_sent;
  sink_->send(flow, r, bufs());
}

bool listener::try_cookie(const flow_id& flow, const tcp_repr& h, const buf& payload,
                          mono_time now) noexcept {
  const auto id = flow.to_bytes();
  const auto mss = check_syn_cookie(config_.secret, id, seq(h.seq) - 1, seq(h.ack) - 1, now);
  if (!mss) {
    ++stats_.cookies_rejected;
    return false;
  }
  if (completed() >= config_.accept_backlog ||
      pending_.size() >= config_.syn_backlog + config_.accept_backlog) {
    ++stats_.dropped_backlog;
    return true;  // silently: the peer's retransmission may find room
  }
  std::unique_ptr<connection> c(new (std::nothrow) connection(config_.connection, flow, *sink_));
  if (!c || !c->open_from_cookie(h, *mss, now)) {
    ++stats_.dropped_backlog;
    return true;
  }
  ++stats_.cookies_accepted;
  if (!payload.empty() || h.flags.has(tcp_flags::fin)) c->on_segment(h, payload, now);
  pending_.push_back(std::move(c));
  return true;
}

mono_time listener::next_deadline() const noexcept {
  mono_time next = mono_never;
  for (const auto& c : pending_) next = std::min(next, c->next_deadline());
  return next;
}

void listener::on_timer(mono_time now) noexcept {
  for (auto& c : pending_) {
    if (c->next_deadline() <= now) c->on_timer(now);
  }
  reap();
}

void listener::reap() noexcept {
  std::erase_if(pending_, [](const auto& c) { return c->state() == tcp_state::closed; });
}

}  // namespace atl::net::tcp
