// connection: one TCP connection as a sans-I/O state machine (RFC 9293).
//
// The connection never reads a clock, draws randomness or touches a device:
// segments arrive through on_segment() with the current time, segments to
// send leave through the segment_sink given at construction, and the caller
// asks next_deadline() when to call on_timer(). The initial sequence number
// is the caller's (RFC 6528: a keyed hash of the 4-tuple plus a clock).
//
// What it implements: all eleven states with active, passive and
// simultaneous open and close; bounded send and receive buffers (write()
// takes what fits; the advertised window is the free receive space and
// never shrinks); RFC 5961 (exact-match RST, challenge ACKs for in-window
// RST and any SYN, ACK acceptability, rate-limited challenge ACKs); the
// RFC 6298 retransmission timer with Karn's rule and exponential backoff;
// fast retransmit with limited transmit (RFC 3042) and NewReno/CUBIC
// recovery (congestion_control); RSTs ignored in TIME-WAIT (RFC 1337); MSS,
// window scale, timestamps with PAWS, and SACK (RFC 2018 blocks from the
// reassembly queue; the scoreboard picks holes to retransmit in recovery);
// Nagle, delayed ACKs, zero-window probes and keepalive.
//
// Not implemented: urgent data (URG is ignored), data carried on a SYN
// (dropped; the peer sends it again), ECN, PMTU changes after the
// handshake, reopening from TIME-WAIT on a new SYN (RFC 6191), and
// SACK-based loss detection before the third duplicate ACK (RFC 6675
// IsLost only chooses what to resend once in recovery).
//
// Memory: the send and receive buffers (config sizes) are allocated by the
// constructor, out-of-order data is bounded by reassembly_bytes and
// reassembly_segments, and every other table is fixed.
//
// Lifetime: the sink must outlive the connection. Nothing is retained from
// an on_segment() payload beyond the call.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/tcp/byte_ring.hpp>
#include <atoll/net/tcp/congestion.hpp>
#include <atoll/net/tcp/flow_id.hpp>
#include <atoll/net/tcp/reassembly.hpp>
#include <atoll/net/tcp/rto.hpp>
#include <atoll/net/tcp/sack_scoreboard.hpp>
#include <atoll/net/tcp/seq.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net::tcp {

/// segment_sink: where connections (and listeners) put the segments they
/// send; one sink may serve many connections. send() must not call back
/// into the sender. The header's ports are set; the sink adds the IP layer
/// (`flow.outgoing()` gives the addresses) and computes the checksum.
class segment_sink {
public:
  virtual void send(const flow_id& flow, const tcp_repr& header, const bufs& payload) noexcept = 0;

protected:
  ~segment_sink() = default;
};

enum class tcp_state : std::uint8_t {
  closed,
  listen,
  syn_sent,
  syn_received,
  established,
  fin_wait_1,
  fin_wait_2,
  close_wait,
  closing,
  last_ack,
  time_wait,
};

/// to_string(state): "established", for logs and tests.
const char* to_string(tcp_state state) noexcept;

struct connection_config {
  std::size_t send_buffer = std::size_t{256} * 1024;     ///< bytes write() can queue
  std::size_t receive_buffer = std::size_t{256} * 1024;  ///< bytes held for read()
  /// mtu: of the path's first link; our MSS is mtu - 40 (IPv4) or - 60 (IPv6).
  std::uint16_t mtu = 1500;
  bool window_scaling = true;
  bool timestamps = true;
  bool sack = true;
  bool nagle = true;
  bool delayed_ack = true;
  duration delayed_ack_timeout = std::chrono::milliseconds(40);
  congestion_algorithm congestion = congestion_algorithm::cubic;
  rto_estimator::config rto{};
  /// retries: retransmissions of one segment before the connection gives
  /// up with errc::timed_out (syn_retries for the SYN).
  std::uint32_t retries = 12;
  std::uint32_t syn_retries = 6;
  /// msl: TIME-WAIT lasts 2 * msl.
  duration msl = std::chrono::seconds(30);
  /// fin_wait_2_timeout: after close() (not after shutdown(), which keeps
  /// reading), FIN-WAIT-2 gives up after this long.
  duration fin_wait_2_timeout = std::chrono::seconds(60);
  /// challenge_acks_per_second: RFC 5961 section 7's limit, per connection.
  std::uint32_t challenge_acks_per_second = 10;
  bool keepalive = false;
  duration keepalive_idle = std::chrono::hours(2);
  duration keepalive_interval = std::chrono::seconds(75);
  std::uint32_t keepalive_probes = 9;
  /// out-of-order data held while a hole is filled.
  std::size_t reassembly_bytes = std::size_t{256} * 1024;
  std::size_t reassembly_segments = 64;
};

/// connection_stats: counters for tests and diagnostics.
struct connection_stats {
  std::uint64_t segments_sent = 0;
  std::uint64_t segments_received = 0;
  std::uint64_t retransmits = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t fast_retransmits = 0;
  std::uint64_t challenge_acks = 0;
  std::uint64_t challenge_acks_suppressed = 0;
  std::uint64_t dropped = 0;  ///< unacceptable or unusable segments
  std::uint64_t window_probes = 0;
  std::uint64_t keepalive_probes = 0;
};

class connection {
public:
  /// connection(config, id, sink): a connection in CLOSED. The config is
  /// copied; `sink` must outlive the connection.
  connection(const connection_config& config, const flow_id& id, segment_sink& sink);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // --- Opening --------------------------------------------------------

  /// connect(isn, now): active open: sends a SYN. errc::invalid_argument
  /// unless CLOSED.
  result<void> connect(std::uint32_t isn, mono_time now) noexcept;
  /// listen(isn): passive open; a SYN later moves it to SYN-RECEIVED and
  /// is answered with a SYN-ACK whose sequence number is `isn`.
  result<void> listen(std::uint32_t isn) noexcept;
  /// accept_syn(syn, isn, now): passive open straight from a SYN a listener
  /// received: answers SYN-ACK and enters SYN-RECEIVED.
  result<void> accept_syn(const tcp_repr& syn, std::uint32_t isn, mono_time now) noexcept;
  /// open_from_cookie(syn_options, ack, mss, now): ESTABLISHED from the
  /// final ACK of a handshake whose state was a SYN cookie: `ack` is that
  /// ACK, `mss` the MSS the cookie carried. Window scale, SACK and
  /// timestamps are off (a cookie does not remember them).
  result<void> open_from_cookie(const tcp_repr& ack, std::uint16_t mss, mono_time now) noexcept;

  // --- Events ---------------------------------------------------------

  /// on_segment(header, payload, now): a segment for this connection (the
  /// caller matched the 4-tuple and verified the checksum).
  void on_segment(const tcp_repr& header, const buf& payload, mono_time now) noexcept;
  /// next_deadline: when on_timer() must next run; mono_never for none.
  [[nodiscard]] mono_time next_deadline() const noexcept;
  /// on_timer(now): runs every timer due at `now`.
  void on_timer(mono_time now) noexcept;

  // --- Application side -------------------------------------------------

  /// write(bytes, now): queues as much as the send buffer takes and returns
  /// the count (0 when full: wait for writable()). errc::closed after
  /// shutdown()/close() or when the connection is not open for sending; the
  /// connection's error once it failed.
  result<std::size_t> write(std::span<const std::byte> bytes, mono_time now) noexcept;
  result<std::size_t> write(const bufs& bytes, mono_time now) noexcept;
  /// read(out, now): copies received bytes; 0 when none is ready yet.
  /// errc::eof once the peer's FIN was read up to; the error after a reset.
  result<std::size_t> read(std::span<std::byte> out, mono_time now) noexcept;
  /// read(max, now): the same into a new buf of at most `max` bytes.
  result<buf> read(std::size_t max, mono_time now) noexcept;
  /// shutdown(now): no more writes; a FIN follows the queued data.
  void shutdown(mono_time now) noexcept;
  /// close(now): shutdown() and stop reading. Unread data makes it an
  /// abort (RST), as RFC 2525 2.17 asks.
  void close(mono_time now) noexcept;
  /// abort(): sends RST when synchronized; CLOSED at once.
  void abort() noexcept;

  // --- Queries ------------------------------------------------------------

  [[nodiscard]] tcp_state state() const noexcept { return state_; }
  /// error: why the connection failed (refused, connection_reset,
  /// timed_out), if it did.
  [[nodiscard]] std::optional<errc> error() const noexcept { return error_; }
  /// readable: read() has something to say (data, EOF or an error).
  [[nodiscard]] bool readable() const noexcept;
  /// writable: write() would take at least one byte or report an error.
  [[nodiscard]] bool writable() const noexcept;
  /// established: the handshake completed at some point.
  [[nodiscard]] bool established() const noexcept { return was_established_; }
  [[nodiscard]] bool closed() const noexcept { return state_ == tcp_state::closed; }

  [[nodiscard]] const flow_id& id() const noexcept { return id_; }
  [[nodiscard]] const connection_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::uint32_t send_mss() const noexcept { return snd_mss_; }
  [[nodiscard]] std::uint32_t send_window() const noexcept { return snd_wnd_; }
  [[nodiscard]] std::uint32_t cwnd() const noexcept { return cc_.cwnd(); }
  /// in_flight: bytes sent and not yet acknowledged.
  [[nodiscard]] std::uint32_t in_flight() const noexcept {
    return static_cast<std::uint32_t>(snd_max_ - snd_una_);
  }
  [[nodiscard]] duration rto() const noexcept { return rto_.rto(); }
  [[nodiscard]] std::size_t send_queued() const noexcept { return send_buf_.size(); }
  [[nodiscard]] std::uint8_t send_scale() const noexcept { return snd_wscale_; }
  [[nodiscard]] std::uint8_t receive_scale() const noexcept { return rcv_wscale_; }
  [[nodiscard]] bool timestamps_on() const noexcept { return ts_on_; }
  [[nodiscard]] bool sack_on() const noexcept { return sack_on_; }

private:
  // Input (connection_input.cpp).
  void on_listen(const tcp_repr& h, mono_time now) noexcept;
  void on_syn_sent(const tcp_repr& h, mono_time now) noexcept;
  void on_synchronized(const tcp_repr& h, const buf& payload, mono_time now) noexcept;
  bool check_ack(const tcp_repr& h, mono_time now) noexcept;
  void process_ack(const tcp_repr& h, std::uint32_t seg_len, mono_time now) noexcept;
  void take_data(seq at, buf data, mono_time now) noexcept;
  void take_fin(mono_time now) noexcept;
  void take_syn_options(const tcp_repr& h) noexcept;
  void take_rtt_echo(std::uint32_t echo, mono_time now) noexcept;
  bool acceptable(seq s, std::uint32_t len) const noexcept;

  // Output (connection.cpp).
  void output(mono_time now) noexcept;
  bool send_data_segment(seq at, std::uint32_t len, bool fin, mono_time now) noexcept;
  void retransmit_front(mono_time now) noexcept;
  void maybe_window_update(mono_time now) noexcept;
  void send_syn(bool with_ack, mono_time now) noexcept;
  void send_ack(mono_time now) noexcept;
  void send_challenge_ack(mono_time now) noexcept;
  void send_rst(seq s, std::optional<seq> ack) noexcept;
  void send_probe(mono_time now) noexcept;
  void emit(tcp_repr& h, const bufs& payload, mono_time now) noexcept;
  void fill_options(tcp_repr& h, mono_time now) const noexcept;
  std::uint16_t advertise() noexcept;
  [[nodiscard]] std::uint32_t receive_window() const noexcept;
  void arm_rtx(mono_time now) noexcept;
  void retransmit_timeout(mono_time now) noexcept;
  void enter_time_wait(mono_time now) noexcept;
  void become_closed(std::optional<errc> why) noexcept;
  [[nodiscard]] std::uint32_t ts_now(mono_time now) const noexcept;
  [[nodiscard]] seq data_end() const noexcept;
  [[nodiscard]] bool fin_acked() const noexcept;
  [[nodiscard]] bool synchronized() const noexcept;

  connection_config config_;
  flow_id id_;
  segment_sink* sink_;
  tcp_state state_ = tcp_state::closed;
  std::optional<errc> error_;
  bool was_established_ = false;
  bool passive_ = false;
  connection_stats stats_;

  // Send sequence space. The send buffer's front is the byte at data_una_.
  seq iss_;
  seq snd_una_;
  seq snd_nxt_;
  seq snd_max_;  // highest sequence sent + 1 (snd_nxt_ goes back on RTO)
  seq snd_wl1_;
  seq snd_wl2_;
  std::uint32_t snd_wnd_ = 0;
  std::uint32_t max_snd_wnd_ = 0;
  std::uint32_t snd_mss_ = 536;
  std::uint32_t our_mss_ = 1460;
  std::uint8_t snd_wscale_ = 0;
  std::uint8_t rcv_wscale_ = 0;
  byte_ring send_buf_;
  seq data_front_;           // sequence number of send_buf_'s first byte
  bool fin_queued_ = false;  // shutdown(): FIN after the buffered data
  bool app_closed_ = false;  // close(): nothing more is read

  // Receive sequence space.
  seq irs_;
  seq rcv_nxt_;
  seq rcv_adv_;  // right edge advertised; never moves left
  byte_ring recv_buf_;
  reassembly_queue ooo_;
  bool fin_received_ = false;
  std::optional<seq> ooo_fin_;  // a FIN seen beyond a hole

  // Options.
  bool ws_on_ = false;
  bool ts_on_ = false;
  bool sack_on_ = false;
  std::uint32_t ts_recent_ = 0;
  mono_time ts_origin_{};
  seq last_ack_sent_;

  // Timers and their state.
  rto_estimator rto_;
  congestion_control cc_;
  sack_scoreboard scoreboard_;
  mono_time rtx_deadline_ = mono_never;
  std::uint32_t rtx_count_ = 0;
  mono_time persist_deadline_ = mono_never;
  std::uint32_t persist_count_ = 0;
  mono_time delack_deadline_ = mono_never;
  std::uint32_t unacked_segments_ = 0;  // full segments received since our last ACK
  bool ack_now_ = false;
  mono_time close_deadline_ = mono_never;  // TIME-WAIT or FIN-WAIT-2
  mono_time keepalive_deadline_ = mono_never;
  std::uint32_t keepalive_sent_ = 0;
  mono_time last_send_ = mono_time{};
  mono_time last_receive_ = mono_time{};

  // Karn: one timed segment when timestamps are off.
  bool rtt_timing_ = false;
  seq rtt_seq_;
  mono_time rtt_start_{};

  // Loss recovery.
  std::uint32_t dup_acks_ = 0;
  seq recover_;
  bool in_recovery_ = false;

  // RFC 5961 section 7 limit.
  mono_time challenge_window_start_{};
  std::uint32_t challenge_count_ = 0;
};

}  // namespace atl::net::tcp
