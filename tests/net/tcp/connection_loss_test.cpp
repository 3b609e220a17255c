// connection: retransmission, RTT, fast retransmit and recovery.
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace atl::net::tcp {
namespace {

using namespace std::chrono_literals;
using test::has;
using test::pattern;
using test::tcp_connection;
using test::tcp_wire;

TEST_F(tcp_connection, retransmission_timeouts_double) {
  config_a.retries = 5;
  open();
  wire.run_for(10s);
  wire.on_send = [](int from, const tcp_repr&, const buf& p) {
    return from == 0 && !p.empty() ? tcp_wire::verdict::drop : tcp_wire::verdict::pass;
  };
  const mono_time start = wire.now;
  ASSERT_TRUE(a->write(pattern(100, 1), wire.now));
  wire.run_for(600s);
  std::vector<duration> gaps;
  mono_time prev = start;
  for (const auto& s : wire.log) {
    if (s.from == 0 && s.payload > 0) {
      gaps.push_back(s.at - prev);
      prev = s.at;
    }
  }
  ASSERT_EQ(gaps.size(), 6U);  // the first send and five retries
  EXPECT_EQ(gaps[0], 0s);
  const duration rto0 = gaps[1];
  EXPECT_GE(rto0, 200ms);
  EXPECT_LE(rto0, 1s);
  for (std::size_t i = 2; i < gaps.size(); ++i) EXPECT_EQ(gaps[i], 2 * gaps[i - 1]) << i;
  EXPECT_EQ(a->state(), tcp_state::closed);
  EXPECT_EQ(a->error(), errc::timed_out);
}

class tcp_rtt : public tcp_connection, public ::testing::WithParamInterface<bool> {};

TEST_P(tcp_rtt, rto_follows_the_measured_round_trip) {
  config_a.timestamps = GetParam();
  wire.delay = 150ms;  // RTT 300 ms
  open();
  EXPECT_EQ(a->timestamps_on(), GetParam());
  auto data = pattern(300000, 19);
  EXPECT_TRUE(transfer(*a, *b, data) == data);
  // RFC 6298: SRTT near 300 ms, RTO = SRTT + 4 RTTVAR, below the initial 1 s.
  EXPECT_GT(a->rto(), 300ms);
  EXPECT_LT(a->rto(), 1s);
}

INSTANTIATE_TEST_SUITE_P(timestamps, tcp_rtt, ::testing::Bool());

TEST_F(tcp_connection, fast_retransmit_after_three_duplicate_acks) {
  config_a.congestion = congestion_algorithm::newreno;
  open();
  // Lose the first data segment once; send enough behind it.
  bool dropped = false;
  wire.on_send = [&](int from, const tcp_repr&, const buf& p) {
    if (from == 0 && !p.empty() && !dropped) {
      dropped = true;
      return tcp_wire::verdict::drop;
    }
    return tcp_wire::verdict::pass;
  };
  auto data = pattern(10 * 1448, 10);
  const mono_time start = wire.now;
  auto got = transfer(*a, *b, data, 60s);
  EXPECT_TRUE(got == data);
  EXPECT_EQ(a->stats().fast_retransmits, 1U);
  EXPECT_EQ(a->stats().timeouts, 0U);
  EXPECT_LT(wire.now - start, 200ms);  // well before any RTO
  const auto dup_acks =
      wire.count(1, [&](const auto& s) { return s.payload == 0 && s.header.sack_count > 0; });
  EXPECT_GE(dup_acks, 3U);
}

class tcp_two_losses : public tcp_connection, public ::testing::WithParamInterface<bool> {};

TEST_P(tcp_two_losses, in_one_window_recover_without_a_timeout) {
  config_a.sack = GetParam();
  config_a.congestion = congestion_algorithm::newreno;
  open();
  // Open the congestion window first.
  auto warm = pattern(200000, 13);
  ASSERT_TRUE(transfer(*a, *b, warm) == warm);
  wire.run_for(10ms);
  // Then lose the 2nd and 5th segments of the next burst.
  int data_seen = 0;
  wire.on_send = [&](int from, const tcp_repr&, const buf& p) {
    if (from != 0 || p.empty()) return tcp_wire::verdict::pass;
    ++data_seen;
    return data_seen == 2 || data_seen == 5 ? tcp_wire::verdict::drop : tcp_wire::verdict::pass;
  };
  const auto before = a->stats();
  auto data = pattern(20 * 1448, 14);
  EXPECT_TRUE(transfer(*a, *b, data, 60s) == data);
  EXPECT_EQ(a->stats().timeouts, before.timeouts);
  EXPECT_EQ(a->stats().fast_retransmits, before.fast_retransmits + 1);
  EXPECT_EQ(a->stats().retransmits, before.retransmits + 2);
}

INSTANTIATE_TEST_SUITE_P(sack, tcp_two_losses, ::testing::Bool());

TEST_F(tcp_connection, duplicated_segments_are_harmless) {
  open();
  wire.on_send = [](int, const tcp_repr&, const buf&) { return tcp_wire::verdict::duplicate; };
  auto data = pattern(500000, 15);
  EXPECT_TRUE(transfer(*a, *b, data) == data);
  EXPECT_TRUE(transfer(*b, *a, data) == data);
  a->shutdown(wire.now);
  b->shutdown(wire.now);
  wire.run_for(1s);
  EXPECT_EQ(a->state(), tcp_state::time_wait);
  EXPECT_EQ(b->state(), tcp_state::time_wait);
}

TEST_F(tcp_connection, bulk_transfer_lossless) {
  config_a.send_buffer = 1 << 20;
  config_b.receive_buffer = 1 << 20;
  open();
  auto data = pattern(16 << 20, 16);
  auto got = transfer(*a, *b, data);
  EXPECT_TRUE(got == data);
  EXPECT_EQ(a->stats().retransmits, 0U);
}

}  // namespace
}  // namespace atl::net::tcp
