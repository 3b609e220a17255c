// direct_entries: the table entries of direct_core (direct_core.hpp), shared
// by its two source files. Not for applications: they see only the handles.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/net/tcp/connection.hpp>
#include <atoll/net/tcp/listener.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

namespace atl::net::detail {

/// tcp_entry: one connection and the events its handle's operations wait
/// on; `owned` while a handle (or a connect() in progress) holds it.
struct tcp_entry {
  explicit tcp_entry(engine& e) noexcept : readable(e), writable(e) {}
  std::unique_ptr<tcp::connection> conn;
  event readable;  // set when conn->readable() or it closed
  event writable;  // set when conn->writable(), established or closed
  bool owned = true;
};

/// listen_entry: a listener core bound to an address (unspecified: every
/// address of ours) and port; `ready` is set when a connection completed.
struct listen_entry {
  listen_entry(engine& e, const tcp::listener_config& c, tcp::segment_sink& sink)
      : core(c, sink), ready(e) {}
  tcp::listener core;
  ip_addr addr;
  port at;
  event ready;
};

/// udp_entry: a bound UDP socket and its bounded queue of datagrams.
struct udp_entry {
  explicit udp_entry(engine& e) noexcept : ready(e) {}
  ip_addr addr;
  port at;
  std::deque<datagram> queue;
  event ready;
};

/// matches(bound, to): a socket bound to `bound` takes packets to `to`:
/// the same family, and the same address unless bound to the unspecified one.
inline bool matches(const ip_addr& bound, const ip_addr& to) noexcept {
  return bound.family() == to.family() && (bound.is_unspecified() || bound == to);
}

/// overlaps(a, b): two bindings of one port would take the same packets.
inline bool overlaps(const ip_addr& a, const ip_addr& b) noexcept {
  return a.family() == b.family() && (a.is_unspecified() || b.is_unspecified() || a == b);
}

}  // namespace atl::net::detail
