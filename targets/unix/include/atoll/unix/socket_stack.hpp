// unix_target::socket_stack: the stack concept (net/stack.hpp) over the host
// kernel's TCP/IP, through non-blocking sockets and the epoll platform. It is
// the development default: an application written against atl::net::stack
// runs on it unchanged, and later on the direct stack (docs/stack.md).
//
// How it meets the contract:
//   - Every socket is non-blocking, close-on-exec, and registered
//     edge-triggered with the epoll platform (register_fd); an operation
//     tries its call, and on EAGAIN waits on the socket's readiness event.
//     No call blocks. Writes pass MSG_NOSIGNAL, so a peer's reset is
//     errc::connection_reset, never SIGPIPE.
//   - read() returns at most options.read_chunk bytes, in a buf charged to
//     options.budget. write() completes when the kernel has taken every byte
//     into its send buffer, whose size the kernel bounds: back-pressure.
//   - IPv6 sockets are IPV6_V6ONLY, so each family stays its own. Listeners
//     set SO_REUSEADDR (a restarted unikernel can listen again while old
//     connections sit in TIME-WAIT; two live listeners on one port are still
//     refused: errc::exists). Flows set TCP_NODELAY: a write is a message,
//     sent at once.
//   - Bounds: the listen backlog is options.backlog; at most
//     options.max_connections flows (accepted and connected, a connect()
//     in progress holding a slot) live at once. A connection accepted
//     beyond that is reset at once and counted (stats().over_limit);
//     connect() beyond it fails with errc::limit_exceeded. A datagram
//     larger than options.max_datagram is dropped and counted
//     (stats().udp_drops); the kernel bounds the queue of datagrams nobody
//     has received yet.
//   - connect() gives up after options.connect_timeout (errc::timed_out).
//
// The stack must outlive every handle it made (checked when it goes), and
// the engine and platform must outlive the stack. In a sandboxed process the
// socket stack needs sandbox_policy::allow_sockets().
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/unix/epoll_platform.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace atl::unix_target {

struct socket_stack_options {
  /// Flows (accepted and connected) alive at once.
  std::size_t max_connections = 1024;
  /// Connections the kernel may hold established but not yet accepted.
  int backlog = 128;
  /// The most bytes one read() returns (and allocates).
  std::size_t read_chunk = std::size_t{64} * 1024;
  /// The largest UDP payload received; larger datagrams are dropped.
  std::size_t max_datagram = 65535;
  /// How long connect() waits for the peer's answer.
  duration connect_timeout = std::chrono::seconds(30);
  /// Received bytes are charged to this budget when given; it must outlive
  /// the stack and every buf it returned.
  memory_budget* budget = nullptr;
};

struct socket_stack_stats {
  std::uint64_t accepted = 0;    ///< flows given by accept()
  std::uint64_t connected = 0;   ///< flows given by connect()
  std::uint64_t over_limit = 0;  ///< accepted connections reset: max_connections reached
  std::uint64_t udp_drops = 0;   ///< datagrams dropped: too large or no memory
  std::size_t live_flows = 0;    ///< flows alive now
};

class socket_stack {
public:
  struct socket_state;  // private to socket_stack.cpp
  using state_ptr = std::unique_ptr<socket_state>;

  /// flow: a TCP connection (net::tcp_flow).
  class flow {
  public:
    flow() noexcept;
    flow(flow&&) noexcept;
    flow& operator=(flow&&) noexcept;
    ~flow();

    task<result<buf>> read() noexcept;
    task<result<void>> write(bufs data) noexcept;
    task<result<void>> shutdown() noexcept;
    void close() noexcept;
    void abort() noexcept;
    [[nodiscard]] net::ip_endpoint local() const noexcept { return local_; }
    [[nodiscard]] net::ip_endpoint remote() const noexcept { return remote_; }

  private:
    friend class socket_stack;
    flow(state_ptr s, net::ip_endpoint local, net::ip_endpoint remote) noexcept;
    state_ptr state_;
    net::ip_endpoint local_;
    net::ip_endpoint remote_;
  };

  /// listener: a listening TCP socket (net::tcp_listener).
  class listener {
  public:
    listener() noexcept;
    listener(listener&&) noexcept;
    listener& operator=(listener&&) noexcept;
    ~listener();

    task<result<flow>> accept() noexcept;
    void close() noexcept;
    [[nodiscard]] net::ip_endpoint local() const noexcept { return local_; }

  private:
    friend class socket_stack;
    listener(state_ptr s, net::ip_endpoint local) noexcept;
    state_ptr state_;
    net::ip_endpoint local_;
  };

  /// udp_socket: a bound UDP socket (net::udp_socket).
  class udp_socket {
  public:
    udp_socket() noexcept;
    udp_socket(udp_socket&&) noexcept;
    udp_socket& operator=(udp_socket&&) noexcept;
    ~udp_socket();

    task<result<void>> send_to(net::ip_endpoint to, bufs data) noexcept;
    task<result<net::datagram>> receive() noexcept;
    void close() noexcept;
    [[nodiscard]] net::ip_endpoint local() const noexcept { return local_; }

  private:
    friend class socket_stack;
    udp_socket(state_ptr s, net::ip_endpoint local) noexcept;
    state_ptr state_;
    net::ip_endpoint local_;
  };

  using flow_type = flow;
  using listener_type = listener;
  using udp_socket_type = udp_socket;

  /// socket_stack(e, p, options): `e` and `p` must outlive the stack. The
  /// stack does not move: its handles point at it.
  socket_stack(engine& e, epoll_platform& p, const socket_stack_options& options = {}) noexcept;
  socket_stack(const socket_stack&) = delete;
  socket_stack& operator=(const socket_stack&) = delete;
  /// Every handle must be gone (checked).
  ~socket_stack();

  /// listen(at): errc::exists when the port is taken, errc::invalid_argument
  /// for an address that is not the host's.
  result<listener> listen(net::ip_endpoint at) noexcept;
  /// connect(to): errc::refused when nobody listens, errc::timed_out after
  /// options.connect_timeout, errc::limit_exceeded at max_connections.
  task<result<flow>> connect(net::ip_endpoint to) noexcept;
  /// udp_bind(at): errc::exists when the port is taken.
  result<udp_socket> udp_bind(net::ip_endpoint at) noexcept;

  [[nodiscard]] socket_stack_stats stats() const noexcept;
  [[nodiscard]] const socket_stack_options& options() const noexcept { return options_; }

  struct internals;  // the .cpp's helpers, which reach the private parts

private:
  friend struct internals;
  engine& engine_;
  epoll_platform& platform_;
  socket_stack_options options_;
  socket_stack_stats stats_;
  std::size_t handles_ = 0;               // live socket_states
  std::size_t connecting_ = 0;            // connect() calls in progress, each holding a slot
  buf spare_;                             // the next read buffer, kept between reads
  std::unique_ptr<std::byte[]> scratch_;  // max_datagram + 1 bytes, for UDP receives
};

static_assert(net::stack<socket_stack>);

}  // namespace atl::unix_target
