// connection: the arrival of segments (RFC 9293 3.10.7, with RFC 5961 and
// RFC 7323 PAWS).
#include <atoll/net/tcp/connection.hpp>

#include <algorithm>
#include <chrono>

namespace atl::net::tcp {

void connection::on_segment(const tcp_repr& h, const buf& payload, mono_time now) noexcept {
  ++stats_.segments_received;
  last_receive_ = now;
  keepalive_sent_ = 0;
  switch (state_) {
    case tcp_state::closed:
      // RFC 9293 3.10.7.1: answer anything but a RST with a RST.
      if (!h.flags.has(tcp_flags::rst)) {
        if (h.flags.has(tcp_flags::ack)) {
          send_rst(seq(h.ack), std::nullopt);
        } else {
          const std::uint32_t len = static_cast<std::uint32_t>(payload.size()) +
                                    (h.flags.has(tcp_flags::syn) ? 1U : 0U) +
                                    (h.flags.has(tcp_flags::fin) ? 1U : 0U);
          send_rst(seq(0), seq(h.seq) + len);
        }
      }
      return;
    case tcp_state::listen: on_listen(h, now); break;
    case tcp_state::syn_sent: on_syn_sent(h, now); break;
    default: on_synchronized(h, payload, now); break;
  }
  if (state_ == tcp_state::closed) return;
  output(now);
  if (ack_now_) send_ack(now);
}

void connection::take_syn_options(const tcp_repr& h) noexcept {
  const std::uint32_t peer_mss =
      h.mss.value_or(id_.is_v6() ? std::uint16_t{1220} : std::uint16_t{536});
  ws_on_ = config_.window_scaling && h.window_scale.has_value();
  snd_wscale_ = ws_on_ ? *h.window_scale : 0;
  if (!ws_on_) rcv_wscale_ = 0;
  ts_on_ = config_.timestamps && h.timestamps.has_value();
  if (ts_on_) ts_recent_ = h.timestamps->value;
  sack_on_ = config_.sack && h.sack_permitted;
  snd_mss_ = std::max<std::uint32_t>(std::min(peer_mss, our_mss_), 64);
  // RFC 6691: the MSS counts no options; room for the timestamps is taken
  // from every segment.
  if (ts_on_) snd_mss_ -= 12;
  // The initial window depends on the MSS (RFC 5681 3.1): start afresh.
  cc_ = congestion_control(config_.congestion, snd_mss_);
  snd_wnd_ = h.window;  // a SYN's window is never scaled
  max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  snd_wl1_ = seq(h.seq);
  snd_wl2_ = seq(h.ack);
}

void connection::on_listen(const tcp_repr& h, mono_time now) noexcept {
  if (h.flags.has(tcp_flags::rst)) return;
  if (h.flags.has(tcp_flags::ack)) {
    send_rst(seq(h.ack), std::nullopt);
    return;
  }
  if (!h.flags.has(tcp_flags::syn)) return;
  ts_origin_ = now;
  irs_ = seq(h.seq);
  rcv_nxt_ = irs_ + 1;
  take_syn_options(h);
  state_ = tcp_state::syn_received;
  send_syn(true, now);
}

void connection::on_syn_sent(const tcp_repr& h, mono_time now) noexcept {
  const bool has_ack = h.flags.has(tcp_flags::ack);
  if (has_ack && (seq(h.ack) <= iss_ || snd_max_ < seq(h.ack))) {
    if (!h.flags.has(tcp_flags::rst)) send_rst(seq(h.ack), std::nullopt);
    ++stats_.dropped;
    return;
  }
  if (h.flags.has(tcp_flags::rst)) {
    if (has_ack) become_closed(errc::refused);  // RFC 5961 3.2: ACK checked above
    return;
  }
  if (!h.flags.has(tcp_flags::syn)) return;
  irs_ = seq(h.seq);
  rcv_nxt_ = irs_ + 1;
  last_ack_sent_ = rcv_nxt_;
  take_syn_options(h);
  if (!has_ack) {
    // Simultaneous open (RFC 9293 3.5, figure 8).
    state_ = tcp_state::syn_received;
    send_syn(true, now);
    return;
  }
  snd_una_ = seq(h.ack);
  if (ts_on_ && h.timestamps && h.timestamps->echo != 0) {
    take_rtt_echo(h.timestamps->echo, now);
  } else if (rtt_timing_ && rtx_count_ == 0) {
    rto_.sample(now - rtt_start_);
  }
  rtt_timing_ = false;
  rtx_count_ = 0;
  rto_.clear_backoff();
  rtx_deadline_ = mono_never;
  rcv_adv_ = rcv_nxt_;
  state_ = tcp_state::established;
  was_established_ = true;
  if (fin_queued_) state_ = tcp_state::fin_wait_1;
  ack_now_ = true;
}

void connection::take_rtt_echo(std::uint32_t echo, mono_time now) noexcept {
  // An echo from the future or older than the longest RTO is not one of
  // ours (or the peer is confused): no sample rather than a wild one.
  const auto rtt = static_cast<std::int32_t>(ts_now(now) - echo);
  const auto ms = std::chrono::milliseconds(rtt);
  if (rtt < 0 || ms > config_.rto.max) return;
  rto_.sample(ms);
}

bool connection::acceptable(seq s, std::uint32_t len) const noexcept {
  const std::uint32_t wnd = receive_window();
  if (len == 0) return wnd == 0 ? s == rcv_nxt_ : in_window(s, rcv_nxt_, wnd);
  if (wnd == 0) return false;
  return in_window(s, rcv_nxt_, wnd) || in_window(s + len - 1, rcv_nxt_, wnd);
}

void connection::on_synchronized(const tcp_repr& h, const buf& payload, mono_time now) noexcept {
  seq s(h.seq);
  const bool rst = h.flags.has(tcp_flags::rst);
  bool syn = h.flags.has(tcp_flags::syn);
  bool fin = h.flags.has(tcp_flags::fin);
  const auto len = static_cast<std::uint32_t>(payload.size());
  const std::uint32_t seg_len = len + (syn ? 1U : 0U) + (fin ? 1U : 0U);

  // PAWS (RFC 7323 5.3): a timestamp older than the last in-order one is a
  // stale duplicate from a wrapped sequence space.
  if (ts_on_ && h.timestamps && !rst &&
      static_cast<std::int32_t>(h.timestamps->value - ts_recent_) < 0) {
    ++stats_.dropped;
    ack_now_ = true;
    return;
  }
  // 1. Sequence number (RFC 9293 3.10.7.4).
  if (!acceptable(s, seg_len)) {
    ++stats_.dropped;
    if (!rst) {
      ack_now_ = true;
      if (state_ == tcp_state::time_wait && fin) close_deadline_ = now + 2 * config_.msl;
    }
    return;
  }
  // RFC 7323 4.3: remember the timestamp of a segment covering last_ack_sent_.
  if (ts_on_ && h.timestamps && !(last_ack_sent_ < s)) ts_recent_ = h.timestamps->value;

  // 2. RST: only an exact match resets; one elsewhere in the window draws a
  // challenge ACK (RFC 5961 3.2).
  if (rst) {
    // RFC 1337: a RST must not cut TIME-WAIT short (assassination).
    if (state_ == tcp_state::time_wait) return;
    if (s != rcv_nxt_) {
      send_challenge_ack(now);
      return;
    }
    switch (state_) {
      case tcp_state::syn_received:
        become_closed(passive_ ? std::optional<errc>() : std::optional<errc>(errc::refused));
        return;
      case tcp_state::established:
      case tcp_state::fin_wait_1:
      case tcp_state::fin_wait_2:
      case tcp_state::close_wait: become_closed(errc::connection_reset); return;
      default: become_closed(std::nullopt); return;
    }
  }
  // 4. SYN: an old one (the peer's, retransmitted) is trimmed away; any
  // other gets a challenge ACK (RFC 5961 4.2).
  if (syn) {
    if (s < rcv_nxt_) {
      s += 1;
      syn = false;
    } else {
      send_challenge_ack(now);
      return;
    }
  }
  // 5. ACK.
  if (!h.flags.has(tcp_flags::ack)) return;
  const seq ack(h.ack);
  if (state_ == tcp_state::syn_received) {
    if (!(snd_una_ < ack) || snd_max_ < ack) {
      send_rst(ack, std::nullopt);
      return;
    }
    state_ = tcp_state::established;
    was_established_ = true;
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    snd_wl1_ = s;
    snd_wl2_ = ack;
    if (fin_queued_) state_ = tcp_state::fin_wait_1;
    if (config_.keepalive) keepalive_deadline_ = now + config_.keepalive_idle;
  }
  if (!check_ack(h, now)) return;
  process_ack(h, seg_len, now);
  switch (state_) {
    case tcp_state::fin_wait_1:
      if (fin_acked()) {
        state_ = tcp_state::fin_wait_2;
        if (app_closed_) close_deadline_ = now + config_.fin_wait_2_timeout;
      }
      break;
    case tcp_state::closing:
      if (fin_acked()) enter_time_wait(now);
      break;
    case tcp_state::last_ack:
      if (fin_acked()) {
        become_closed(std::nullopt);
        return;
      }
      break;
    default: break;
  }

  // 7. Data, trimmed to the window.
  buf data = payload;
  if (s < rcv_nxt_) {
    const auto skip = static_cast<std::uint32_t>(rcv_nxt_ - s);
    if (skip >= data.size()) {
      data = buf();
      if (len > 0) ack_now_ = true;  // a duplicate: tell the peer where we are
    } else {
      (void)data.shift(skip);
    }
    s = rcv_nxt_;
  }
  const std::uint32_t room =
      receive_window() - std::min(receive_window(), static_cast<std::uint32_t>(s - rcv_nxt_));
  if (data.size() > room) {
    (void)data.truncate(room);
    fin = false;
  }
  const bool receiving = state_ == tcp_state::established || state_ == tcp_state::fin_wait_1 ||
                         state_ == tcp_state::fin_wait_2;
  if (!receiving) {
    // Data or FIN after the peer's FIN: nothing new can arrive. In
    // TIME-WAIT a retransmitted FIN is acknowledged and restarts the clock.
    if (state_ == tcp_state::time_wait && fin) {
      ack_now_ = true;
      close_deadline_ = now + 2 * config_.msl;
    }
    return;
  }
  const seq fin_at = s + static_cast<std::uint32_t>(data.size());
  if (!data.empty()) take_data(s, std::move(data), now);
  if (state_ == tcp_state::closed) return;  // reset: data after close()
  // 8. FIN: taken once every byte before it is here.
  if (fin) {
    if (fin_at == rcv_nxt_) {
      take_fin(now);
    } else {
      ooo_fin_ = fin_at;
      ack_now_ = true;
    }
  }
}

bool connection::check_ack(const tcp_repr& h, mono_time now) noexcept {
  const seq ack(h.ack);
  // RFC 5961 5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT].
  if (snd_max_ < ack || ack < snd_una_ - max_snd_wnd_) {
    ++stats_.dropped;
    send_challenge_ack(now);
    return false;
  }
  return true;
}

void connection::process_ack(const tcp_repr& h, std::uint32_t seg_len, mono_time now) noexcept {
  const seq s(h.seq);
  const seq ack(h.ack);
  const std::uint32_t old_wnd = snd_wnd_;
  bool window_changed = false;
  if (!(ack < snd_una_) && (snd_wl1_ < s || (snd_wl1_ == s && !(ack < snd_wl2_)))) {
    const std::uint32_t wnd = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    window_changed = wnd != old_wnd;
    snd_wnd_ = wnd;
    max_snd_wnd_ = std::max(max_snd_wnd_, wnd);
    snd_wl1_ = s;
    snd_wl2_ = ack;
    if (wnd > 0) persist_count_ = 0;
  }
  if (snd_una_ < ack) {
    const auto acked = static_cast<std::uint32_t>(ack - snd_una_);
    // RTT sample (RFC 7323 4.1 with timestamps; else one timed segment, Karn).
    if (ts_on_ && h.timestamps && h.timestamps->echo != 0) {
      take_rtt_echo(h.timestamps->echo, now);
    } else if (rtt_timing_ && !(ack < rtt_seq_)) {
      rto_.sample(now - rtt_start_);
      rtt_timing_ = false;
    }
    rto_.clear_backoff();
    rtx_count_ = 0;
    snd_una_ = ack;
    if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
    if (data_front_ < snd_una_) {
      const auto n = std::min<std::size_t>(static_cast<std::uint32_t>(snd_una_ - data_front_),
                                           send_buf_.size());
      send_buf_.consume(n);
      data_front_ += static_cast<std::uint32_t>(n);
    }
    if (sack_on_) scoreboard_.on_ack(snd_una_, h.sack_blocks());
    const auto flight = static_cast<std::uint32_t>(snd_max_ - snd_una_);
    if (in_recovery_) {
      if (!(ack < recover_)) {
        in_recovery_ = false;
        cc_.on_exit_recovery(flight);
      } else {
        // Partial ACK (RFC 6582 3.2 step 5): the next hole is lost too.
        cc_.on_partial_ack(acked);
        retransmit_front(now);
      }
    } else {
      cc_.on_ack(acked, now, rto_.srtt());
    }
    dup_acks_ = 0;
    if (snd_una_ == snd_max_) {
      rtx_deadline_ = mono_never;
    } else {
      arm_rtx(now);
    }
    return;
  }
  if (sack_on_) scoreboard_.on_ack(snd_una_, h.sack_blocks());
  // A duplicate ACK (RFC 5681 2): nothing new, no data, same window, data out.
  if (ack == snd_una_ && seg_len == 0 && !window_changed && snd_una_ != snd_max_) {
    ++dup_acks_;
    if (in_recovery_) {
      cc_.on_dup_ack_in_recovery();
      if (sack_on_) {
        // RFC 6675 NextSeg: resend the first hole the scoreboard says is lost.
        auto hole = scoreboard_.next_hole(snd_una_, snd_max_);
        if (hole && hole->first != snd_una_ && scoreboard_.is_lost(hole->first, snd_mss_) &&
            scoreboard_.pipe(snd_una_, snd_max_, snd_mss_) < cc_.cwnd()) {
          const seq end = data_end();
          if (hole->first < end) {
            const std::uint32_t n =
                std::min({hole->second, snd_mss_, static_cast<std::uint32_t>(end - hole->first)});
            scoreboard_.set_high_rxt(hole->first + n);
            (void)send_data_segment(hole->first, n, false, now);
          }
        }
      }
    } else if (dup_acks_ == sack_scoreboard::dup_thresh && recover_ < snd_una_ + 1) {
      // Fast retransmit (RFC 5681 3.2, RFC 6582 3.2 step 2).
      in_recovery_ = true;
      recover_ = snd_max_;
      ++stats_.fast_retransmits;
      cc_.on_enter_recovery(static_cast<std::uint32_t>(snd_max_ - snd_una_), now);
      retransmit_front(now);
      if (sack_on_) scoreboard_.set_high_rxt(snd_una_ + snd_mss_);
    }
  }
}

void connection::take_data(seq at, buf data, mono_time now) noexcept {
  if (app_closed_) {
    // Nobody will read it: RFC 9293 3.10.7.4 (after CLOSE) resets.
    send_rst(snd_nxt_, std::nullopt);
    become_closed(std::nullopt);
    return;
  }
  if (at != rcv_nxt_) {
    // Out of order: keep it and say so at once (a duplicate ACK with SACK).
    (void)ooo_.insert(rcv_nxt_, at, std::move(data));
    ack_now_ = true;
    return;
  }
  const std::size_t n = recv_buf_.write(data.bytes());
  rcv_nxt_ += static_cast<std::uint32_t>(n);
  bool filled = false;
  while (!ooo_.empty()) {
    buf next = ooo_.pop(rcv_nxt_);
    if (next.empty()) break;
    const std::size_t m = recv_buf_.write(next.bytes());
    rcv_nxt_ += static_cast<std::uint32_t>(m);
    filled = true;
    if (m < next.size()) break;
  }
  if (ooo_fin_ && *ooo_fin_ == rcv_nxt_) {
    ooo_fin_.reset();
    take_fin(now);
  }
  // Delayed ACK (RFC 9293 3.8.6.3): every second full segment, else within
  // the timeout; at once when a hole was filled or one remains.
  ++unacked_segments_;
  if (filled || !ooo_.empty() || !config_.delayed_ack || unacked_segments_ >= 2) {
    ack_now_ = true;
  } else if (delack_deadline_ == mono_never) {
    delack_deadline_ = now + config_.delayed_ack_timeout;
  }
}

void connection::take_fin(mono_time now) noexcept {
  fin_received_ = true;
  rcv_nxt_ += 1;
  ack_now_ = true;
  switch (state_) {
    case tcp_state::established: state_ = tcp_state::close_wait; break;
    case tcp_state::fin_wait_1:
      if (fin_acked()) {
        enter_time_wait(now);
      } else {
        state_ = tcp_state::closing;
      }
      break;
    case tcp_state::fin_wait_2: enter_time_wait(now); break;
    default: break;
  }
}

}  // namespace atl::net::tcp
