// stack_conformance: the stack contract (net/include/atoll/net/stack.hpp) as
// a typed GoogleTest suite over any stack, given a factory.
//
// Factory:
//   using stack_type = ...;                       // meets atl::net::stack
//   atl::engine& loop();                          // the engine the stacks run on
//   std::array<stack_type*, 2> make_pair();       // a server and a client stack
//       (they may be one object); {nullptr, nullptr} after reporting a
//       failure, or after GTEST_SKIP when the suite cannot run here
//   bool has_family(atl::net::ip_family);         // the pair can talk over it
//   atl::net::ip_addr server_address(atl::net::ip_family);  // where the client
//       reaches the server stack
//   std::size_t buffer_bound();                   // the most bytes a flow may take
//       from a writer whose peer does not read (both sides' buffers)
//   std::size_t read_chunk();                     // the most bytes one read() returns
//
// Every operation is awaited for at most ten seconds of the engine's time, so
// a stack that hangs fails instead of stopping the suite. An implementation
// runs it with
//   INSTANTIATE_TYPED_TEST_SUITE_P(my_stack, stack_conformance, ::testing::Types<my_factory>);
#pragma once

#include "../../devices/conformance/harness.hpp"
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/stack.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace atl::conformance {

using namespace std::chrono_literals;
using net::ip_endpoint;
using net::ip_family;

inline constexpr duration stack_op_limit = 10s;

/// stack_bufs(bytes, pieces): the bytes as up to `pieces` bufs of uneven sizes.
inline bufs stack_bufs(std::span<const std::byte> bytes, std::size_t pieces = 3) {
  bufs out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < pieces && at < bytes.size(); ++i) {
    const std::size_t left = bytes.size() - at;
    const std::size_t take = i + 1 == pieces ? left : std::min(left, 1 + (left * (i + 1)) / 7);
    auto piece = buf::copy_of(bytes.subspan(at, take));
    EXPECT_TRUE(piece);
    EXPECT_TRUE(out.push_back(std::move(*piece)));
    at += take;
  }
  return out;
}

inline bufs stack_text(std::string_view text) { return stack_bufs(as_bytes(text), 2); }

/// read_all(f, out, limit, chunk): reads until EOF (or `limit` bytes) into
/// out; a read of more than `chunk` bytes is an error.
template <net::byte_flow F>
task<result<void>> read_all(F& f, std::vector<std::byte>& out, std::size_t limit,
                            std::size_t chunk = static_cast<std::size_t>(-1)) {
  while (out.size() < limit) {
    auto got = co_await f.read();
    if (!got) co_return got.error();
    if (got->empty()) co_return ok();
    if (got->size() > chunk) {
      co_return error(errc::limit_exceeded, "a read of ", got->size(), " bytes, over ", chunk);
    }
    const auto b = got->bytes();
    out.insert(out.end(), b.begin(), b.end());
  }
  co_return ok();
}

/// read_exactly(f, n): n bytes, as text; errc::eof when the peer ends first.
template <net::tcp_flow F>
task<result<std::string>> read_exactly(F& f, std::size_t n) {
  std::vector<std::byte> got;
  auto r = co_await read_all(f, got, n);
  if (!r) co_return r.error();
  if (got.size() < n) co_return error(errc::eof, "EOF after ", got.size(), " of ", n, " bytes");
  co_return text(got);
}

/// write_pattern(f, total, seed, shut): writes `total` pattern bytes in writes
/// of varied sizes and segment counts, then shuts down when `shut`.
template <net::tcp_flow F>
task<result<void>> write_pattern(F& f, std::size_t total, unsigned seed, bool shut) {
  const auto data = pattern(total, seed);
  std::size_t at = 0;
  for (std::size_t i = 0; at < total; ++i) {
    const std::size_t size = std::min(total - at, std::size_t{1000} + (i * 7919) % 70000);
    auto w = co_await f.write(stack_bufs(std::span(data).subspan(at, size), 1 + i % 4));
    if (!w) co_return w.error();
    at += size;
  }
  if (!shut) co_return ok();
  auto done = co_await f.shutdown();
  co_return done;
}

/// flow_pair: a connected client flow and the server's flow of it.
template <net::stack S>
struct flow_pair {
  typename S::flow_type server;
  typename S::flow_type client;
};

template <net::stack S>
task<result<flow_pair<S>>> connect_pair(S& server, S& client, net::ip_addr at) {
  auto l = server.listen(ip_endpoint{at, net::port(0)});
  if (!l) co_return l.error();
  auto [accepted, connected] = co_await all(l->accept(), client.connect(l->local()));
  if (!accepted) co_return accepted.error();
  if (!connected) co_return connected.error();
  co_return flow_pair<S>{std::move(*accepted), std::move(*connected)};
}

template <class Factory>
class stack_conformance : public ::testing::Test {
public:  // the check_* helpers below reach into the fixture
  using stack_type = typename Factory::stack_type;
  using flow_type = typename stack_type::flow_type;
  using pair_type = flow_pair<stack_type>;

protected:
  void SetUp() override {
    auto made = factory_.make_pair();
    server_ = made[0];
    client_ = made[1];
    if (server_ == nullptr) GTEST_SKIP() << "no stacks here";
  }

public:
  engine& loop() { return factory_.loop(); }
  template <class T>
  result<T> run(task<result<T>> t) {
    return loop().run(with_timeout(loop(), stack_op_limit, std::move(t)));
  }
  /// pair(family): a connected flow pair, or a failure reported.
  result<pair_type> pair(ip_family f) {
    return run(connect_pair(*server_, *client_, factory_.server_address(f)));
  }
  bool skip_without(ip_family f) {
    if (factory_.has_family(f)) return false;
    return true;
  }

  Factory factory_;
  stack_type* server_ = nullptr;
  stack_type* client_ = nullptr;
};

TYPED_TEST_SUITE_P(stack_conformance);

template <net::tcp_flow F>
task<result<std::string>> say_and_hear(F& speaker, F& listener, std::string message) {
  auto w = co_await speaker.write(stack_text(message));
  if (!w) co_return w.error();
  auto heard = co_await read_exactly(listener, message.size());
  co_return heard;
}

template <class Fixture>
void check_connect(Fixture& t, ip_family f) {
  auto p = t.pair(f);
  ASSERT_OK(p);
  EXPECT_EQ(p->client.remote(), p->server.local());
  EXPECT_EQ(p->server.remote(), p->client.local());
  EXPECT_EQ(p->client.remote().addr, t.factory_.server_address(f));
  EXPECT_NE(p->client.local().port.value(), 0);
  auto heard = t.run(say_and_hear(p->client, p->server, "hello server"));
  ASSERT_OK(heard);
  EXPECT_EQ(*heard, "hello server");
  heard = t.run(say_and_hear(p->server, p->client, "hello client"));
  ASSERT_OK(heard);
  EXPECT_EQ(*heard, "hello client");
}

TYPED_TEST_P(stack_conformance, listen_accept_connect_v4) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  check_connect(*this, ip_family::v4);
}

TYPED_TEST_P(stack_conformance, listen_accept_connect_v6) {
  if (this->skip_without(ip_family::v6)) GTEST_SKIP() << "no IPv6";
  check_connect(*this, ip_family::v6);
}

template <net::tcp_flow F>
task<result<std::vector<std::byte>>> exchange(F& self, std::size_t total, unsigned seed,
                                              std::size_t chunk) {
  std::vector<std::byte> got;
  auto [w, r] =
      co_await all(write_pattern(self, total, seed, true), read_all(self, got, total + 1, chunk));
  if (!w) co_return w.error();
  if (!r) co_return r.error();
  co_return got;
}

/// The bytes each way in the bulk tests.
inline constexpr std::size_t bulk_size = std::size_t{1} << 20;

template <class Fixture>
void check_bulk(Fixture& t, ip_family f) {
  auto p = t.pair(f);
  ASSERT_OK(p);
  // Both directions at once: 1 MiB each way, then EOF each way.
  auto both = t.run([](flow_pair<typename Fixture::stack_type>& fp,
                       std::size_t chunk) -> task<result<std::vector<std::byte>>> {
    auto [a, b] = co_await all(exchange(fp.client, bulk_size, 1, chunk),
                               exchange(fp.server, bulk_size, 2, chunk));
    if (!a) co_return a.error();
    if (!b) co_return b.error();
    if (*a != pattern(bulk_size, 2)) co_return error(errc::corrupt, "client got other bytes");
    co_return std::move(*b);
  }(*p, t.factory_.read_chunk()));
  ASSERT_OK(both);
  EXPECT_EQ(both->size(), bulk_size);
  EXPECT_TRUE(*both == pattern(bulk_size, 1)) << "server got other bytes";
}

TYPED_TEST_P(stack_conformance, one_megabyte_each_way_byte_exact_v4) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  check_bulk(*this, ip_family::v4);
}

TYPED_TEST_P(stack_conformance, one_megabyte_each_way_byte_exact_v6) {
  if (this->skip_without(ip_family::v6)) GTEST_SKIP() << "no IPv6";
  check_bulk(*this, ip_family::v6);
}

TYPED_TEST_P(stack_conformance, half_close_lets_the_peer_answer) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  auto p = this->pair(ip_family::v4);
  ASSERT_OK(p);
  ASSERT_OK(this->run(p->client.write(stack_text("question"))));
  ASSERT_OK(this->run(p->client.shutdown()));
  ASSERT_OK(this->run(p->client.shutdown()));  // a second one does nothing
  EXPECT_ERRC(this->run(p->client.write(stack_text("more"))), errc::closed);
  std::vector<std::byte> got;
  ASSERT_OK(this->run(read_all(p->server, got, 1 << 20)));  // up to EOF
  EXPECT_EQ(text(got), "question");
  auto again = this->run(p->server.read());  // EOF stays EOF
  ASSERT_OK(again);
  EXPECT_TRUE(again->empty());
  // The server's side is still open: it answers, and then ends too.
  ASSERT_OK(this->run(p->server.write(stack_text("answer"))));
  ASSERT_OK(this->run(p->server.shutdown()));
  got.clear();
  ASSERT_OK(this->run(read_all(p->client, got, 1 << 20)));
  EXPECT_EQ(text(got), "answer");
}

TYPED_TEST_P(stack_conformance, close_ends_the_flow_for_both_sides) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  auto p = this->pair(ip_family::v4);
  ASSERT_OK(p);
  ASSERT_OK(this->run(p->client.write(stack_text("last words"))));
  p->client.close();
  EXPECT_ERRC(this->run(p->client.read()), errc::closed);
  EXPECT_ERRC(this->run(p->client.write(stack_text("x"))), errc::closed);
  EXPECT_ERRC(this->run(p->client.shutdown()), errc::closed);
  std::vector<std::byte> got;
  ASSERT_OK(this->run(read_all(p->server, got, 1 << 20)));  // data, then EOF
  EXPECT_EQ(text(got), "last words");
}

TYPED_TEST_P(stack_conformance, a_closed_listener_accepts_nothing) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  auto l = this->server_->listen(ip_endpoint{this->factory_.server_address(ip_family::v4), {}});
  ASSERT_OK(l);
  const ip_endpoint where = l->local();
  EXPECT_NE(where.port.value(), 0);
  l->close();
  EXPECT_ERRC(this->run(l->accept()), errc::closed);
  // Nobody listens there any more: the connection is refused, as a value.
  EXPECT_ERRC(this->run(this->client_->connect(where)), errc::refused);
}

TYPED_TEST_P(stack_conformance, connection_refused_is_an_error_value) {
  for (const ip_family f : {ip_family::v4, ip_family::v6}) {
    if (this->skip_without(f)) continue;
    // A port just freed by a UDP socket of the other protocol's sibling: take
    // one the stack chose, then release it, so nothing listens on it.
    auto l = this->server_->listen(ip_endpoint{this->factory_.server_address(f), {}});
    ASSERT_OK(l);
    const ip_endpoint where = l->local();
    l->close();
    EXPECT_ERRC(this->run(this->client_->connect(where)), errc::refused);
  }
  EXPECT_ERRC(this->run(this->client_->connect(
                  ip_endpoint{this->factory_.server_address(ip_family::v4), net::port(0)})),
              errc::invalid_argument);
}

TYPED_TEST_P(stack_conformance, read_after_peer_reset_fails_with_reset) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  auto p = this->pair(ip_family::v4);
  ASSERT_OK(p);
  p->server.abort();
  EXPECT_ERRC(this->run(p->client.read()), errc::connection_reset);
  // Writing into a reset connection fails too (never a signal).
  EXPECT_ERRC(this->run(p->client.write(stack_text("anyone?"))), errc::connection_reset);
}

template <net::udp_socket U>
task<result<net::datagram>> udp_round(U& from, U& to, std::string message) {
  auto sent = co_await from.send_to(to.local(), stack_text(message));
  if (!sent) co_return sent.error();
  auto got = co_await to.receive();
  co_return got;
}

TYPED_TEST_P(stack_conformance, udp_datagrams_both_families) {
  for (const ip_family f : {ip_family::v4, ip_family::v6}) {
    if (this->skip_without(f)) continue;
    SCOPED_TRACE(f == ip_family::v4 ? "v4" : "v6");
    const auto at = this->factory_.server_address(f);
    auto a = this->server_->udp_bind(ip_endpoint{at, {}});
    auto b = this->client_->udp_bind(ip_endpoint{net::ip_addr::any(f), {}});
    ASSERT_OK(a);
    ASSERT_OK(b);
    EXPECT_NE(a->local().port.value(), 0);
    EXPECT_EQ(a->local().addr, at);
    // b -> a: a sees b's port; a answers to where it came from.
    auto got = this->run(udp_round(*b, *a, "ping over udp"));
    ASSERT_OK(got);
    EXPECT_EQ(got->payload.text(), "ping over udp");
    EXPECT_EQ(got->from.port, b->local().port);
    auto reply = this->run(
        [](net::datagram d, decltype(*a)& from, decltype(*b)& to) -> task<result<net::datagram>> {
          auto sent = co_await from.send_to(d.from, stack_text("pong"));
          if (!sent) co_return sent.error();
          auto back = co_await to.receive();
          co_return back;
        }(*got, *a, *b));
    ASSERT_OK(reply);
    EXPECT_EQ(reply->payload.text(), "pong");
    EXPECT_EQ(reply->from, a->local());
    // Several datagrams keep their boundaries.
    for (int i = 0; i < 5; ++i) {
      auto d =
          this->run(udp_round(*b, *a, std::string(static_cast<std::size_t>(100 * i + 1), 'x')));
      ASSERT_OK(d);
      EXPECT_EQ(d->payload.size(), static_cast<std::size_t>(100 * i + 1));
    }
    a->close();
    EXPECT_ERRC(this->run(a->receive()), errc::closed);
  }
}

TYPED_TEST_P(stack_conformance, a_port_in_use_is_an_error_value) {
  for (const ip_family f : {ip_family::v4, ip_family::v6}) {
    if (this->skip_without(f)) continue;
    const auto at = this->factory_.server_address(f);
    auto l = this->server_->listen(ip_endpoint{at, {}});
    ASSERT_OK(l);
    EXPECT_ERRC(this->server_->listen(l->local()), errc::exists);
    auto u = this->server_->udp_bind(ip_endpoint{at, {}});
    ASSERT_OK(u);
    EXPECT_ERRC(this->server_->udp_bind(u->local()), errc::exists);
  }
}

template <net::tcp_flow F>
task<result<void>> echo_once(F f) {
  auto got = co_await f.read();
  if (!got) co_return got.error();
  auto w = co_await f.write(bufs(*got));
  if (!w) co_return w.error();
  auto rest = co_await f.read();  // the client's EOF
  if (!rest) co_return rest.error();
  co_return ok();
}

template <net::stack S>
task<result<void>> accept_and_echo(engine& e, typename S::listener_type& l, std::size_t count) {
  task_set handlers(e, "echo");
  for (std::size_t i = 0; i < count; ++i) {
    auto f = co_await l.accept();
    if (!f) co_return f.error();
    auto spawned = handlers.spawn(echo_once(std::move(*f)));
    if (!spawned) co_return spawned.error();
  }
  co_await handlers.join();
  co_return ok();
}

template <net::stack S>
task<result<void>> connect_and_check(S& s, ip_endpoint to, std::size_t index) {
  auto f = co_await s.connect(to);
  if (!f) co_return f.error();
  const std::string message = "client " + std::to_string(index);
  auto w = co_await f->write(stack_text(message));
  if (!w) co_return w.error();
  auto back = co_await read_exactly(*f, message.size());
  if (!back) co_return back.error();
  if (*back != message) co_return error(errc::corrupt, "client ", index, " got another echo");
  auto done = co_await f->shutdown();
  co_return done;
}

template <net::stack S>
task<result<std::size_t>> many_clients(engine& e, S& server, S& client, net::ip_addr at,
                                       std::size_t count) {
  auto l = server.listen(ip_endpoint{at, {}});
  if (!l) co_return l.error();
  std::vector<task<result<void>>> clients;
  for (std::size_t i = 0; i < count; ++i)
    clients.push_back(connect_and_check(client, l->local(), i));
  auto [served, done] = co_await all(accept_and_echo<S>(e, *l, count), all(std::move(clients)));
  if (!served) co_return served.error();
  std::size_t good = 0;
  for (auto& r : done) {
    if (!r) co_return r.error();
    ++good;
  }
  co_return good;
}

TYPED_TEST_P(stack_conformance, two_hundred_concurrent_connections) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  constexpr std::size_t count = 200;
  auto good = this->run(many_clients(this->loop(), *this->server_, *this->client_,
                                     this->factory_.server_address(ip_family::v4), count));
  ASSERT_OK(good);
  EXPECT_EQ(*good, count);
}

/// fill_until_blocked(e, f, chunk): writes until a write has waited half a
/// second; the bytes whose writes completed.
template <net::tcp_flow F>
task<result<std::size_t>> fill_until_blocked(engine& e, F& f, std::size_t chunk, std::size_t cap) {
  const auto data = pattern(chunk, 7);
  std::size_t taken = 0;
  while (taken < cap) {
    auto w = co_await with_timeout(e, 500ms, f.write(stack_bufs(data, 2)));
    if (!w) {
      if (w.error().code() == errc::timed_out) co_return taken;
      co_return w.error();
    }
    taken += chunk;
  }
  co_return taken;  // never blocked: the caller reports it
}

TYPED_TEST_P(stack_conformance, a_writer_waits_for_a_peer_that_does_not_read) {
  if (this->skip_without(ip_family::v4)) GTEST_SKIP() << "no IPv4";
  auto p = this->pair(ip_family::v4);
  ASSERT_OK(p);
  constexpr std::size_t chunk = std::size_t{64} * 1024;
  const std::size_t bound = this->factory_.buffer_bound();
  auto taken =
      this->loop().run(fill_until_blocked(this->loop(), p->client, chunk, bound + 64 * chunk));
  ASSERT_OK(taken);
  EXPECT_LE(*taken, bound) << "the flow took more than its buffers hold";
  EXPECT_GT(*taken, 0U);
  // Nothing was lost: the reader now gets every byte taken (and at most the
  // part of the cancelled write that was taken before it was cancelled).
  p->client.close();
  std::vector<std::byte> got;
  ASSERT_OK(this->run(read_all(p->server, got, bound + 2 * chunk)));
  EXPECT_GE(got.size(), *taken);
  EXPECT_LE(got.size(), *taken + chunk);
}

REGISTER_TYPED_TEST_SUITE_P(stack_conformance, listen_accept_connect_v4, listen_accept_connect_v6,
                            one_megabyte_each_way_byte_exact_v4,
                            one_megabyte_each_way_byte_exact_v6, half_close_lets_the_peer_answer,
                            close_ends_the_flow_for_both_sides, a_closed_listener_accepts_nothing,
                            connection_refused_is_an_error_value,
                            read_after_peer_reset_fails_with_reset, udp_datagrams_both_families,
                            a_port_in_use_is_an_error_value, two_hundred_concurrent_connections,
                            a_writer_waits_for_a_peer_that_does_not_read);

}  // namespace atl::conformance
