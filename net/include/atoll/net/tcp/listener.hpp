// listener: a passive TCP endpoint with a bounded backlog and SYN cookies.
//
// The caller (the stack) hands the listener every segment addressed to its
// port that belongs to no accepted connection. A SYN makes a connection in
// SYN-RECEIVED, held here until its handshake completes and accept() takes
// it. Both queues are bounded: half-open connections by syn_backlog,
// completed ones by accept_backlog. When the SYN queue is full the
// listener keeps no state at all: it answers with a SYN cookie (RFC 4987
// 3.6) and builds the connection from the cookie when the final ACK comes
// back, if it is genuine and the accept queue has room. A cookie connection
// has no window scaling, SACK or timestamps (a cookie cannot remember them).
//
// Sans-I/O like connection: time and initial sequence numbers come in as
// arguments; segments leave through the sink, which must outlive the
// listener and every connection it made.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/tcp/connection.hpp>
#include <atoll/net/tcp/flow_id.hpp>
#include <atoll/net/tcp/syn_cookie.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace atl::net::tcp {

struct listener_config {
  connection_config connection{};   ///< for every connection accepted
  std::size_t syn_backlog = 64;     ///< connections in SYN-RECEIVED
  std::size_t accept_backlog = 64;  ///< completed, waiting for accept()
  bool syn_cookies = true;          ///< when the SYN queue is full
  syn_cookie_secret secret{};       ///< the caller's random key for cookies
};

struct listener_stats {
  std::uint64_t syns = 0;
  std::uint64_t cookies_sent = 0;
  std::uint64_t cookies_accepted = 0;
  std::uint64_t cookies_rejected = 0;
  std::uint64_t dropped_backlog = 0;  ///< SYNs or cookie ACKs with no room
  std::uint64_t resets_sent = 0;
};

class listener {
public:
  /// listener(config, sink): `sink` must outlive the listener and the
  /// connections it hands out.
  listener(const listener_config& config, segment_sink& sink);

  /// on_segment(flow, header, payload, now, isn): a segment for `flow` (the
  /// listener's view: local is this host). `isn` is used if the segment
  /// starts a connection (RFC 6528: the caller's keyed hash plus clock).
  void on_segment(const flow_id& flow, const tcp_repr& header, const buf& payload, mono_time now,
                  std::uint32_t isn) noexcept;

  /// accept(): the oldest completed connection, or nullptr. The caller now
  /// owns it and routes its segments to it.
  [[nodiscard]] std::unique_ptr<connection> accept() noexcept;
  /// acceptable: accept() would return a connection.
  [[nodiscard]] bool acceptable() const noexcept;

  [[nodiscard]] mono_time next_deadline() const noexcept;
  /// on_timer(now): runs the pending connections' timers; drops those that
  /// failed.
  void on_timer(mono_time now) noexcept;

  /// half_open / completed: the two queues' lengths.
  [[nodiscard]] std::size_t half_open() const noexcept;
  [[nodiscard]] std::size_t completed() const noexcept;
  [[nodiscard]] const listener_stats& stats() const noexcept { return stats_; }

private:
  void on_syn(const flow_id& flow, const tcp_repr& h, mono_time now, std::uint32_t isn) noexcept;
  bool try_cookie(const flow_id& flow, const tcp_repr& h, const buf& payload,
                  mono_time now) noexcept;
  void send_rst(const flow_id& flow, const tcp_repr& h, std::size_t payload_len) noexcept;
  void reap() noexcept;
  [[nodiscard]] std::uint16_t our_mss(const flow_id& flow) const noexcept;

  listener_config config_;
  segment_sink* sink_;
  // Pending connections in arrival order; at most syn_backlog +
  // accept_backlog, searched linearly (the bound keeps it short).
  std::vector<std::unique_ptr<connection>> pending_;
  listener_stats stats_;
};

}  // namespace atl::net::tcp
