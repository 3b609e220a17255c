// echo: a TCP and UDP echo service over any TCP/IP stack (net/stack.hpp).
//
// TCP: every accepted connection is its own task, owned by the
// application's task_set; it writes back each chunk it reads until the
// client shuts its side down, then shuts down its own. One read chunk (the
// stack's bound) is in flight per connection and write() waits for the
// stack's back-pressure, so a client that sends without reading holds one
// chunk, not memory that grows. At most `max-connections` are served at
// once; one more is reset at once and counted.
// UDP: every datagram on the same port goes back to its sender.
//
// Both listen on IPv4 (0.0.0.0). The stack is a device: on unix the key
// --net picks the host's sockets or atoll's direct stack over TAP.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/log.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/devices/console.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/stack.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace echo {

/// stats: what the service did, for tests and debugging.
struct stats {
  std::uint64_t accepted = 0;    ///< connections served
  std::uint64_t refused = 0;     ///< connections reset: max-connections were being served
  std::uint64_t bytes = 0;       ///< TCP bytes echoed
  std::uint64_t datagrams = 0;   ///< UDP datagrams echoed
  std::uint64_t udp_errors = 0;  ///< datagrams that could not be sent back
  std::size_t live = 0;          ///< connections being served now
};

template <atl::console Console, atl::net::stack Stack>
class unikernel {
public:
  /// unikernel(e): the connection tasks run on `e`, which must outlive the
  /// application; destroying the application cancels them.
  explicit unikernel(atl::engine& e) noexcept : tasks_(e, "echo") {}

  /// start: listens on keys.port (TCP and UDP; 0: a port the stack picks),
  /// prints "echo: TCP and UDP port N" on the console and serves until the
  /// listener fails; 1 when the port cannot be had.
  template <class Keys>
  atl::task<int> start(const Keys& keys, Console& console, Stack& stack) {
    const atl::net::ip_endpoint at{atl::net::ip_addr::any(atl::net::ip_family::v4),
                                   atl::net::port(keys.port)};
    auto listener = stack.listen(at);
    if (!listener) {
      log_.error("cannot listen on TCP port ", keys.port, ": ", listener.error().message());
      co_return 1;
    }
    // Port 0 lets the stack pick the TCP port; UDP takes the same one.
    const atl::net::port bound = listener->local().port;
    auto udp = stack.udp_bind(atl::net::ip_endpoint{at.addr, bound});
    if (!udp) {
      log_.error("cannot bind UDP port ", bound.value(), ": ", udp.error().message());
      co_return 1;
    }
    if (auto spawned = tasks_.spawn(udp_echo(std::move(*udp), stats_)); !spawned) {
      log_.error("cannot start the UDP echo: ", spawned.error().message());
      co_return 1;
    }
    const atl::text_buffer<96> line("echo: TCP and UDP port ", bound.value(), "\n");
    if (auto written = console.write(line.view()); !written) {
      log_.warn("cannot write to the console: ", written.error().message());
    }

    std::uint64_t failures = 0;  // in a row: a listener that only fails ends the service
    for (;;) {
      auto flow = co_await listener->accept();
      if (!flow) {
        if (flow.error().code() == atl::errc::closed) co_return 0;
        log_.warn("accept: ", flow.error().message());
        if (++failures == max_accept_failures) co_return 1;
        continue;
      }
      failures = 0;
      if (stats_.live >= keys.max_connections) {
        ++stats_.refused;
        flow->abort();
        continue;
      }
      ++stats_.accepted;
      if (auto spawned = tasks_.spawn(serve(std::move(*flow), live_slot(stats_), stats_));
          !spawned) {
        log_.warn("cannot serve a connection: ", spawned.error().message());
      }
    }
  }

  [[nodiscard]] const echo::stats& counters() const noexcept { return stats_; }

private:
  using flow_type = typename Stack::flow_type;
  using udp_type = typename Stack::udp_socket_type;
  static constexpr std::uint64_t max_accept_failures = 100;

  /// live_slot: a connection's place in stats.live, taken when it is
  /// accepted and given back however its task ends (completed, failed,
  /// cancelled, or never started because the spawn failed).
  class live_slot {
  public:
    explicit live_slot(echo::stats& s) noexcept : stats_(&s) { ++s.live; }
    live_slot(live_slot&& other) noexcept : stats_(std::exchange(other.stats_, nullptr)) {}
    live_slot& operator=(live_slot&&) = delete;
    live_slot(const live_slot&) = delete;
    live_slot& operator=(const live_slot&) = delete;
    ~live_slot() {
      if (stats_ != nullptr) --stats_->live;
    }

  private:
    echo::stats* stats_;
  };

  // A peer that resets or vanishes ends its connection; that is no failure.
  static atl::result<void> ended(const atl::error& e) noexcept {
    if (e.code() == atl::errc::connection_reset || e.code() == atl::errc::closed ||
        e.code() == atl::errc::timed_out) {
      return atl::ok();
    }
    return e;
  }

  static atl::task<atl::result<void>> serve(flow_type flow, [[maybe_unused]] live_slot slot,
                                            echo::stats& s) noexcept {
    for (;;) {
      auto got = co_await flow.read();
      if (!got) co_return ended(got.error());
      if (got->empty()) break;  // the client shut down its side
      const std::size_t n = got->size();
      auto wrote = co_await flow.write(atl::bufs(std::move(*got)));
      if (!wrote) co_return ended(wrote.error());
      s.bytes += n;
    }
    auto done = co_await flow.shutdown();
    if (!done) co_return ended(done.error());
    co_return atl::ok();
  }

  static atl::task<atl::result<void>> udp_echo(udp_type socket, echo::stats& s) noexcept {
    for (;;) {
      auto got = co_await socket.receive();
      if (!got) {
        if (got.error().code() == atl::errc::closed) co_return atl::ok();
        co_return got.error();
      }
      auto sent = co_await socket.send_to(got->from, atl::bufs(std::move(got->payload)));
      if (!sent) {
        ++s.udp_errors;
        continue;
      }
      ++s.datagrams;
    }
  }

  atl::log_source log_{"echo"};
  echo::stats stats_;  // before tasks_: the tasks use it until they go
  atl::task_set tasks_;
};

}  // namespace echo
