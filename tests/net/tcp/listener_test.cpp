// listener: backlog, accept and SYN cookies, through tcp_wire.
#include "tcp_wire.hpp"
#include <atoll/net/tcp/listener.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace atl::net::tcp {
namespace {

using test::tcp_wire;
using namespace std::chrono_literals;

flow_id client_flow(std::uint16_t i) {
  return flow_id(ipv4_addr(10, 0, 0, 1), port(static_cast<std::uint16_t>(3000 + i)),
                 ipv4_addr(10, 0, 0, 2), port(2000));
}

struct tcp_listener : ::testing::Test {
  tcp_wire wire;
  listener_config lconfig;
  connection_config cconfig;
  std::unique_ptr<listener> server;
  std::vector<std::unique_ptr<connection>> clients;
  std::vector<std::unique_ptr<connection>> accepted;

  void start() {
    for (std::size_t i = 0; i < lconfig.secret.key.size(); ++i) {
      lconfig.secret.key[i] = std::byte{static_cast<std::uint8_t>(i * 7 + 1)};
    }
    server = std::make_unique<listener>(lconfig, wire.sink(1));
    wire.attach(nullptr, nullptr);
    wire.attach_listener(server.get());
  }
  connection& connect(std::uint16_t i) {
    clients.push_back(std::make_unique<connection>(cconfig, client_flow(i), wire.sink(0)));
    wire.add(0, clients.back().get());
    EXPECT_TRUE(clients.back()->connect(1000U * i + 1, wire.now));
    return *clients.back();
  }
  void accept_all() {
    while (auto c = server->accept()) {
      wire.add(1, c.get());
      accepted.push_back(std::move(c));
    }
  }
};

std::vector<std::byte> bytes_of(std::size_t n, std::uint8_t seed) {
  std::vector<std::byte> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::byte{static_cast<std::uint8_t>(i * 31 + seed)};
  return out;
}

// Sends `data` from `from` to `to`, returns what arrived.
std::vector<std::byte> send_all(tcp_wire& wire, connection& from, connection& to,
                                const std::vector<std::byte>& data) {
  std::vector<std::byte> got;
  std::size_t written = 0;
  std::vector<std::byte> chunk(8192);
  const mono_time end = wire.now + 60s;
  while (got.size() < data.size()) {
    if (written < data.size()) {
      auto n = from.write(std::span(data).subspan(written), wire.now);
      if (!n) break;
      written += *n;
    }
    auto r = to.read(chunk, wire.now);
    if (!r) break;
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*r));
    if (*r == 0 && !wire.step(end)) break;
  }
  return got;
}

TEST_F(tcp_listener, accepts_a_connection) {
  start();
  connection& c = connect(1);
  EXPECT_FALSE(server->acceptable());
  wire.run_for(100ms);
  EXPECT_EQ(c.state(), tcp_state::established);
  ASSERT_TRUE(server->acceptable());
  accept_all();
  ASSERT_EQ(accepted.size(), 1U);
  connection& s = *accepted[0];
  EXPECT_EQ(s.state(), tcp_state::established);
  EXPECT_EQ(s.id(), client_flow(1).reversed());
  EXPECT_TRUE(s.timestamps_on());
  EXPECT_EQ(server->stats().cookies_sent, 0U);
  auto data = bytes_of(50000, 1);
  EXPECT_EQ(send_all(wire, c, s, data), data);
  EXPECT_EQ(send_all(wire, s, c, data), data);
}

TEST_F(tcp_listener, full_syn_queue_answers_with_cookies) {
  lconfig.syn_backlog = 2;
  lconfig.accept_backlog = 16;
  start();
  for (std::uint16_t i = 0; i < 6; ++i) connect(i);
  // All six SYNs arrive before any handshake completes.
  wire.run_for(100ms);
  EXPECT_EQ(server->stats().syns, 6U);
  EXPECT_EQ(server->stats().cookies_sent, 4U);
  EXPECT_EQ(server->stats().cookies_accepted, 4U);
  EXPECT_EQ(server->half_open(), 0U);
  EXPECT_EQ(server->completed(), 6U);
  accept_all();
  ASSERT_EQ(accepted.size(), 6U);
  for (auto& c : clients) EXPECT_EQ(c->state(), tcp_state::established);
  // A cookie connection carries data both ways; it has no timestamps.
  connection& cookie_client = *clients[5];
  connection* cookie_server = nullptr;
  for (auto& s : accepted) {
    if (s->id() == cookie_client.id().reversed()) cookie_server = s.get();
  }
  ASSERT_NE(cookie_server, nullptr);
  EXPECT_FALSE(cookie_server->timestamps_on());
  EXPECT_FALSE(cookie_client.timestamps_on());
  EXPECT_EQ(cookie_server->send_mss(), 1460U);
  auto data = bytes_of(200000, 2);
  EXPECT_EQ(send_all(wire, cookie_client, *cookie_server, data), data);
  EXPECT_EQ(send_all(wire, *cookie_server, cookie_client, data), data);
}

TEST_F(tcp_listener, cookie_ack_carrying_data_delivers_it) {
  lconfig.syn_backlog = 0;  // every SYN gets a cookie
  start();
  connection& c = connect(1);
  // Queued before the handshake: it rides on the ACK that completes it.
  auto early = bytes_of(300, 3);
  auto n = c.write(early, wire.now);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, early.size());
  wire.run_for(100ms);
  EXPECT_EQ(server->stats().cookies_accepted, 1U);
  const auto first_data = std::find_if(wire.log.begin(), wire.log.end(),
                                       [](const auto& s) { return s.from == 0 && s.payload > 0; });
  ASSERT_NE(first_data, wire.log.end());
  EXPECT_EQ(first_data - wire.log.begin(), 2);  // SYN, SYN-ACK, then ACK with data
  accept_all();
  ASSERT_EQ(accepted.size(), 1U);
  std::vector<std::byte> got(1000);
  auto r = accepted[0]->read(got, wire.now);
  ASSERT_TRUE(r);
  ASSERT_EQ(*r, early.size());
  EXPECT_TRUE(std::equal(early.begin(), early.end(), got.begin()));
}

TEST_F(tcp_listener, forged_cookie_is_refused) {
  lconfig.syn_backlog = 0;  // every SYN gets a cookie
  start();
  tcp_repr ack;
  ack.src_port = port(4000);
  ack.dst_port = port(2000);
  ack.seq = 1001;
  ack.ack = 0xdeadbeef;
  ack.flags = tcp_flags(tcp_flags::ack);
  ack.window = 1000;
  const flow_id flow = client_flow(1000).reversed();
  wire.inject(1, flow, ack);
  EXPECT_EQ(server->stats().cookies_rejected, 1U);
  EXPECT_EQ(server->completed(), 0U);
  ASSERT_EQ(wire.log.size(), 1U);
  EXPECT_TRUE(wire.log[0].header.flags.has(tcp_flags::rst));
  EXPECT_EQ(wire.log[0].header.seq, 0xdeadbeefU);
  // A real cookie for another flow does not open this one either.
  tcp_repr syn;
  syn.src_port = port(4001);
  syn.dst_port = port(2000);
  syn.seq = 5000;
  syn.flags = tcp_flags(tcp_flags::syn);
  syn.window = 1000;
  wire.inject(1, client_flow(1001).reversed(), syn);
  ASSERT_EQ(server->stats().cookies_sent, 1U);
  const std::uint32_t cookie = wire.log.back().header.seq;
  ack.seq = 5001;
  ack.ack = cookie + 1;
  wire.inject(1, flow, ack);  // wrong 4-tuple
  EXPECT_EQ(server->stats().cookies_rejected, 2U);
  ack.src_port = port(4001);
  wire.inject(1, client_flow(1001).reversed(), ack);  // the right one
  EXPECT_EQ(server->stats().cookies_accepted, 1U);
  EXPECT_EQ(server->completed(), 1U);
}

TEST_F(tcp_listener, stale_cookie_is_refused) {
  lconfig.syn_backlog = 0;
  start();
  tcp_repr syn;
  syn.src_port = port(4001);
  syn.dst_port = port(2000);
  syn.seq = 5000;
  syn.flags = tcp_flags(tcp_flags::syn);
  const flow_id flow = client_flow(1001).reversed();
  wire.inject(1, flow, syn);
  const std::uint32_t cookie = wire.log.back().header.seq;
  wire.now += 10min;
  tcp_repr ack;
  ack.src_port = port(4001);
  ack.dst_port = port(2000);
  ack.seq = 5001;
  ack.ack = cookie + 1;
  ack.flags = tcp_flags(tcp_flags::ack);
  wire.inject(1, flow, ack);
  EXPECT_EQ(server->stats().cookies_rejected, 1U);
  EXPECT_EQ(server->completed(), 0U);
}

TEST_F(tcp_listener, without_cookies_a_full_queue_drops_syns) {
  lconfig.syn_backlog = 2;
  lconfig.syn_cookies = false;
  start();
  for (std::uint16_t i = 0; i < 4; ++i) connect(i);
  wire.run_for(100ms);
  EXPECT_EQ(server->stats().dropped_backlog, 2U);
  EXPECT_EQ(server->completed(), 2U);
  // The dropped clients retry their SYN after a second and get in.
  wire.run_for(2s);
  EXPECT_EQ(server->completed(), 4U);
}

TEST_F(tcp_listener, full_accept_queue_holds_the_handshake) {
  lconfig.accept_backlog = 1;
  lconfig.syn_backlog = 8;
  start();
  for (std::uint16_t i = 0; i < 3; ++i) connect(i);
  wire.run_for(100ms);
  EXPECT_EQ(server->completed(), 1U);
  EXPECT_EQ(server->half_open(), 2U);
  EXPECT_GT(server->stats().dropped_backlog, 0U);
  // Accepting makes room; the SYN-ACK retransmissions finish the others.
  for (int round = 0; round < 10 && accepted.size() < 3; ++round) {
    accept_all();
    wire.run_for(5s);
  }
  accept_all();
  EXPECT_EQ(accepted.size(), 3U);
}

TEST_F(tcp_listener, ack_to_listener_without_connection_is_reset) {
  lconfig.syn_cookies = false;
  start();
  tcp_repr ack;
  ack.src_port = port(4000);
  ack.dst_port = port(2000);
  ack.seq = 1;
  ack.ack = 77;
  ack.flags = tcp_flags(tcp_flags::ack);
  wire.inject(1, client_flow(1000).reversed(), ack);
  ASSERT_EQ(wire.log.size(), 1U);
  EXPECT_EQ(wire.log[0].header.flags, tcp_flags(tcp_flags::rst));
  EXPECT_EQ(wire.log[0].header.seq, 77U);
}

}  // namespace
}  // namespace atl::net::tcp
