// connection: construction, the application side and shared helpers.
// Sending is in connection_output.cpp, timers in connection_timers.cpp and
// the arrival of segments in connection_input.cpp.
#include <atoll/net/tcp/connection.hpp>

#include <algorithm>
#include <chrono>

namespace atl::net::tcp {

namespace {

// RFC 9293 3.7.1 / RFC 8200 default MSS when the peer sends none.
constexpr std::uint16_t default_mss_v4 = 536;
constexpr std::uint16_t default_mss_v6 = 1220;

std::uint8_t window_scale_for(std::size_t capacity) noexcept {
  std::uint8_t shift = 0;
  while (shift < tcp_repr::max_window_scale && (capacity >> shift) > 0xffff) ++shift;
  return shift;
}

}  // namespace

const char* to_string(tcp_state state) noexcept {
  switch (state) {
    case tcp_state::closed: return "closed";
    case tcp_state::listen: return "listen";
    case tcp_state::syn_sent: return "syn_sent";
    case tcp_state::syn_received: return "syn_received";
    case tcp_state::established: return "established";
    case tcp_state::fin_wait_1: return "fin_wait_1";
    case tcp_state::fin_wait_2: return "fin_wait_2";
    case tcp_state::close_wait: return "close_wait";
    case tcp_state::closing: return "closing";
    case tcp_state::last_ack: return "last_ack";
    case tcp_state::time_wait: return "time_wait";
  }
  return "?";
}

connection::connection(const connection_config& config, const flow_id& id, segment_sink& sink)
    : config_(config),
      id_(id),
      sink_(&sink),
      snd_mss_(id.is_v6() ? default_mss_v6 : default_mss_v4),
      rcv_wscale_(config.window_scaling ? window_scale_for(config.receive_buffer) : 0),
      send_buf_(config.send_buffer),
      recv_buf_(config.receive_buffer),
      ooo_(config.reassembly_bytes, config.reassembly_segments),
      rto_(config.rto),
      cc_(config.congestion, default_mss_v4) {
  // Our MSS: the MTU less the IP and TCP headers (no options).
  const std::uint32_t overhead = id.is_v6() ? 60 : 40;
  our_mss_ = config.mtu > overhead + 8 ? config.mtu - overhead : 536;
}

// --- Opening -----------------------------------------------------------------

result<void> connection::connect(std::uint32_t isn, mono_time now) noexcept {
  if (state_ != tcp_state::closed || was_established_) {
    return atl::error(errc::invalid_argument, "tcp connect: connection is not fresh");
  }
  iss_ = seq(isn);
  data_front_ = iss_ + 1;
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  recover_ = iss_;
  ts_origin_ = now;
  state_ = tcp_state::syn_sent;
  send_syn(false, now);
  return ok();
}

result<void> connection::listen(std::uint32_t isn) noexcept {
  if (state_ != tcp_state::closed || was_established_) {
    return atl::error(errc::invalid_argument, "tcp listen: connection is not fresh");
  }
  iss_ = seq(isn);
  data_front_ = iss_ + 1;
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  recover_ = iss_;
  passive_ = true;
  state_ = tcp_state::listen;
  return ok();
}

result<void> connection::accept_syn(const tcp_repr& syn, std::uint32_t isn,
                                    mono_time now) noexcept {
  if (!syn.flags.has(tcp_flags::syn) || syn.flags.has(tcp_flags::ack) ||
      syn.flags.has(tcp_flags::rst)) {
    return atl::error(errc::invalid_argument, "tcp accept_syn: not a SYN");
  }
  ATOLL_TRYV(listen(isn));
  on_listen(syn, now);
  return ok();
}

result<void> connection::open_from_cookie(const tcp_repr& ack, std::uint16_t mss,
                                          mono_time now) noexcept {
  if (state_ != tcp_state::closed || was_established_) {
    return atl::error(errc::invalid_argument, "tcp open_from_cookie: connection is not fresh");
  }
  passive_ = true;
  ts_origin_ = now;
  iss_ = seq(ack.ack) - 1;
  irs_ = seq(ack.seq) - 1;
  data_front_ = iss_ + 1;
  snd_una_ = snd_nxt_ = snd_max_ = iss_ + 1;
  recover_ = snd_una_;
  rcv_nxt_ = seq(ack.seq);
  last_ack_sent_ = rcv_nxt_;
  // The SYN-ACK advertised an unscaled window of this size (listener.cpp).
  rcv_adv_ = rcv_nxt_ + static_cast<std::uint32_t>(std::min<std::size_t>(recv_buf_.free(), 0xffff));
  rcv_wscale_ = 0;
  snd_wscale_ = 0;
  snd_mss_ = std::min<std::uint32_t>(mss, our_mss_);
  cc_ = congestion_control(config_.congestion, snd_mss_);
  snd_wnd_ = ack.window;
  max_snd_wnd_ = snd_wnd_;
  snd_wl1_ = seq(ack.seq);
  snd_wl2_ = seq(ack.ack);
  state_ = tcp_state::established;
  was_established_ = true;
  if (config_.keepalive) keepalive_deadline_ = now + config_.keepalive_idle;
  return ok();
}

// --- Application side ------------------------------------------------------------

result<std::size_t> connection::write(std::span<const std::byte> bytes, mono_time now) noexcept {
  if (error_) return atl::error(*error_, "tcp write: connection failed");
  if (fin_queued_) return atl::error(errc::closed, "tcp write: shut down for writing");
  switch (state_) {
    case tcp_state::syn_sent:
    case tcp_state::syn_received:
    case tcp_state::established:
    case tcp_state::close_wait: break;
    default: return atl::error(errc::closed, "tcp write: not connected");
  }
  const std::size_t n = send_buf_.write(bytes);
  output(now);
  return n;
}

result<std::size_t> connection::write(const bufs& bytes, mono_time now) noexcept {
  std::size_t total = 0;
  for (const buf& b : bytes) {
    ATOLL_TRY(std::size_t n, write(b.bytes(), now));
    total += n;
    if (n < b.size()) break;
  }
  return total;
}

result<std::size_t> connection::read(std::span<std::byte> out, mono_time now) noexcept {
  if (error_) return atl::error(*error_, "tcp read: connection failed");
  const std::size_t n = recv_buf_.read(out);
  if (n > 0) {
    maybe_window_update(now);
    return n;
  }
  if (fin_received_) return atl::error(errc::eof);
  if (out.empty()) return std::size_t{0};
  if (state_ == tcp_state::closed || state_ == tcp_state::listen) {
    return atl::error(errc::closed, "tcp read: not connected");
  }
  return std::size_t{0};
}

result<buf> connection::read(std::size_t max, mono_time now) noexcept {
  if (error_) return atl::error(*error_, "tcp read: connection failed");
  const std::size_t n = std::min(max, recv_buf_.size());
  if (n == 0) {
    if (fin_received_) return atl::error(errc::eof);
    if (state_ == tcp_state::closed || state_ == tcp_state::listen) {
      return atl::error(errc::closed, "tcp read: not connected");
    }
    return buf();
  }
  // n <= what the ring holds, so read() writes every byte: no zero-fill.
  ATOLL_TRY(buf out, buf::allocate_uninit(n));
  (void)recv_buf_.read(out.mutable_bytes());
  maybe_window_update(now);
  return out;
}

void connection::shutdown(mono_time now) noexcept {
  if (fin_queued_) return;
  switch (state_) {
    case tcp_state::closed:
    case tcp_state::listen:
    case tcp_state::syn_sent: become_closed(std::nullopt); return;
    case tcp_state::syn_received: fin_queued_ = true; return;  // FIN once established
    case tcp_state::established:
      fin_queued_ = true;
      state_ = tcp_state::fin_wait_1;
      break;
    case tcp_state::close_wait:
      fin_queued_ = true;
      state_ = tcp_state::last_ack;
      break;
    default: return;
  }
  output(now);
}

void connection::close(mono_time now) noexcept {
  app_closed_ = true;
  if (!recv_buf_.empty() && synchronized()) {
    abort();
    return;
  }
  shutdown(now);
  if (state_ == tcp_state::fin_wait_2 && close_deadline_ == mono_never) {
    close_deadline_ = now + config_.fin_wait_2_timeout;
  }
}

void connection::abort() noexcept {
  switch (state_) {
    case tcp_state::syn_received:
    case tcp_state::established:
    case tcp_state::fin_wait_1:
    case tcp_state::fin_wait_2:
    case tcp_state::close_wait: send_rst(snd_nxt_, std::nullopt); break;
    default: break;
  }
  become_closed(std::nullopt);
}

bool connection::readable() const noexcept {
  return !recv_buf_.empty() || fin_received_ || error_.has_value() ||
         (state_ == tcp_state::closed && was_established_);
}

bool connection::writable() const noexcept {
  if (error_) return true;
  if (fin_queued_) return false;
  return (state_ == tcp_state::established || state_ == tcp_state::close_wait) &&
         send_buf_.free() > 0;
}

// --- Helpers -----------------------------------------------------------------------

bool connection::synchronized() const noexcept {
  switch (state_) {
    case tcp_state::closed:
    case tcp_state::listen:
    case tcp_state::syn_sent: return false;
    default: return true;
  }
}

seq connection::data_end() const noexcept {
  return data_front_ + static_cast<std::uint32_t>(send_buf_.size());
}

bool connection::fin_acked() const noexcept { return fin_queued_ && snd_una_ == data_end() + 1; }

std::uint32_t connection::ts_now(mono_time now) const noexcept {
  // Milliseconds since the connection began, plus one so 0 never appears
  // (an echo of 0 reads as "no echo").
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - ts_origin_).count();
  return static_cast<std::uint32_t>(ms) + 1;
}

std::uint32_t connection::receive_window() const noexcept {
  const std::int32_t w = rcv_adv_ - rcv_nxt_;
  return w > 0 ? static_cast<std::uint32_t>(w) : 0;
}

}  // namespace atl::net::tcp
