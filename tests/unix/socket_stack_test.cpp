// The socket stack: the stack conformance suite over the host kernel's
// loopback, the socket stack's own bounds (read chunk, connection count),
// and a sandboxed process that still serves a connection.
#include "../net/conformance/stack_conformance.hpp"
#include "sandbox_child.hpp"
#include <atoll/unix/sandbox.hpp>
#include <atoll/unix/socket_stack.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace atl::unix_target::testing {

/// loopback_has(f): the host can bind the family's loopback address.
inline bool loopback_has(net::ip_family f) {
  const int fd =
      ::socket(f == net::ip_family::v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int rc = 0;
  if (f == net::ip_family::v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  ::close(fd);
  return rc == 0;
}

/// sysctl_max(path): the last of the three numbers of tcp_rmem / tcp_wmem.
inline std::size_t sysctl_max(const char* path) {
  std::ifstream in(path);
  std::size_t low = 0, mid = 0, high = 0;
  in >> low >> mid >> high;
  return high != 0 ? high : 8u << 20;
}

/// socket_stack_env: an epoll platform, an engine and a socket stack.
struct socket_stack_env {
  explicit socket_stack_env(const socket_stack_options& options = {}) {
    auto p = epoll_platform::create();
    EXPECT_TRUE(p);
    platform.emplace(std::move(*p));
    loop = std::make_unique<engine>(*platform);
    stack = std::make_unique<socket_stack>(*loop, *platform, options);
  }
  ~socket_stack_env() {
    stack.reset();
    loop.reset();
  }
  std::optional<epoll_platform> platform;
  std::unique_ptr<engine> loop;
  std::unique_ptr<socket_stack> stack;
};

/// socket_stack_factory: one socket stack as both server and client.
struct socket_stack_factory {
  using stack_type = socket_stack;
  socket_stack_env env{[] {
    socket_stack_options o;
    o.backlog = 256;  // 200 connections at once, accepted as they come
    return o;
  }()};

  engine& loop() const { return *env.loop; }
  std::array<socket_stack*, 2> make_pair() const { return {env.stack.get(), env.stack.get()}; }
  bool has_family(net::ip_family f) { return loopback_has(f); }
  net::ip_addr server_address(net::ip_family f) { return net::ip_addr::loopback(f); }
  std::size_t read_chunk() const { return env.stack->options().read_chunk; }
  std::size_t buffer_bound() {
    return sysctl_max("/proc/sys/net/ipv4/tcp_wmem") + sysctl_max("/proc/sys/net/ipv4/tcp_rmem");
  }
};

}  // namespace atl::unix_target::testing

namespace atl::conformance {
using socket_factories = ::testing::Types<unix_target::testing::socket_stack_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(socket_stack, stack_conformance, socket_factories);
}  // namespace atl::conformance

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;
using conformance::read_all;
using conformance::stack_text;
using net::ip_addr;
using net::ip_endpoint;
using net::ip_family;

template <class T>
result<T> run(engine& e, task<result<T>> t) {
  return e.run(with_timeout(e, std::chrono::seconds(10), std::move(t)));
}

task<result<std::pair<socket_stack::flow, socket_stack::flow>>> pair_on(socket_stack& s) {
  auto l = s.listen(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  if (!l) co_return l.error();
  auto [a, c] = co_await all(l->accept(), s.connect(l->local()));
  if (!a) co_return a.error();
  if (!c) co_return c.error();
  co_return std::pair(std::move(*a), std::move(*c));
}

TEST(socket_stack, reads_return_at_most_the_read_chunk) {
  socket_stack_options o;
  o.read_chunk = 1000;
  socket_stack_env env(o);
  auto p = run(*env.loop, pair_on(*env.stack));
  ASSERT_OK(p);
  const auto data = conformance::pattern(50000, 3);
  ASSERT_OK(run(*env.loop, p->second.write(conformance::stack_bufs(data, 4))));
  ASSERT_OK(run(*env.loop, p->second.shutdown()));
  std::vector<std::byte> got;
  for (;;) {
    auto r = run(*env.loop, p->first.read());
    ASSERT_OK(r);
    if (r->empty()) break;
    EXPECT_LE(r->size(), 1000U);
    got.insert(got.end(), r->bytes().begin(), r->bytes().end());
  }
  EXPECT_TRUE(got == data);
}

TEST(socket_stack, reads_are_charged_to_the_budget) {
  memory_budget budget("sockets", 1 << 20);
  socket_stack_options o;
  o.budget = &budget;
  socket_stack_env env(o);
  {
    auto p = run(*env.loop, pair_on(*env.stack));
    ASSERT_OK(p);
    ASSERT_OK(run(*env.loop, p->second.write(stack_text("charged"))));
    auto r = run(*env.loop, p->first.read());
    ASSERT_OK(r);
    EXPECT_EQ(r->text(), "charged");
    EXPECT_GT(budget.used(), 0U);
  }
}

TEST(socket_stack, a_spent_budget_fails_the_read_and_loses_nothing) {
  memory_budget budget("sockets", 200000);
  socket_stack_options o;
  o.budget = &budget;
  socket_stack_env env(o);
  auto p = run(*env.loop, pair_on(*env.stack));
  ASSERT_OK(p);
  ASSERT_OK(run(*env.loop, p->second.write(stack_text("kept"))));
  {
    auto hog = buf::allocate(190000, 0, &budget);  // leaves less than a read chunk
    ASSERT_OK(hog);
    EXPECT_ERRC(run(*env.loop, p->first.read()), errc::no_memory);
  }
  // With the budget back, the bytes are still there: none were read and lost.
  auto r = run(*env.loop, p->first.read());
  ASSERT_OK(r);
  EXPECT_EQ(r->text(), "kept");
}

TEST(socket_stack, connections_beyond_the_limit_are_refused) {
  socket_stack_options o;
  o.max_connections = 2;  // one pair: accepted + connected
  socket_stack_env env(o);
  auto p = run(*env.loop, pair_on(*env.stack));
  ASSERT_OK(p);
  EXPECT_EQ(env.stack->stats().live_flows, 2U);
  // connect() itself is over the limit now.
  EXPECT_ERRC(run(*env.loop, env.stack->connect(p->first.local())), errc::limit_exceeded);
  // A connection from outside the stack is accepted by the kernel, then
  // reset by accept() and counted, while accept() waits on.
  auto l = env.stack->listen(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  ASSERT_OK(l);
  const int outside = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(outside, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(l->local().port.value());
  ASSERT_EQ(::connect(outside, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  auto accepted =
      env.loop->run(with_timeout(*env.loop, std::chrono::milliseconds(300), l->accept()));
  EXPECT_ERRC(accepted, errc::timed_out);
  EXPECT_EQ(env.stack->stats().over_limit, 1U);
  char byte = 0;
  EXPECT_EQ(::recv(outside, &byte, 1, 0), -1);
  EXPECT_EQ(errno, ECONNRESET);
  ::close(outside);
  // Once a flow goes, there is room again.
  p->first.close();
  EXPECT_EQ(env.stack->stats().live_flows, 1U);
  EXPECT_EQ(env.stack->stats().accepted, 1U);
  EXPECT_EQ(env.stack->stats().connected, 1U);
}

task<result<std::size_t>> connect_many(socket_stack& s, ip_endpoint to, std::size_t n,
                                       std::vector<socket_stack::flow>& kept) {
  std::vector<task<result<socket_stack::flow>>> tries;
  for (std::size_t i = 0; i < n; ++i) tries.push_back(s.connect(to));
  auto results = co_await all(std::move(tries));
  std::size_t refused = 0;
  for (auto& r : results) {
    if (r) {
      kept.push_back(std::move(*r));
    } else if (r.error() == errc::limit_exceeded) {
      ++refused;
    } else {
      co_return r.error();
    }
  }
  co_return refused;
}

TEST(socket_stack, concurrent_connects_respect_the_limit) {
  socket_stack_env env;  // the server side, unbounded
  socket_stack_options o;
  o.max_connections = 3;
  if (!env.platform) FAIL() << "no epoll platform";
  socket_stack client(*env.loop, *env.platform, o);
  auto l = env.stack->listen(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  ASSERT_OK(l);
  std::vector<socket_stack::flow> kept;
  auto refused = run(*env.loop, connect_many(client, l->local(), 5, kept));
  ASSERT_OK(refused);
  EXPECT_EQ(*refused, 2U);
  EXPECT_EQ(kept.size(), 3U);
  EXPECT_EQ(client.stats().live_flows, 3U);
  kept.clear();
  EXPECT_EQ(client.stats().live_flows, 0U);
}

TEST(socket_stack, connect_to_a_silent_peer_times_out) {
  socket_stack_options o;
  o.connect_timeout = std::chrono::milliseconds(200);
  socket_stack_env env(o);
  // A Linux listener with a full accept queue drops further SYNs, so a
  // connection to it is never answered: a silent peer on loopback.
  const int full = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(full, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(full, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  ASSERT_EQ(::listen(full, 0), 0);
  socklen_t len = sizeof at;
  ASSERT_EQ(::getsockname(full, reinterpret_cast<sockaddr*>(&at), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    const int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    (void)::connect(f, reinterpret_cast<sockaddr*>(&at), sizeof at);
    fillers.push_back(f);
  }
  ::usleep(50000);  // let the handshakes fill the queue
  ip_endpoint to{ip_addr::loopback(ip_family::v4), net::port(ntohs(at.sin_port))};
  const mono_time start = env.loop->now();
  EXPECT_ERRC(run(*env.loop, env.stack->connect(to)), errc::timed_out);
  EXPECT_GE(env.loop->now() - start, std::chrono::milliseconds(200));
  EXPECT_EQ(env.stack->stats().live_flows, 0U);
  for (const int f : fillers) ::close(f);
  ::close(full);
}

TEST(socket_stack, oversize_datagrams_are_dropped_and_counted) {
  socket_stack_options o;
  o.max_datagram = 100;
  socket_stack_env env(o);
  auto a = env.stack->udp_bind(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  auto b = env.stack->udp_bind(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(run(*env.loop, b->send_to(a->local(), stack_text(std::string(101, 'x')))));
  ASSERT_OK(run(*env.loop, b->send_to(a->local(), stack_text(std::string(100, 'y')))));
  auto d = run(*env.loop, a->receive());
  ASSERT_OK(d);
  EXPECT_EQ(d->payload.text(), std::string(100, 'y'));
  EXPECT_EQ(env.stack->stats().udp_drops, 1U);
  // Another family than the socket's is refused before the kernel sees it.
  EXPECT_ERRC(run(*env.loop, b->send_to(*ip_endpoint::parse("[::1]:9"), stack_text("x"))),
              errc::invalid_argument);
}

// --- endpoints (net/endpoint.hpp, used by every stack) -------------------

TEST(ip_endpoint, parses_and_prints_both_families) {
  auto v4 = ip_endpoint::parse("192.0.2.1:80");
  ASSERT_OK(v4);
  EXPECT_TRUE(v4->addr.is_v4());
  EXPECT_EQ(v4->addr.v4(), net::ipv4_addr(192, 0, 2, 1));
  EXPECT_EQ(v4->port.value(), 80);
  EXPECT_EQ(v4->text().view(), "192.0.2.1:80");
  auto v6 = ip_endpoint::parse("[2001:db8::1]:65535");
  ASSERT_OK(v6);
  EXPECT_TRUE(v6->addr.is_v6());
  EXPECT_EQ(v6->addr.v6(), *net::ipv6_addr::parse("2001:db8::1"));
  EXPECT_EQ(v6->port.value(), 65535);
  EXPECT_EQ(v6->text().view(), "[2001:db8::1]:65535");
  auto mapped = ip_endpoint::parse("[::ffff:192.0.2.1]:1");
  ASSERT_OK(mapped);
  EXPECT_EQ(mapped->text().view(), "[::ffff:192.0.2.1]:1");
}

TEST(ip_endpoint, rejects_malformed_text) {
  for (const char* bad : {"", "192.0.2.1", "192.0.2.1:", "192.0.2.1:65536", "2001:db8::1:80",
                          "[2001:db8::1]", "[2001:db8::1]80", "[192.0.2.1]:80", "[::1:80",
                          "host:80", "192.0.2.1:-1", "[fe80::1%eth0]:80"}) {
    SCOPED_TRACE(bad);
    EXPECT_ERRC(ip_endpoint::parse(bad), errc::invalid_argument);
  }
}

TEST(ip_addr, families_compare_and_order) {
  const ip_addr a = net::ipv4_addr(10, 0, 0, 1);
  const ip_addr b = *net::ipv6_addr::parse("::a00:1");  // same bits, other family
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);  // IPv4 first
  EXPECT_EQ(a, *ip_addr::parse("10.0.0.1"));
  EXPECT_TRUE(ip_addr::loopback(ip_family::v6).is_loopback());
  EXPECT_TRUE(ip_addr::any(ip_family::v4).is_unspecified());
  EXPECT_TRUE(ip_addr().is_v4());
  EXPECT_EQ(b.text().view(), "::a00:1");
}

// --- the sandbox ---------------------------------------------------------

struct no_arg {};

task<result<std::string>> serve_one(socket_stack::listener& l) {
  auto f = co_await l.accept();
  if (!f) co_return f.error();
  std::vector<std::byte> got;
  auto r = co_await read_all(*f, got, 1 << 16);
  if (!r) co_return r.error();
  auto w = co_await f->write(stack_text("sealed and serving"));
  if (!w) co_return w.error();
  co_return conformance::text(got);
}

void sandboxed_server(int out, const no_arg&) {
  socket_stack_env env;
  auto l = env.stack->listen(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  if (!l) return say(out, "listen", std::string(l.error().message()));
  sandbox_policy policy;
  policy.allow_sockets().require_landlock(false);
  auto sealed = policy.apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  if (!sealed) return;
  say(out, "port", std::to_string(l->local().port.value()));
  auto got = run(*env.loop, serve_one(*l));
  say(out, "served", got ? *got : "error: " + std::string(got.error().message()));
  // New sockets after sealing: the stack can still listen, connect (to
  // itself), exchange bytes, reset, and use UDP.
  auto inner = run(*env.loop, pair_on(*env.stack));
  say(out, "connect_after_seal", inner ? "ok" : std::string(inner.error().message()));
  if (!inner) return;
  auto w = run(*env.loop, inner->second.write(stack_text("inside")));
  auto r = run(*env.loop, inner->first.read());
  say(out, "inner_bytes", w && r ? std::string(r->text()) : "error");
  inner->first.abort();
  auto reset = run(*env.loop, inner->second.read());
  say(out, "inner_reset", !reset && reset.error() == errc::connection_reset ? "ok" : "other");
  auto u = env.stack->udp_bind(ip_endpoint{ip_addr::loopback(ip_family::v4), {}});
  if (!u) return say(out, "udp_after_seal", std::string(u.error().message()));
  auto sent = run(*env.loop, u->send_to(u->local(), stack_text("self")));
  auto d = run(*env.loop, u->receive());
  say(out, "udp_after_seal", sent && d ? std::string(d->payload.text()) : "error");
}

TEST(socket_stack, a_sandboxed_process_still_accepts_connections) {
  // The child reports its port first; the parent connects as a Linux client.
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    sandboxed_server(fds[1], no_arg{});
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char chunk[256];
  std::string port;
  while (port.empty()) {
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    const auto at = text.find("port=");
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      port = text.substr(at + 5, text.find('\n', at) - at - 5);
    }
  }
  ASSERT_FALSE(port.empty()) << text;
  const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
  ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  ASSERT_EQ(::write(c, "hello sandbox", 13), 13);
  ::shutdown(c, SHUT_WR);
  std::string reply;
  for (;;) {
    const ssize_t n = ::read(c, chunk, sizeof chunk);
    if (n <= 0) break;
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(c);
  for (;;) {
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
  EXPECT_NE(text.find("apply=ok\n"), std::string::npos) << text;
  EXPECT_NE(text.find("served=hello sandbox\n"), std::string::npos) << text;
  EXPECT_NE(text.find("connect_after_seal=ok\n"), std::string::npos) << text;
  EXPECT_NE(text.find("inner_bytes=inside\n"), std::string::npos) << text;
  EXPECT_NE(text.find("inner_reset=ok\n"), std::string::npos) << text;
  EXPECT_NE(text.find("udp_after_seal=self\n"), std::string::npos) << text;
  EXPECT_EQ(reply, "sealed and serving");
}

}  // namespace
}  // namespace atl::unix_target
