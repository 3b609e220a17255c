// connection: timers: retransmission (RFC 6298), persist, delayed ACK,
// keepalive, FIN-WAIT-2 and TIME-WAIT.
#include <atoll/net/tcp/connection.hpp>

#include <algorithm>

namespace atl::net::tcp {

// --- Timers ------------------------------------------------------------------------

mono_time connection::next_deadline() const noexcept {
  return std::min(
      {rtx_deadline_, persist_deadline_, delack_deadline_, close_deadline_, keepalive_deadline_});
}

void connection::arm_rtx(mono_time now) noexcept { rtx_deadline_ = now + rto_.rto(); }

void connection::on_timer(mono_time now) noexcept {
  if (close_deadline_ <= now) {
    become_closed(std::nullopt);
    return;
  }
  if (rtx_deadline_ <= now) retransmit_timeout(now);
  if (state_ == tcp_state::closed) return;
  if (persist_deadline_ <= now) {
    ++stats_.window_probes;
    send_probe(now);
    ++persist_count_;
    const duration base = rto_.rto();
    duration next = base;
    for (std::uint32_t i = 0; i < persist_count_ && next < config_.rto.max; ++i) next *= 2;
    persist_deadline_ = now + std::min(next, config_.rto.max);
  }
  if (delack_deadline_ <= now) send_ack(now);
  if (keepalive_deadline_ <= now) {
    if (keepalive_sent_ >= config_.keepalive_probes) {
      become_closed(errc::timed_out);
      return;
    }
    ++keepalive_sent_;
    ++stats_.keepalive_probes;
    send_probe(now);
    keepalive_deadline_ = now + config_.keepalive_interval;
  }
}

void connection::retransmit_timeout(mono_time now) noexcept {
  rtx_deadline_ = mono_never;
  if (state_ == tcp_state::syn_sent || state_ == tcp_state::syn_received) {
    if (rtx_count_ >= config_.syn_retries) {
      become_closed(errc::timed_out);
      return;
    }
    ++rtx_count_;
    ++stats_.timeouts;
    ++stats_.retransmits;
    rto_.backoff();
    send_syn(state_ == tcp_state::syn_received, now);
    return;
  }
  if (snd_una_ == snd_max_) return;
  if (rtx_count_ >= config_.retries) {
    become_closed(errc::timed_out);
    return;
  }
  ++rtx_count_;
  ++stats_.timeouts;
  rto_.backoff();
  cc_.on_retransmit_timeout(static_cast<std::uint32_t>(snd_max_ - snd_una_));
  in_recovery_ = false;
  dup_acks_ = 0;
  recover_ = snd_max_;  // RFC 6582 4.1: no fast retransmit on old duplicates
  rtt_timing_ = false;
  snd_nxt_ = snd_una_;
  retransmit_front(now);
  arm_rtx(now);
}

void connection::enter_time_wait(mono_time now) noexcept {
  state_ = tcp_state::time_wait;
  close_deadline_ = now + 2 * config_.msl;
  rtx_deadline_ = mono_never;
  persist_deadline_ = mono_never;
  keepalive_deadline_ = mono_never;
}

void connection::become_closed(std::optional<errc> why) noexcept {
  state_ = tcp_state::closed;
  if (why && !error_) error_ = why;
  rtx_deadline_ = mono_never;
  persist_deadline_ = mono_never;
  delack_deadline_ = mono_never;
  close_deadline_ = mono_never;
  keepalive_deadline_ = mono_never;
  ack_now_ = false;
  ooo_.clear();
  scoreboard_.clear();
  if (why) recv_buf_.clear();
}

}  // namespace atl::net::tcp
