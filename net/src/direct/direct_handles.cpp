// direct_core: the application side: listen, connect, bind, and the
// handles' operations, which wait on their entry's events.
#include <atoll/net/direct/direct_core.hpp>
#include <atoll/net/direct/direct_entries.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/udp.hpp>

#include <algorithm>
#include <optional>
#include <utility>

namespace atl::net {
namespace {

/// done(r): a task that completes at once with r (for checks that fail
/// before anything waits).
template <class T>
task<result<T>> done(result<T> r) noexcept {
  co_return r;
}

}  // namespace

// --- Making handles ----------------------------------------------------------

result<ip_addr> direct_core::bindable(const ip_endpoint& at) const {
  if (at.addr.is_v6()) {
    if (!ip6_) {
      return error(errc::invalid_argument, "direct stack: ", at.addr.text().view(),
                   ": IPv6 is off");
    }
    const ipv6_addr& a = at.addr.v6();
    if (!a.is_unspecified() && !ip6_->addresses().is_assigned(a) &&
        !ip6_->addresses().is_tentative(a)) {
      return error(errc::invalid_argument, "direct stack: ", at.addr.text().view(),
                   " is not an address of this stack");
    }
    return at.addr;
  }
  const ipv4_addr a = at.addr.v4();
  if (!a.is_unspecified() && a != address()) {
    return error(errc::invalid_argument, "direct stack: ", at.addr.text().view(),
                 " is not an address of this stack");
  }
  return at.addr;
}

result<direct_listener> direct_core::listen(ip_endpoint at) {
  ATOLL_TRY(const ip_addr addr, bindable(at));
  port p = at.port;
  if (p.value() == 0) {
    p = pick_port(true);
    if (p.value() == 0) return error(errc::limit_exceeded, "direct stack: no free TCP port");
  }
  for (const auto& l : listeners_) {
    if (l->at == p && detail::overlaps(l->addr, addr)) {
      return error(errc::exists, "direct stack: TCP port ", p.value(), " is in use");
    }
  }
  if (listeners_.size() >= config_.max_listeners) {
    return error(errc::limit_exceeded, "direct stack: ", listeners_.size(), " listeners");
  }
  tcp::listener_config lc;
  lc.connection = tcp_config();
  lc.syn_backlog = config_.backlog;
  lc.accept_backlog = config_.backlog;
  for (std::size_t i = 0; i < lc.secret.key.size(); i += 8) {
    const std::uint64_t r = next_random();
    for (std::size_t j = 0; j < 8; ++j)
      lc.secret.key[i + j] = std::byte{static_cast<std::uint8_t>(r >> (8 * j))};
  }
  auto l = std::make_unique<detail::listen_entry>(engine_, lc, sink());
  l->addr = addr;
  l->at = p;
  detail::listen_entry* raw = l.get();
  listeners_.push_back(std::move(l));
  return direct_listener(this, raw, ip_endpoint{at.addr, p});
}

task<result<direct_flow>> direct_core::connect(ip_endpoint to) noexcept {
  if (to.addr.is_v6() && !ip6_)
    co_return error(errc::invalid_argument, "direct stack: IPv6 is off");
  if (to.port.value() == 0) co_return error(errc::invalid_argument, "connect to port 0");
  if (connections_.size() >= config_.max_connections) {
    co_return error(errc::limit_exceeded, "direct stack: ", connections_.size(), " connections");
  }
  const port local = pick_port(true);
  if (local.value() == 0) co_return error(errc::limit_exceeded, "direct stack: no free TCP port");
  tcp::flow_id id;
  if (to.addr.is_v6()) {
    const auto src = ip6_->source_for(to.addr.v6());
    if (!src)
      co_return error(errc::unreachable, "direct stack: no IPv6 source for ", to.text().view());
    id = tcp::flow_id(*src, local, to.addr.v6(), to.port);
  } else {
    // Fail now rather than after the SYN retries when no packet could leave.
    if (address().is_unspecified() || !ip_.routes().lookup(to.addr.v4())) {
      co_return error(errc::unreachable, "direct stack: no route to ", to.text().view());
    }
    id = tcp::flow_id(address(), local, to.addr.v4(), to.port);
  }
  const mono_time now = engine_.now();
  detail::tcp_entry* e =
      add_connection(std::make_unique<tcp::connection>(tcp_config(), id, sink()));
  if (e == nullptr) co_return error(errc::exists, "direct stack: flow ", to.text().view());
  // The flow is the entry's guard: a cancelled connect() closes it.
  direct_flow f(this, e);
  auto opened = e->conn->connect(isn_for(id, now), now);
  if (!opened) co_return opened.error();
  poke_timer(*e);
  for (;;) {
    if (e->conn->established()) co_return std::move(f);
    if (e->conn->closed()) {
      const errc why = e->conn->error().value_or(errc::timed_out);
      co_return error(why, "connect to ", to.text().view());
    }
    co_await e->writable.wait();
  }
}

result<direct_udp_socket> direct_core::udp_bind(ip_endpoint at) {
  ATOLL_TRY(const ip_addr addr, bindable(at));
  port p = at.port;
  if (p.value() == 0) {
    p = pick_port(false);
    if (p.value() == 0) return error(errc::limit_exceeded, "direct stack: no free UDP port");
  }
  for (const auto& u : udp_) {
    if (u->at == p && detail::overlaps(u->addr, addr)) {
      return error(errc::exists, "direct stack: UDP port ", p.value(), " is in use");
    }
  }
  if (udp_.size() >= config_.max_udp_sockets) {
    return error(errc::limit_exceeded, "direct stack: ", udp_.size(), " UDP sockets");
  }
  auto u = std::make_unique<detail::udp_entry>(engine_);
  u->addr = addr;
  u->at = p;
  detail::udp_entry* raw = u.get();
  udp_.push_back(std::move(u));
  return direct_udp_socket(this, raw, ip_endpoint{at.addr, p});
}

result<void> direct_core::send_echo(ipv4_addr dst, std::uint16_t ident, std::uint16_t seq) {
  const auto request = icmpv4_repr::echo_request(ident, seq, {});
  ATOLL_TRY(buf b, buf::allocate(request.buffer_len(), 64));
  request.emit(b.mutable_bytes());
  const mono_time now = engine_.now();
  auto sent = ip_.send(address(), dst, ip_protocol::icmp, std::move(b), now, ip_out_);
  if (sent) flush_ip(ip_out_, now);
  ip_out_.clear();
  poke_timer();
  return sent;
}

result<void> direct_core::udp_send(const detail::udp_entry& u, ip_endpoint to, const bufs& data) {
  if (to.addr.family() != u.addr.family()) {
    return error(errc::invalid_argument, "direct stack: ", to.text().view(),
                 " is not of the socket's family");
  }
  if (to.port.value() == 0) return error(errc::invalid_argument, "send to port 0");
  if (data.size() > config_.max_datagram || data.size() > 65507) {
    return error(errc::invalid_argument, "a datagram of ", data.size(), " bytes");
  }
  ATOLL_TRY(buf b, buf::allocate(udp_repr::buffer_len() + data.size(), 64));
  auto bytes = b.mutable_bytes();
  data.copy_to(bytes.subspan(udp_repr::buffer_len()));
  const udp_repr h{u.at, to.port, static_cast<std::uint16_t>(data.size())};
  const mono_time now = engine_.now();
  if (to.addr.is_v6()) {
    std::optional<ipv6_addr> src6 = u.addr.v6();
    if (u.addr.is_unspecified()) src6 = ip6_->source_for(to.addr.v6());
    if (!src6)
      return error(errc::unreachable, "direct stack: no IPv6 source for ", to.text().view());
    h.emit(bytes.first(udp_repr::buffer_len()), ip_pair(*src6, to.addr.v6()),
           bytes.subspan(udp_repr::buffer_len()));
    auto sent6 = ip6_->send(now, *src6, to.addr.v6(), ip_protocol::udp, b.bytes());
    flush6();
    poke_timer();
    return sent6;
  }
  const ipv4_addr src = u.addr.is_unspecified() ? address() : u.addr.v4();
  const ipv4_addr dst = to.addr.v4();
  h.emit(bytes.first(udp_repr::buffer_len()), ip_pair(src, dst),
         bytes.subspan(udp_repr::buffer_len()));
  auto sent = ip_.send(src, dst, ip_protocol::udp, std::move(b), now, ip_out_);
  if (sent) flush_ip(ip_out_, now);
  ip_out_.clear();
  poke_timer();
  return sent;
}

// --- The operations ------------------------------------------------------------

task<result<buf>> direct_core::read_on(direct_core* c, detail::tcp_entry* e) noexcept {
  for (;;) {
    auto got = e->conn->read(c->config_.read_chunk, c->engine_.now());
    if (!got) {
      if (got.error().code() == errc::eof) co_return buf{};
      co_return got.error();
    }
    if (!got->empty()) {
      c->poke_timer(*e);  // the window opened: an update may be due
      co_return std::move(*got);
    }
    co_await e->readable.wait();
  }
}

task<result<void>> direct_core::write_on(direct_core* c, detail::tcp_entry* e, bufs data) noexcept {
  // connection::write(bufs) sends after each piece, so a header piece would
  // leave alone in its own segment: hand it one contiguous piece instead.
  if (data.segments() > 1) {
    auto flat = data.flatten();
    if (!flat) co_return flat.error();
    data = bufs(std::move(*flat));
  }
  while (!data.empty()) {
    auto taken = e->conn->write(data, c->engine_.now());
    if (!taken) co_return taken.error();
    if (*taken > 0) {
      (void)data.shift(*taken);
      c->poke_timer(*e);
      continue;
    }
    co_await e->writable.wait();
  }
  co_return ok();
}

task<result<direct_flow>> direct_core::accept_on(direct_core* c, detail::listen_entry* l) noexcept {
  for (;;) {
    while (l->core.acceptable()) {
      std::unique_ptr<tcp::connection> conn = l->core.accept();
      if (!conn) break;
      if (c->connections_.size() >= c->config_.max_connections) {
        conn->abort();
        ++c->stats_.tcp_over_limit;
        continue;
      }
      detail::tcp_entry* e = c->add_connection(std::move(conn));
      if (e == nullptr) {  // not expected: see add_connection
        ++c->stats_.tcp_over_limit;
        continue;
      }
      c->signal(*e);
      c->poke_timer(*e);  // its timers were the listener's until now
      co_return direct_flow(c, e);
    }
    co_await l->ready.wait();
  }
}

task<result<datagram>> direct_core::receive_on(detail::udp_entry* u) noexcept {
  for (;;) {
    if (!u->queue.empty()) {
      datagram d = std::move(u->queue.front());
      u->queue.pop_front();
      co_return d;
    }
    co_await u->ready.wait();
  }
}

// --- direct_flow ----------------------------------------------------------------

direct_flow::direct_flow(direct_core* core, detail::tcp_entry* entry) noexcept
    : core_(core), entry_(entry) {
  const tcp::flow_id& id = entry->conn->id();
  if (id.is_v6()) {
    local_ = ip_endpoint{id.local6(), id.local_port()};
    remote_ = ip_endpoint{id.remote6(), id.remote_port()};
  } else {
    local_ = ip_endpoint{id.local4(), id.local_port()};
    remote_ = ip_endpoint{id.remote4(), id.remote_port()};
  }
}

direct_flow::direct_flow(direct_flow&& other) noexcept
    : core_(std::exchange(other.core_, nullptr)),
      entry_(std::exchange(other.entry_, nullptr)),
      local_(other.local_),
      remote_(other.remote_) {}

direct_flow& direct_flow::operator=(direct_flow&& other) noexcept {
  if (this != &other) {
    close();
    core_ = std::exchange(other.core_, nullptr);
    entry_ = std::exchange(other.entry_, nullptr);
    local_ = other.local_;
    remote_ = other.remote_;
  }
  return *this;
}

task<result<buf>> direct_flow::read() noexcept {
  if (entry_ == nullptr) return done<buf>(error(errc::closed, "flow closed"));
  return direct_core::read_on(core_, entry_);
}

task<result<void>> direct_flow::write(bufs data) noexcept {
  if (entry_ == nullptr) return done<void>(error(errc::closed, "flow closed"));
  return direct_core::write_on(core_, entry_, std::move(data));
}

task<result<void>> direct_flow::shutdown() noexcept {
  if (entry_ == nullptr) return done<void>(error(errc::closed, "flow closed"));
  entry_->conn->shutdown(core_->engine_.now());
  core_->poke_timer(*entry_);
  return done<void>(ok());
}

void direct_flow::close() noexcept {
  if (entry_ == nullptr) return;
  detail::tcp_entry* e = std::exchange(entry_, nullptr);
  e->owned = false;
  e->conn->close(core_->engine_.now());
  if (e->conn->closed()) {
    core_->erase(e);
  } else {
    core_->poke_timer(*e);
  }
}

void direct_flow::abort() noexcept {
  if (entry_ == nullptr) return;
  detail::tcp_entry* e = std::exchange(entry_, nullptr);
  e->owned = false;
  e->conn->abort();
  core_->erase(e);
}

// --- direct_listener --------------------------------------------------------------

direct_listener::direct_listener(direct_core* core, detail::listen_entry* entry,
                                 ip_endpoint local) noexcept
    : core_(core), entry_(entry), local_(local) {}

direct_listener::direct_listener(direct_listener&& other) noexcept
    : core_(std::exchange(other.core_, nullptr)),
      entry_(std::exchange(other.entry_, nullptr)),
      local_(other.local_) {}

direct_listener& direct_listener::operator=(direct_listener&& other) noexcept {
  if (this != &other) {
    close();
    core_ = std::exchange(other.core_, nullptr);
    entry_ = std::exchange(other.entry_, nullptr);
    local_ = other.local_;
  }
  return *this;
}

task<result<direct_flow>> direct_listener::accept() noexcept {
  if (entry_ == nullptr) {
    return done<direct_flow>(error(errc::closed, "listener closed"));
  }
  return direct_core::accept_on(core_, entry_);
}

void direct_listener::close() noexcept {
  if (entry_ == nullptr) return;
  detail::listen_entry* l = std::exchange(entry_, nullptr);
  std::erase_if(core_->listeners_, [l](const auto& p) { return p.get() == l; });
}

// --- direct_udp_socket --------------------------------------------------------------

direct_udp_socket::direct_udp_socket(direct_core* core, detail::udp_entry* entry,
                                     ip_endpoint local) noexcept
    : core_(core), entry_(entry), local_(local) {}

direct_udp_socket::direct_udp_socket(direct_udp_socket&& other) noexcept
    : core_(std::exchange(other.core_, nullptr)),
      entry_(std::exchange(other.entry_, nullptr)),
      local_(other.local_) {}

direct_udp_socket& direct_udp_socket::operator=(direct_udp_socket&& other) noexcept {
  if (this != &other) {
    close();
    core_ = std::exchange(other.core_, nullptr);
    entry_ = std::exchange(other.entry_, nullptr);
    local_ = other.local_;
  }
  return *this;
}

task<result<void>> direct_udp_socket::send_to(ip_endpoint to, bufs data) noexcept {
  if (entry_ == nullptr) return done<void>(error(errc::closed, "socket closed"));
  return done<void>(core_->udp_send(*entry_, to, data));
}

task<result<datagram>> direct_udp_socket::receive() noexcept {
  if (entry_ == nullptr) {
    return done<datagram>(error(errc::closed, "socket closed"));
  }
  return direct_core::receive_on(entry_);
}

void direct_udp_socket::close() noexcept {
  if (entry_ == nullptr) return;
  detail::udp_entry* u = std::exchange(entry_, nullptr);
  std::erase_if(core_->udp_, [u](const auto& p) { return p.get() == u; });
}

}  // namespace atl::net
