// connection: building and sending segments (data, SYN, ACK, RST, probes),
// Nagle, sender SWS avoidance and the receive window we advertise.
#include <atoll/net/tcp/connection.hpp>

#include <algorithm>

namespace atl::net::tcp {

std::uint16_t connection::advertise() noexcept {
  const std::uint32_t cap =
      static_cast<std::uint32_t>(std::min<std::size_t>(recv_buf_.free(), 0x3fffffff));
  std::uint32_t wnd = cap;
  const std::uint32_t current = receive_window();
  // Receiver SWS avoidance (RFC 9293 3.8.6.2.2): move the right edge only by
  // a useful amount; and never move it left (RFC 9293 3.8.6).
  const std::uint32_t step =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(recv_buf_.capacity() / 2), our_mss_);
  if (wnd < current + step) wnd = current;
  std::uint32_t scaled = wnd >> rcv_wscale_;
  if ((scaled << rcv_wscale_) < current) ++scaled;  // round up to keep the edge
  scaled = std::min<std::uint32_t>(scaled, 0xffff);
  const seq edge = rcv_nxt_ + (scaled << rcv_wscale_);
  if (edge > rcv_adv_) rcv_adv_ = edge;
  return static_cast<std::uint16_t>(scaled);
}

void connection::fill_options(tcp_repr& h, mono_time now) const noexcept {
  if (ts_on_) h.timestamps = tcp_timestamps{ts_now(now), ts_recent_};
  if (sack_on_ && !ooo_.empty()) {
    h.sack_count = static_cast<std::uint8_t>(ooo_.sack_blocks(h.sack));
  }
}

void connection::emit(tcp_repr& h, const bufs& payload, mono_time now) noexcept {
  h.src_port = id_.local_port();
  h.dst_port = id_.remote_port();
  h.payload_len = static_cast<std::uint16_t>(payload.size());
  if (h.flags.has(tcp_flags::ack)) {
    h.ack = rcv_nxt_.value();
    last_ack_sent_ = rcv_nxt_;
    ack_now_ = false;
    delack_deadline_ = mono_never;
    unacked_segments_ = 0;
  }
  last_send_ = now;
  ++stats_.segments_sent;
  sink_->send(id_, h, payload);
}

// --- Output ------------------------------------------------------------------------

void connection::send_syn(bool with_ack, mono_time now) noexcept {
  tcp_repr h;
  h.seq = iss_.value();
  h.flags = tcp_flags(with_ack ? tcp_flags::syn | tcp_flags::ack : tcp_flags::syn);
  h.mss = static_cast<std::uint16_t>(std::min<std::uint32_t>(our_mss_, 0xffff));
  const bool active = !with_ack || !passive_;
  // An answer carries only what the peer offered (RFC 7323 2.2, 3.2; RFC 2018 2).
  if (active ? config_.window_scaling && (!with_ack || ws_on_) : ws_on_) {
    h.window_scale = rcv_wscale_;
  }
  if (active ? config_.sack && (!with_ack || sack_on_) : sack_on_) h.sack_permitted = true;
  if (active ? config_.timestamps && (!with_ack || ts_on_) : ts_on_) {
    h.timestamps = tcp_timestamps{ts_now(now), with_ack ? ts_recent_ : 0};
  }
  // The window of a SYN is never scaled.
  const auto wnd = static_cast<std::uint16_t>(std::min<std::size_t>(recv_buf_.free(), 0xffff));
  h.window = wnd;
  if (with_ack) rcv_adv_ = rcv_nxt_ + wnd;
  if (rtx_count_ == 0 && !rtt_timing_) {
    rtt_timing_ = true;
    rtt_seq_ = iss_ + 1;
    rtt_start_ = now;
  } else if (rtx_count_ > 0) {
    rtt_timing_ = false;  // Karn
  }
  snd_nxt_ = iss_ + 1;
  snd_max_ = iss_ + 1;
  emit(h, bufs(), now);
  if (rtx_deadline_ == mono_never) arm_rtx(now);
}

void connection::send_ack(mono_time now) noexcept {
  tcp_repr h;
  h.seq = snd_nxt_.value();
  h.flags = tcp_flags(tcp_flags::ack);
  h.window = advertise();
  fill_options(h, now);
  emit(h, bufs(), now);
}

void connection::send_challenge_ack(mono_time now) noexcept {
  if (now - challenge_window_start_ >= std::chrono::seconds(1)) {
    challenge_window_start_ = now;
    challenge_count_ = 0;
  }
  if (challenge_count_ >= config_.challenge_acks_per_second) {
    ++stats_.challenge_acks_suppressed;
    return;
  }
  ++challenge_count_;
  ++stats_.challenge_acks;
  send_ack(now);
}

void connection::send_rst(seq s, std::optional<seq> ack) noexcept {
  tcp_repr h;
  h.src_port = id_.local_port();
  h.dst_port = id_.remote_port();
  h.seq = s.value();
  h.flags = tcp_flags(tcp_flags::rst);
  if (ack) {
    h.flags.set(tcp_flags::ack);
    h.ack = ack->value();
  }
  ++stats_.segments_sent;
  sink_->send(id_, h, bufs());
}

void connection::send_probe(mono_time now) noexcept {
  // An old sequence number with no data: the peer must answer with an ACK
  // carrying its current window (RFC 9293 3.8.6.1, 3.8.4).
  tcp_repr h;
  h.seq = (snd_una_ - 1).value();
  h.flags = tcp_flags(tcp_flags::ack);
  h.window = advertise();
  fill_options(h, now);
  emit(h, bufs(), now);
}

bool connection::send_data_segment(seq at, std::uint32_t len, bool fin, mono_time now) noexcept {
  bufs payload;
  if (len > 0) {
    // Room in front for the headers below (TCP with options, IP, link), so
    // that the sink can put them there instead of copying the payload.
    constexpr std::size_t header_room = 128;
    // Unzeroed: peek() fills all len bytes, or the buffer is dropped below.
    auto b = buf::allocate_uninit(len, header_room);
    if (!b) return false;  // no memory now: the retransmission timer retries
    const std::size_t copied =
        send_buf_.peek(static_cast<std::size_t>(at - data_front_), b->mutable_bytes());
    if (copied != len) return false;
    (void)payload.push_back(std::move(*b));
  }
  tcp_repr h;
  h.seq = at.value();
  std::uint8_t flags = tcp_flags::ack;
  if (fin) flags |= tcp_flags::fin;
  if (len > 0 && at + len == data_end()) flags |= tcp_flags::psh;
  h.flags = tcp_flags(flags);
  h.window = advertise();
  fill_options(h, now);
  const bool retransmission = at < snd_max_;
  if (retransmission) {
    ++stats_.retransmits;
    if (rtt_timing_ && !(rtt_seq_ <= at)) rtt_timing_ = false;  // Karn
  } else if (!rtt_timing_ && !ts_on_) {
    rtt_timing_ = true;
    rtt_seq_ = at + len + (fin ? 1U : 0U);
    rtt_start_ = now;
  }
  emit(h, payload, now);
  const seq end = at + len + (fin ? 1U : 0U);
  if (snd_max_ < end) snd_max_ = end;
  if (rtx_deadline_ == mono_never) arm_rtx(now);
  return true;
}

void connection::retransmit_front(mono_time now) noexcept {
  // The earliest unacknowledged segment, whatever the windows say.
  const seq end = data_end();
  const std::uint32_t avail = snd_una_ < end ? static_cast<std::uint32_t>(end - snd_una_) : 0;
  const std::uint32_t len = std::min(avail, snd_mss_);
  const bool fin = fin_queued_ && snd_una_ + len == end && snd_max_ > end;
  if (len == 0 && !fin) return;
  if (send_data_segment(snd_una_, len, fin, now)) {
    const seq sent_end = snd_una_ + len + (fin ? 1U : 0U);
    if (snd_nxt_ < sent_end) snd_nxt_ = sent_end;
  }
}

void connection::output(mono_time now) noexcept {
  switch (state_) {
    case tcp_state::established:
    case tcp_state::close_wait:
    case tcp_state::fin_wait_1:
    case tcp_state::closing:
    case tcp_state::last_ack: break;
    default: return;
  }
  if (config_.keepalive && state_ == tcp_state::established) {
    keepalive_deadline_ = std::max(last_receive_, last_send_) + config_.keepalive_idle;
  }
  // Restart after idle (RFC 5681 4.1).
  if (snd_una_ == snd_max_ && last_send_ != mono_time{} && now - last_send_ > rto_.rto()) {
    cc_.on_idle(now, rto_.rto());
  }
  const seq end = data_end();
  for (;;) {
    // Skip what the peer already holds (SACK) when resending after a timeout.
    if (sack_on_ && snd_nxt_ < snd_max_ && !scoreboard_.empty()) {
      auto hole = scoreboard_.next_hole(snd_nxt_, snd_max_);
      if (!hole) {
        snd_nxt_ = snd_max_;
      } else if (snd_nxt_ < hole->first) {
        snd_nxt_ = hole->first;
      }
    }
    const std::uint32_t flight = static_cast<std::uint32_t>(snd_nxt_ - snd_una_);
    // Limited transmit (RFC 3042): each of the first two duplicate ACKs
    // lets one new segment out, so a small window still gets its third.
    const std::uint32_t extra = !in_recovery_ && dup_acks_ <= 2 ? dup_acks_ * snd_mss_ : 0;
    const std::uint32_t win = std::min(snd_wnd_, cc_.cwnd() + extra);
    const std::uint32_t usable = win > flight ? win - flight : 0;
    const std::uint32_t avail = snd_nxt_ < end ? static_cast<std::uint32_t>(end - snd_nxt_) : 0;
    std::uint32_t len = std::min({avail, usable, snd_mss_});
    if (snd_nxt_ < snd_max_) {
      len = std::min(len, static_cast<std::uint32_t>(snd_max_ - snd_nxt_));
    }
    const bool fin_due = fin_queued_ && !(end < snd_nxt_) && snd_nxt_ + len == end;
    if (len == 0 && !(fin_due && snd_nxt_ == end)) break;
    if (len > 0 && len < snd_mss_ && !fin_due) {
      // Nagle (RFC 9293 3.7.4) and sender SWS avoidance: a short segment
      // waits while data is in flight, unless it is all there is and Nagle
      // is off.
      const bool all_queued = len == avail;
      const bool in_flight = snd_una_ != snd_max_;
      if (in_flight && (config_.nagle || !all_queued)) break;
      if (!all_queued && usable < snd_wnd_ / 2 && usable < snd_mss_) break;
    }
    if (!send_data_segment(snd_nxt_, len, fin_due, now)) break;
    snd_nxt_ += len + (fin_due ? 1U : 0U);
    if (fin_due) break;
  }
  // Zero window with data waiting and nothing in flight: probe (persist).
  const bool waiting = (snd_nxt_ < end) || (fin_queued_ && !(end < snd_nxt_));
  if (snd_wnd_ == 0 && waiting && snd_una_ == snd_max_) {
    if (persist_deadline_ == mono_never) {
      persist_count_ = 0;
      persist_deadline_ = now + rto_.rto();
    }
  } else {
    persist_deadline_ = mono_never;
  }
}

void connection::maybe_window_update(mono_time now) noexcept {
  if (!synchronized() || fin_received_) return;
  const std::uint32_t current = receive_window();
  const auto free = static_cast<std::uint32_t>(std::min<std::size_t>(recv_buf_.free(), 0x3fffffff));
  const std::uint32_t step =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(recv_buf_.capacity() / 2), 2 * our_mss_);
  if (free >= current + step) send_ack(now);
}

}  // namespace atl::net::tcp
