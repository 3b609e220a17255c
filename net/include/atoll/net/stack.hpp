// stack: the concept every TCP/IP stack of atoll meets, so that one
// application runs over the socket stack (targets/unix, the host kernel's
// TCP/IP) or over the direct stack (atoll's own, over a network device),
// chosen by configuration. docs/stack.md explains it at length.
//
// A stack S names three handle types and makes them:
//
//   S::flow_type        a TCP connection
//   S::listener_type    a listening TCP socket, giving flows
//   S::udp_socket_type  a bound UDP socket
//
//   s.listen(ip_endpoint)   -> result<listener_type>
//   s.connect(ip_endpoint)  -> task<result<flow_type>>
//   s.udp_bind(ip_endpoint) -> result<udp_socket_type>
//
// The contract, which tests/net/conformance/stack_conformance.hpp checks:
//
// Endpoints. Port 0 asks the stack for a free port; local() reports the one
// taken. The unspecified address (0.0.0.0, ::) binds every address of that
// family and only that family: an IPv6 listener never takes IPv4
// connections, so a v4 and a v6 listener may share a port.
//
// Errors are values with these categories, whatever the stack:
//   errc::refused           connect: the peer answered with a reset (nobody
//                           listens there)
//   errc::connection_reset  read/write: the peer aborted the connection
//   errc::timed_out         connect: no answer in time; read/write: the
//                           peer stopped acknowledging
//   errc::unreachable       no route to the peer
//   errc::exists            listen/udp_bind: the address and port are in use
//   errc::closed            an operation on a handle after close(), or a
//                           write after shutdown()
//   errc::limit_exceeded    a configured limit (connections, sockets) is hit
//   errc::invalid_argument  a bad endpoint (port 0 to connect to, a family
//                           the stack has no address of), a datagram too big
//   errc::no_memory         a receive buffer could not be had
//
// Flows.
//   read()      the next bytes in order, at most the stack's read chunk
//               (bounded: a read never allocates more than that); an empty
//               buf means the peer shut down its side (EOF), and every later
//               read returns an empty buf again. Never returns a zero-length
//               buf otherwise.
//   write(b)    completes once the stack has taken all of b's bytes into its
//               bounded send buffer (or the peer has them): a writer facing
//               a peer that does not read waits, memory does not grow. The
//               bufs are not modified and may be freed when write returns.
//   shutdown()  sends FIN after what was written: the peer reads EOF, this
//               side may still read what the peer sends. write afterwards:
//               errc::closed. A second shutdown() succeeds and does nothing.
//   close()     releases the flow at once (also done by the destructor): a
//               graceful close when everything sent was taken and all the
//               received data was read, otherwise the stack may reset. Every
//               later operation fails with errc::closed.
//   abort()     ends the flow with a reset (RST): the peer's next read or
//               write fails with errc::connection_reset.
//   local(), remote(): the two endpoints, as known when the flow was made.
// At most one read and one write may be pending on a flow at a time (one
// reading and one writing coroutine); they may be pending together. A flow
// must outlive its pending operations (cancel them by destroying their
// tasks first, see docs/coroutines.md); moving a flow handle while an
// operation is pending is allowed.
//
// Listeners. accept() waits for the next established connection. A listen
// backlog and a connection count are bounded by the stack's configuration;
// connections beyond them are refused or dropped, never queued without
// bound. close() stops listening; the flows already accepted stay.
//
// UDP sockets. send_to(to, b) sends one datagram (errc::invalid_argument
// when it cannot fit one); receive() waits for the next datagram and gives
// its payload and sender, at most the stack's datagram size (larger ones
// are dropped and counted). Datagrams arriving while nobody receives wait in
// a bounded queue; past it they are dropped, as UDP allows.
//
// Every handle is move-only; all operations are noexcept and run on the
// engine the stack was made with.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/net/endpoint.hpp>

#include <concepts>
#include <utility>

namespace atl::net {

/// datagram: one received UDP datagram.
struct datagram {
  ip_endpoint from;
  buf payload;
};

/// byte_flow: an ordered, reliable stream of bytes with read/write/shutdown/
/// close as above; what layers on top (TLS, HTTP) need of a connection, so
/// they also run over an in-memory pipe in tests.
template <class F>
concept byte_flow = std::movable<F> && requires(F& f, bufs data) {
  { f.read() } -> std::same_as<task<result<buf>>>;
  { f.write(std::move(data)) } -> std::same_as<task<result<void>>>;
  { f.shutdown() } -> std::same_as<task<result<void>>>;
  { f.close() } -> std::same_as<void>;
};

/// tcp_flow: a TCP connection's handle (see the contract above).
template <class F>
concept tcp_flow = byte_flow<F> && requires(F& f, const F& cf) {
  { f.abort() } -> std::same_as<void>;
  { cf.local() } -> std::same_as<ip_endpoint>;
  { cf.remote() } -> std::same_as<ip_endpoint>;
};

/// tcp_listener: gives the flows of one listening endpoint.
template <class L, class F>
concept tcp_listener = std::movable<L> && requires(L& l, const L& cl) {
  { l.accept() } -> std::same_as<task<result<F>>>;
  { l.close() } -> std::same_as<void>;
  { cl.local() } -> std::same_as<ip_endpoint>;
};

/// udp_socket: a bound UDP endpoint.
template <class U>
concept udp_socket = std::movable<U> && requires(U& u, const U& cu, ip_endpoint to, bufs data) {
  { u.send_to(to, std::move(data)) } -> std::same_as<task<result<void>>>;
  { u.receive() } -> std::same_as<task<result<datagram>>>;
  { u.close() } -> std::same_as<void>;
  { cu.local() } -> std::same_as<ip_endpoint>;
};

/// stack: a TCP/IP stack as applications see it.
template <class S>
concept stack = requires(S& s, ip_endpoint at) {
  typename S::flow_type;
  typename S::listener_type;
  typename S::udp_socket_type;
  requires tcp_flow<typename S::flow_type>;
  requires tcp_listener<typename S::listener_type, typename S::flow_type>;
  requires udp_socket<typename S::udp_socket_type>;
  { s.listen(at) } -> std::same_as<result<typename S::listener_type>>;
  { s.connect(at) } -> std::same_as<task<result<typename S::flow_type>>>;
  { s.udp_bind(at) } -> std::same_as<result<typename S::udp_socket_type>>;
};

}  // namespace atl::net
