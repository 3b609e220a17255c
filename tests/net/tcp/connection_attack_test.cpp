// connection: RFC 5961 and PAWS against injected segments.
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace atl::net::tcp {
namespace {

using namespace std::chrono_literals;
using test::has;
using test::pattern;
using test::tcp_connection;
using test::tcp_wire;

TEST_F(tcp_connection, paws_drops_an_old_timestamp) {
  open();
  auto data = pattern(1000, 17);
  EXPECT_EQ(transfer(*a, *b, data), data);
  const auto& last = *std::find_if(wire.log.rbegin(), wire.log.rend(),
                                   [](const auto& s) { return s.from == 0 && s.payload > 0; });
  tcp_repr h = last.header;
  h.seq += static_cast<std::uint32_t>(last.payload);
  h.flags = tcp_flags(tcp_flags::ack);
  ASSERT_TRUE(h.timestamps.has_value());
  h.timestamps->value -= 1000;  // older than the last seen
  auto payload = buf::copy_of(std::string_view("stale"));
  h.payload_len = 5;
  const auto dropped = b->stats().dropped;
  wire.inject(1, h, *payload);
  EXPECT_EQ(b->stats().dropped, dropped + 1);
  std::byte tmp[16];
  auto r = b->read(tmp, wire.now);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0U);
  // The same segment with a current timestamp is taken.
  h.timestamps->value += 2000;
  wire.inject(1, h, *payload);
  r = b->read(tmp, wire.now);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 5U);
}

TEST_F(tcp_connection, time_wait_acks_a_retransmitted_fin_and_restarts) {
  open();
  a->shutdown(wire.now);
  wire.run_for(1s);
  // b's FIN was acked; a copy arriving late (as if the ACK had been lost)
  // is acked again and restarts the 2 MSL clock.
  b->shutdown(wire.now);
  wire.run_for(1s);
  ASSERT_EQ(a->state(), tcp_state::time_wait);
  const test::sent_segment fin = *std::find_if(
      wire.log.rbegin(), wire.log.rend(),
      [](const auto& s) { return s.from == 1 && s.header.flags.has(tcp_flags::fin); });
  tcp_repr again = fin.header;
  again.timestamps.reset();
  wire.run_for(30s);
  const std::size_t before = wire.log.size();
  wire.inject(0, again);
  ASSERT_EQ(wire.log.size(), before + 1);
  EXPECT_EQ(wire.log.back().header.ack, fin.header.seq + 1);
  // b, closed by now, answered that ACK with a RST: TIME-WAIT ignores it
  // (RFC 1337).
  wire.run_for(59s);
  EXPECT_EQ(a->state(), tcp_state::time_wait);  // restarted 30 s in
  wire.run_for(2s);
  EXPECT_EQ(a->state(), tcp_state::closed);
}

TEST_F(tcp_connection, transfer_survives_hostile_segments_and_lost_acks) {
  open();
  wire.loss = 0.01;
  std::mt19937 rng(7);
  // Lose 2% of b's pure ACKs too.
  wire.on_send = [&](int from, const tcp_repr&, const buf& p) {
    if (from == 1 && p.empty() && rng() % 50 == 0) return tcp_wire::verdict::drop;
    return tcp_wire::verdict::pass;
  };
  auto data = pattern(1 << 20, 18);
  std::vector<std::byte> got;
  std::size_t written = 0;
  std::vector<std::byte> chunk(16384);
  const mono_time end = wire.now + 600s;
  std::uint64_t injected = 0;
  while (got.size() < data.size() && wire.now < end) {
    if (written < data.size()) {
      auto n = a->write(std::span(data).subspan(written), wire.now);
      ASSERT_TRUE(n);
      written += *n;
    }
    auto r = b->read(chunk, wire.now);
    ASSERT_TRUE(r);
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*r));
    // A blind attacker: random sequence, acknowledgment, flags and payload.
    tcp_repr h;
    h.src_port = port(1000);
    h.dst_port = port(2000);
    h.seq = static_cast<std::uint32_t>(rng());
    h.ack = static_cast<std::uint32_t>(rng());
    h.flags = tcp_flags(static_cast<std::uint8_t>(rng()));
    h.window = static_cast<std::uint16_t>(rng());
    const std::size_t len = rng() % 64;
    auto junk = buf::allocate(len);
    ASSERT_TRUE(junk);
    h.payload_len = static_cast<std::uint16_t>(len);
    wire.inject(1, h, *junk);
    ++injected;
    if (*r == 0 && !wire.step(end)) break;
  }
  EXPECT_GT(injected, 1000U);
  EXPECT_TRUE(got == data);
  EXPECT_EQ(b->state(), tcp_state::established);
  EXPECT_GT(b->stats().dropped, 0U);
}

// --- Closing --------------------------------------------------------------------------

struct tcp_injection : tcp_connection {
  // A segment from a to b, as a would send it now.
  tcp_repr from_a() const {
    tcp_repr h;
    h.src_port = port(1000);
    h.dst_port = port(2000);
    const auto& last = *std::find_if(wire.log.rbegin(), wire.log.rend(),
                                     [](const auto& s) { return s.from == 0; });
    h.seq = last.header.seq;
    h.ack = last.header.ack;
    h.window = 1000;
    return h;
  }
};

TEST_F(tcp_injection, rst_in_window_draws_challenge_ack) {
  open();
  const std::size_t before = wire.log.size();
  tcp_repr h = from_a();
  h.seq += 100;
  h.flags = tcp_flags(tcp_flags::rst);
  wire.inject(1, h);
  EXPECT_EQ(b->state(), tcp_state::established);
  ASSERT_EQ(wire.log.size(), before + 1);
  EXPECT_EQ(wire.log.back().header.flags, tcp_flags(tcp_flags::ack));
  EXPECT_EQ(b->stats().challenge_acks, 1U);
  // The real a answers nothing it should not: the connection still works.
  auto data = pattern(1000, 12);
  EXPECT_EQ(transfer(*a, *b, data), data);
}

TEST_F(tcp_injection, exact_rst_resets) {
  open();
  tcp_repr h = from_a();
  h.flags = tcp_flags(tcp_flags::rst);
  wire.inject(1, h);
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(b->error(), errc::connection_reset);
  EXPECT_TRUE(b->readable());
  std::byte tmp[4];
  auto r = b->read(tmp, wire.now);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::connection_reset);
}

TEST_F(tcp_injection, rst_outside_window_is_ignored) {
  open();
  const std::size_t before = wire.log.size();
  tcp_repr h = from_a();
  h.seq += 0x40000000U;
  h.flags = tcp_flags(tcp_flags::rst);
  wire.inject(1, h);
  EXPECT_EQ(b->state(), tcp_state::established);
  EXPECT_EQ(wire.log.size(), before);
}

TEST_F(tcp_injection, blind_syn_draws_challenge_ack) {
  open();
  const std::size_t before = wire.log.size();
  tcp_repr h = from_a();
  h.seq += 12345;
  h.flags = tcp_flags(tcp_flags::syn);
  wire.inject(1, h);
  EXPECT_EQ(b->state(), tcp_state::established);
  ASSERT_EQ(wire.log.size(), before + 1);
  EXPECT_EQ(wire.log.back().header.flags, tcp_flags(tcp_flags::ack));
  // The challenge ACK lets the real peer reset if it had restarted; here
  // it is a plain duplicate ACK and nothing changes.
  wire.run_for(1s);
  EXPECT_EQ(a->state(), tcp_state::established);
}

TEST_F(tcp_injection, unacceptable_ack_draws_challenge_ack_and_data_is_dropped) {
  open();
  tcp_repr h = from_a();
  h.ack += 0x10000000U;  // acknowledges data never sent
  h.flags = tcp_flags(tcp_flags::ack);
  auto payload = buf::copy_of(std::string_view("evil"));
  ASSERT_TRUE(payload);
  h.payload_len = 4;
  wire.inject(1, h, *payload);
  EXPECT_EQ(b->stats().challenge_acks, 1U);
  std::byte tmp[8];
  auto r = b->read(tmp, wire.now);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0U);
}

TEST_F(tcp_injection, challenge_acks_are_rate_limited) {
  config_b.challenge_acks_per_second = 5;
  open();
  tcp_repr h = from_a();
  h.seq += 100;
  h.flags = tcp_flags(tcp_flags::rst);
  for (int i = 0; i < 50; ++i) wire.inject(1, h);
  EXPECT_EQ(b->stats().challenge_acks, 5U);
  EXPECT_EQ(b->stats().challenge_acks_suppressed, 45U);
  wire.run_for(1100ms);
  wire.inject(1, h);
  EXPECT_EQ(b->stats().challenge_acks, 6U);
}

TEST_F(tcp_connection, syn_sent_takes_only_a_rst_that_acks_its_syn) {
  make();
  wire.on_send = [](int, const tcp_repr&, const buf&) { return tcp_wire::verdict::drop; };
  ASSERT_TRUE(a->connect(1000, wire.now));
  tcp_repr rst;
  rst.src_port = port(2000);
  rst.dst_port = port(1000);
  rst.flags = tcp_flags(tcp_flags::rst | tcp_flags::ack);
  rst.ack = 5000;  // not our SYN's
  wire.inject(0, rst);
  EXPECT_EQ(a->state(), tcp_state::syn_sent);
  rst.flags = tcp_flags(tcp_flags::rst);  // no ACK at all
  wire.inject(0, rst);
  EXPECT_EQ(a->state(), tcp_state::syn_sent);
  rst.flags = tcp_flags(tcp_flags::rst | tcp_flags::ack);
  rst.ack = 1001;
  wire.inject(0, rst);
  EXPECT_EQ(a->state(), tcp_state::closed);
  EXPECT_EQ(a->error(), errc::refused);
}

TEST_F(tcp_connection, syn_sent_answers_a_bad_ack_with_rst) {
  make();
  wire.on_send = [](int, const tcp_repr& h, const buf&) {
    return h.flags.has(tcp_flags::syn) ? tcp_wire::verdict::drop : tcp_wire::verdict::pass;
  };
  ASSERT_TRUE(a->connect(1000, wire.now));
  tcp_repr synack;
  synack.src_port = port(2000);
  synack.dst_port = port(1000);
  synack.seq = 77;
  synack.ack = 9999;  // acknowledges something never sent
  synack.flags = tcp_flags(tcp_flags::syn | tcp_flags::ack);
  wire.inject(0, synack);
  EXPECT_EQ(a->state(), tcp_state::syn_sent);
  ASSERT_FALSE(wire.log.empty());
  EXPECT_EQ(wire.log.back().header.flags, tcp_flags(tcp_flags::rst));
  EXPECT_EQ(wire.log.back().header.seq, 9999U);
}

}  // namespace
}  // namespace atl::net::tcp
