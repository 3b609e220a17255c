#include "errno_error.hpp"
#include <atoll/core/event.hpp>
#include <atoll/core/when.hpp>
#include <atoll/unix/fd.hpp>
#include <atoll/unix/socket_stack.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <new>
#include <sys/socket.h>
#include <sys/uio.h>
#include <utility>

namespace atl::unix_target {

using net::ip_addr;
using net::ip_endpoint;

namespace {

// A read that filled less than this share of the chunk is copied into a buf
// of its own size, so a flow holding small reads does not pin whole chunks.
constexpr std::size_t copy_below_divisor = 4;

/// net_error(what, subject, err): errno_error with the network's categories,
/// which the contract names (errno_error's map knows files and devices).
error net_error(std::string_view what, std::string_view subject, int err) noexcept {
  errc code = errc_of(err);
  switch (err) {
    case ECONNREFUSED: code = errc::refused; break;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED: code = errc::connection_reset; break;
    case ETIMEDOUT: code = errc::timed_out; break;
    case EADDRINUSE: code = errc::exists; break;
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case EMSGSIZE:
    case EDESTADDRREQ: code = errc::invalid_argument; break;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN: code = errc::unreachable; break;
    case ENOBUFS: code = errc::no_memory; break;
    default: break;
  }
  const error e = errno_error(what, subject, err);
  return error(code, e.message());
}

/// to_sockaddr(ep, out): the kernel's form of an endpoint; returns its length.
socklen_t to_sockaddr(const ip_endpoint& ep, sockaddr_storage& out) noexcept {
  out = {};
  if (ep.addr.is_v4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(ep.port.value());
    const auto& o = ep.addr.v4().octets();
    std::memcpy(&sin.sin_addr, o.data(), o.size());
    std::memcpy(&out, &sin, sizeof sin);
    return sizeof sin;
  }
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(ep.port.value());
  const auto& o = ep.addr.v6().octets();
  std::memcpy(&sin6.sin6_addr, o.data(), o.size());
  std::memcpy(&out, &sin6, sizeof sin6);
  return sizeof sin6;
}

/// from_sockaddr(in): an endpoint from the kernel's form (AF_INET/AF_INET6).
ip_endpoint from_sockaddr(const sockaddr_storage& in) noexcept {
  if (in.ss_family == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, &in, sizeof sin6);
    net::ipv6_addr::octets_type o{};
    std::memcpy(o.data(), &sin6.sin6_addr, o.size());
    return {ip_addr(net::ipv6_addr(o)), net::port(ntohs(sin6.sin6_port))};
  }
  sockaddr_in sin{};
  std::memcpy(&sin, &in, sizeof sin);
  net::ipv4_addr::octets_type o{};
  std::memcpy(o.data(), &sin.sin_addr, o.size());
  return {ip_addr(net::ipv4_addr(o)), net::port(ntohs(sin.sin_port))};
}

int family_of(const ip_addr& a) noexcept { return a.is_v4() ? AF_INET : AF_INET6; }

result<ip_endpoint> local_of(int fd) noexcept {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return net_error("getsockname", "", errno);
  }
  return from_sockaddr(ss);
}

void set_flag(int fd, int level, int name) noexcept {
  const int one = 1;
  // Best effort: each flag tunes behaviour, none is needed for correctness.
  (void)::setsockopt(fd, level, name, &one, sizeof one);
}

/// iovecs(data, iov): fills iov from the bufs; returns the count.
int iovecs(const bufs& data, iovec (&iov)[bufs::max_segments]) noexcept {
  int count = 0;
  for (const buf& b : data) {
    // sendmsg does not write through the pointers; the cast only fits iovec.
    if (!b.empty()) iov[count++] = {const_cast<std::byte*>(b.data()), b.size()};
  }
  return count;
}

}  // namespace

/// socket_state: one socket, its readiness events and its registration.
/// Members are destroyed in reverse: the registration ends before the events
/// and the descriptor go.
struct socket_stack::socket_state {
  socket_state(socket_stack& s, owned_fd f) noexcept
      : stack(s), fd(std::move(f)), readable(s.engine_), writable(s.engine_) {
    ++stack.handles_;
  }
  socket_state(const socket_state&) = delete;
  socket_state& operator=(const socket_state&) = delete;
  ~socket_state() {
    registration.reset();
    if (is_flow) --stack.stats_.live_flows;
    --stack.handles_;
  }

  socket_stack& stack;
  owned_fd fd;
  event readable;
  event writable;
  fd_registration registration;
  bool is_flow = false;  // counted in live_flows
  bool eof = false;      // read() saw the peer's FIN
  bool shut = false;     // shutdown() was called
  bool drained = false;  // the last recv was short: the queue was empty then
  bool closed = false;   // the platform saw a hang-up, an error or the FIN
};

/// internals: the steps shared by the handles, with access to the stack.
struct socket_stack::internals {
  /// slot: a connection slot held by a connect() in progress.
  class slot {
  public:
    explicit slot(socket_stack& s) noexcept : stack_(s) { ++stack_.connecting_; }
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() { --stack_.connecting_; }

  private:
    socket_stack& stack_;
  };

  /// open(s, family, type): a registered non-blocking socket.
  static result<state_ptr> open(socket_stack& s, int family, int type) noexcept {
    owned_fd fd(::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return net_error("socket", "", errno);
    return adopt(s, std::move(fd));
  }

  static result<state_ptr> adopt(socket_stack& s, owned_fd fd) noexcept {
    state_ptr st(new (std::nothrow) socket_state(s, std::move(fd)));
    if (!st) return error(errc::no_memory, "no memory for a socket");
    ATOLL_TRY(st->registration,
              s.platform_.register_fd(st->fd.get(), st->readable, &st->writable, &st->closed));
    return st;
  }

  /// bound(s, at, type): a socket of `at`'s family bound to it.
  static result<state_ptr> bound(socket_stack& s, const ip_endpoint& at, int type) noexcept {
    ATOLL_TRY(state_ptr st, open(s, family_of(at.addr), type));
    const int fd = st->fd.get();
    if (at.addr.is_v6()) set_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY);
    if (type == SOCK_STREAM) set_flag(fd, SOL_SOCKET, SO_REUSEADDR);
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(at, ss);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
      return net_error("bind", at.text().view(), errno);
    }
    return st;
  }

  static flow make_flow(socket_stack& s, state_ptr st, ip_endpoint local,
                        ip_endpoint remote) noexcept {
    st->is_flow = true;
    ++s.stats_.live_flows;
    set_flag(st->fd.get(), IPPROTO_TCP, TCP_NODELAY);
    return flow(std::move(st), local, remote);
  }

  /// connected(st): waits until a connect in progress ends; its outcome.
  static task<result<void>> connected(socket_state* st, ip_endpoint to) noexcept {
    for (;;) {
      co_await st->writable.wait();
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(st->fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) co_return net_error("connect", to.text().view(), err);
      sockaddr_storage ss{};
      socklen_t sslen = sizeof ss;
      if (::getpeername(st->fd.get(), reinterpret_cast<sockaddr*>(&ss), &sslen) == 0) {
        co_return ok();
      }
      // ENOTCONN: still in progress (a spurious edge); wait again.
    }
  }

  /// take_read(s, n): the bytes recv put in the spare buffer, as a buf.
  static result<buf> take_read(socket_stack& s, std::size_t n) noexcept {
    if (n < s.options_.read_chunk / copy_below_divisor) {
      auto small = buf::copy_of(s.spare_.bytes().first(n), 0, s.options_.budget);
      if (small) return std::move(*small);  // keep the spare for the next read
    }
    buf out = std::move(s.spare_);
    ATOLL_TRYV(out.truncate(n));
    return out;
  }
};

// --- stack -----------------------------------------------------------------

socket_stack::socket_stack(engine& e, epoll_platform& p,
                           const socket_stack_options& options) noexcept
    : engine_(e), platform_(p), options_(options) {
  if (options_.read_chunk == 0) options_.read_chunk = 1;
  if (options_.backlog < 1) options_.backlog = 1;
}

socket_stack::~socket_stack() { ATOLL_ASSERT(handles_ == 0); }

socket_stack_stats socket_stack::stats() const noexcept { return stats_; }

result<socket_stack::listener> socket_stack::listen(ip_endpoint at) noexcept {
  ATOLL_TRY(state_ptr st, internals::bound(*this, at, SOCK_STREAM));
  if (::listen(st->fd.get(), options_.backlog) != 0) {
    return net_error("listen", at.text().view(), errno);
  }
  ATOLL_TRY(const ip_endpoint local, local_of(st->fd.get()));
  return listener(std::move(st), local);
}

task<result<socket_stack::flow>> socket_stack::connect(ip_endpoint to) noexcept {
  socket_stack& s = *this;
  if (to.port.value() == 0) co_return error(errc::invalid_argument, "connect to port 0");
  // Connections in progress hold a slot too, so that many concurrent
  // connects cannot pass the check together; the slot is given back however
  // this coroutine ends (cancellation included), once the flow counts itself.
  if (s.stats_.live_flows + s.connecting_ >= s.options_.max_connections) {
    co_return error(errc::limit_exceeded, "connect: ", s.options_.max_connections,
                    " connections already");
  }
  const internals::slot reserved(s);
  ATOLL_CO_TRY(state_ptr st, internals::open(s, family_of(to.addr), SOCK_STREAM));
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(to, ss);
  if (::connect(st->fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    const int err = errno;
    // EINTR: the connection goes on in the background, as for EINPROGRESS.
    if (err != EINPROGRESS && err != EINTR) co_return net_error("connect", to.text().view(), err);
    ATOLL_CO_TRYV(co_await with_timeout(s.engine_, s.options_.connect_timeout,
                                        internals::connected(st.get(), to)));
  }
  ATOLL_CO_TRY(const ip_endpoint local, local_of(st->fd.get()));
  ++s.stats_.connected;
  co_return internals::make_flow(s, std::move(st), local, to);
}

result<socket_stack::udp_socket> socket_stack::udp_bind(ip_endpoint at) noexcept {
  if (!scratch_) {
    scratch_.reset(new (std::nothrow) std::byte[options_.max_datagram + 1]);
    if (!scratch_) return error(errc::no_memory, "no memory for a datagram buffer");
  }
  ATOLL_TRY(state_ptr st, internals::bound(*this, at, SOCK_DGRAM));
  ATOLL_TRY(const ip_endpoint local, local_of(st->fd.get()));
  return udp_socket(std::move(st), local);
}

// --- flow ------------------------------------------------------------------

socket_stack::flow::flow() noexcept = default;
socket_stack::flow::flow(state_ptr s, ip_endpoint local, ip_endpoint remote) noexcept
    : state_(std::move(s)), local_(local), remote_(remote) {}
socket_stack::flow::flow(flow&&) noexcept = default;
socket_stack::flow& socket_stack::flow::operator=(flow&&) noexcept = default;
socket_stack::flow::~flow() = default;

void socket_stack::flow::close() noexcept { state_.reset(); }

void socket_stack::flow::abort() noexcept {
  if (!state_) return;
  // A zero linger time makes close() send RST and drop what is queued.
  const linger hard{1, 0};
  (void)::setsockopt(state_->fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  state_.reset();
}

task<result<buf>> socket_stack::flow::read() noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "read from a closed flow");
  // Copies: the handle may move while the read waits; the state does not.
  socket_stack& s = st->stack;
  const ip_endpoint peer = remote_;
  for (;;) {
    if (st->eof) co_return buf{};
    if (s.spare_.empty()) {
      auto fresh = buf::allocate(s.options_.read_chunk, 0, s.options_.budget);
      if (!fresh)
        co_return error(errc::no_memory, "no memory for a read of ", s.options_.read_chunk);
      s.spare_ = std::move(*fresh);
    }
    // Edge-triggered readiness: after a short recv the queue was empty, and
    // anything that arrives later sets `readable`; until then a recv would
    // only say EAGAIN (one system call per request on a kept-alive
    // connection), so wait first, unless the peer's FIN (or an error) was
    // seen: it may have come with the last data, and brings no new edge.
    if (st->drained && !st->closed && !st->readable.is_set()) co_await st->readable.wait();
    st->drained = false;
    // No suspension between recv and take_read: the spare is the stack's.
    const ssize_t n = ::recv(st->fd.get(), s.spare_.mutable_bytes().data(), s.spare_.size(), 0);
    if (n > 0) {
      st->drained = static_cast<std::size_t>(n) < s.spare_.size();
      co_return internals::take_read(s, static_cast<std::size_t>(n));
    }
    if (n == 0) {
      st->eof = true;
      co_return buf{};
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      co_await st->readable.wait();
      continue;
    }
    co_return net_error("read from", peer.text().view(), err);
  }
}

task<result<void>> socket_stack::flow::write(bufs data) noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "write to a closed flow");
  if (st->shut) co_return error(errc::closed, "write after shutdown");
  const ip_endpoint peer = remote_;  // the handle may move while the write waits
  while (!data.empty()) {
    iovec iov[bufs::max_segments];
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(iovecs(data, iov));
    const ssize_t n = ::sendmsg(st->fd.get(), &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      ATOLL_CO_TRYV(data.shift(static_cast<std::size_t>(n)));
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      co_await st->writable.wait();  // back-pressure: the send buffer is full
      continue;
    }
    co_return net_error("write to", peer.text().view(), err);
  }
  co_return ok();
}

task<result<void>> socket_stack::flow::shutdown() noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "shutdown of a closed flow");
  if (st->shut) co_return ok();
  if (::shutdown(st->fd.get(), SHUT_WR) != 0) {
    const int err = errno;
    // ENOTCONN: the peer reset the connection before.
    co_return net_error("shutdown", remote_.text().view(), err == ENOTCONN ? ECONNRESET : err);
  }
  st->shut = true;
  co_return ok();
}

// --- listener --------------------------------------------------------------

socket_stack::listener::listener() noexcept = default;
socket_stack::listener::listener(state_ptr s, ip_endpoint local) noexcept
    : state_(std::move(s)), local_(local) {}
socket_stack::listener::listener(listener&&) noexcept = default;
socket_stack::listener& socket_stack::listener::operator=(listener&&) noexcept = default;
socket_stack::listener::~listener() = default;

void socket_stack::listener::close() noexcept { state_.reset(); }

task<result<socket_stack::flow>> socket_stack::listener::accept() noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "accept on a closed listener");
  socket_stack& s = st->stack;
  const ip_endpoint here = local_;  // the handle may move while accept waits
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    owned_fd fd(::accept4(st->fd.get(), reinterpret_cast<sockaddr*>(&ss), &len,
                          SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      const int err = errno;
      // ECONNABORTED: the connection died in the queue; take the next one.
      if (err == EINTR || err == ECONNABORTED) continue;
      if (err == EAGAIN) {
        co_await st->readable.wait();
        continue;
      }
      co_return net_error("accept on", here.text().view(), err);
    }
    if (s.stats_.live_flows + s.connecting_ >= s.options_.max_connections) {
      const linger hard{1, 0};  // reset it: the peer learns at once
      (void)::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      ++s.stats_.over_limit;
      continue;
    }
    const ip_endpoint remote = from_sockaddr(ss);
    ATOLL_CO_TRY(const ip_endpoint local, local_of(fd.get()));
    ATOLL_CO_TRY(state_ptr flow_state, internals::adopt(s, std::move(fd)));
    ++s.stats_.accepted;
    co_return internals::make_flow(s, std::move(flow_state), local, remote);
  }
}

// --- udp_socket ------------------------------------------------------------

socket_stack::udp_socket::udp_socket() noexcept = default;
socket_stack::udp_socket::udp_socket(state_ptr s, ip_endpoint local) noexcept
    : state_(std::move(s)), local_(local) {}
socket_stack::udp_socket::udp_socket(udp_socket&&) noexcept = default;
socket_stack::udp_socket& socket_stack::udp_socket::operator=(udp_socket&&) noexcept = default;
socket_stack::udp_socket::~udp_socket() = default;

void socket_stack::udp_socket::close() noexcept { state_.reset(); }

task<result<void>> socket_stack::udp_socket::send_to(ip_endpoint to, bufs data) noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "send on a closed UDP socket");
  if (to.addr.family() != local_.addr.family()) {
    co_return error(errc::invalid_argument, "send to ", to.text().view(), " from ",
                    local_.text().view(), ": another family");
  }
  sockaddr_storage ss;
  iovec iov[bufs::max_segments];
  msghdr msg{};
  msg.msg_name = &ss;
  msg.msg_namelen = to_sockaddr(to, ss);
  msg.msg_iov = iov;
  msg.msg_iovlen = static_cast<std::size_t>(iovecs(data, iov));
  for (;;) {
    if (::sendmsg(st->fd.get(), &msg, MSG_NOSIGNAL) >= 0) co_return ok();
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      co_await st->writable.wait();
      continue;
    }
    co_return net_error("send to", to.text().view(), err);
  }
}

task<result<net::datagram>> socket_stack::udp_socket::receive() noexcept {
  socket_state* st = state_.get();
  if (st == nullptr) co_return error(errc::closed, "receive on a closed UDP socket");
  socket_stack& s = st->stack;
  const ip_endpoint here = local_;  // the handle may move while receive waits
  for (;;) {
    sockaddr_storage ss{};
    iovec iov{s.scratch_.get(), s.options_.max_datagram + 1};
    msghdr msg{};
    msg.msg_name = &ss;
    msg.msg_namelen = sizeof ss;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(st->fd.get(), &msg, 0);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN) {
        co_await st->readable.wait();
        continue;
      }
      co_return net_error("receive on", here.text().view(), err);
    }
    const auto size = static_cast<std::size_t>(n);
    if (size > s.options_.max_datagram || (msg.msg_flags & MSG_TRUNC) != 0) {
      ++s.stats_.udp_drops;
      continue;
    }
    auto payload =
        buf::copy_of(std::span<const std::byte>(s.scratch_.get(), size), 0, s.options_.budget);
    if (!payload) {
      ++s.stats_.udp_drops;  // UDP may drop; the next datagram may fit
      continue;
    }
    co_return net::datagram{from_sockaddr(ss), std::move(*payload)};
  }
}

}  // namespace atl::unix_target
