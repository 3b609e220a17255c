// congestion_control, NewReno: RFC 5681 slow start and congestion
// avoidance, RFC 6582 fast recovery, timeouts and the restart window.
#include <atoll/net/tcp/congestion.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace atl::net::tcp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t mss = 1000;
const mono_time t0 = mono_time(seconds(100));

TEST(NewRenoTest, InitialWindowByMss) {
  EXPECT_EQ(congestion_control(congestion_algorithm::newreno, 1000).cwnd(), 4000u);
  EXPECT_EQ(congestion_control(congestion_algorithm::newreno, 1460).cwnd(), 4380u);
  EXPECT_EQ(congestion_control(congestion_algorithm::newreno, 3000).cwnd(), 6000u);
  congestion_control cc(congestion_algorithm::newreno, mss);
  EXPECT_GT(cc.ssthresh(), 1u << 30);
  EXPECT_FALSE(cc.in_recovery());
}

TEST(NewRenoTest, SlowStartCountsBytesUpToTwoSegmentsPerAck) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_ack(1000, t0, milliseconds(10));
  EXPECT_EQ(cc.cwnd(), 5000u);
  cc.on_ack(500, t0, milliseconds(10));
  EXPECT_EQ(cc.cwnd(), 5500u);
  cc.on_ack(5000, t0, milliseconds(10));  // capped at L = 2 MSS
  EXPECT_EQ(cc.cwnd(), 7500u);
}

TEST(NewRenoTest, SlowStartDoublesPerRoundTrip) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  for (int rtt = 0; rtt < 4; ++rtt) {
    const std::uint32_t before = cc.cwnd();
    for (std::uint32_t acked = 0; acked < before; acked += mss)
      cc.on_ack(mss, t0, milliseconds(10));
    EXPECT_EQ(cc.cwnd(), 2 * before);
  }
}

// cwnd at ssthresh: congestion avoidance from the start.
congestion_control in_avoidance(std::uint32_t window) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_enter_recovery(2 * window, t0);
  cc.on_exit_recovery(2 * window);
  EXPECT_EQ(cc.cwnd(), window);
  EXPECT_EQ(cc.ssthresh(), window);
  return cc;
}

TEST(NewRenoTest, CongestionAvoidanceAddsOneSegmentPerRoundTrip) {
  congestion_control cc = in_avoidance(10000);
  for (int rtt = 0; rtt < 20; ++rtt) {
    const std::uint32_t before = cc.cwnd();
    for (std::uint32_t acked = 0; acked < before; acked += mss) {
      EXPECT_EQ(cc.cwnd(), before);  // no growth within the round trip
      cc.on_ack(mss, t0, milliseconds(10));
    }
    EXPECT_EQ(cc.cwnd(), before + mss);
  }
  EXPECT_EQ(cc.cwnd(), 30000u);
}

TEST(NewRenoTest, CongestionAvoidanceWithDelayedAcks) {
  congestion_control cc = in_avoidance(10000);
  // 2-segment ACKs: the same bytes, the same growth.
  for (int i = 0; i < 5; ++i) cc.on_ack(2 * mss, t0, milliseconds(10));
  EXPECT_EQ(cc.cwnd(), 11000u);
}

TEST(NewRenoTest, FastRecoveryEntryHalvesTheFlight) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_enter_recovery(20000, t0);
  EXPECT_TRUE(cc.in_recovery());
  EXPECT_EQ(cc.ssthresh(), 10000u);
  EXPECT_EQ(cc.cwnd(), 13000u);  // ssthresh + 3 MSS
  // A second entry while in recovery changes nothing.
  cc.on_enter_recovery(4000, t0);
  EXPECT_EQ(cc.ssthresh(), 10000u);
}

TEST(NewRenoTest, FastRecoveryFloorIsTwoSegments) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_enter_recovery(3000, t0);
  EXPECT_EQ(cc.ssthresh(), 2000u);  // max(1500, 2 MSS)
  EXPECT_EQ(cc.cwnd(), 5000u);
}

TEST(NewRenoTest, RecoveryInflatesAndDeflates) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_enter_recovery(20000, t0);
  cc.on_dup_ack_in_recovery();
  cc.on_dup_ack_in_recovery();
  EXPECT_EQ(cc.cwnd(), 15000u);
  cc.on_ack(1000, t0, milliseconds(10));  // ignored in recovery
  EXPECT_EQ(cc.cwnd(), 15000u);
  cc.on_partial_ack(2500);  // - 2500 + 1 MSS
  EXPECT_EQ(cc.cwnd(), 13500u);
  cc.on_partial_ack(500);  // less than 1 MSS: no add-back
  EXPECT_EQ(cc.cwnd(), 13000u);
  cc.on_partial_ack(100000);  // never below 1 MSS
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_TRUE(cc.in_recovery());
}

TEST(NewRenoTest, ExitDeflatesToSsthreshWithoutBurst) {
  congestion_control a(congestion_algorithm::newreno, mss);
  a.on_enter_recovery(20000, t0);
  a.on_dup_ack_in_recovery();
  a.on_exit_recovery(20000);
  EXPECT_FALSE(a.in_recovery());
  EXPECT_EQ(a.cwnd(), 10000u);  // ssthresh
  congestion_control b(congestion_algorithm::newreno, mss);
  b.on_enter_recovery(20000, t0);
  b.on_exit_recovery(3000);
  EXPECT_EQ(b.cwnd(), 4000u);  // flight + 1 MSS
}

TEST(NewRenoTest, TimeoutCollapsesToOneSegment) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  for (int i = 0; i < 20; ++i) cc.on_ack(2 * mss, t0, milliseconds(10));
  cc.on_enter_recovery(30000, t0);
  cc.on_retransmit_timeout(30000);
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_EQ(cc.ssthresh(), 15000u);
  EXPECT_FALSE(cc.in_recovery());
  // Slow start again up to ssthresh.
  cc.on_ack(1000, t0, milliseconds(10));
  EXPECT_EQ(cc.cwnd(), 2000u);
  cc.on_retransmit_timeout(1000);
  EXPECT_EQ(cc.ssthresh(), 2000u);
}

TEST(NewRenoTest, IdleRestartsFromTheInitialWindow) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  for (int i = 0; i < 10; ++i) cc.on_ack(2 * mss, t0, milliseconds(10));
  EXPECT_EQ(cc.cwnd(), 24000u);
  cc.on_data_sent(t0 + seconds(1));
  cc.on_idle(t0 + milliseconds(1500), seconds(1));  // idle less than an RTO
  EXPECT_EQ(cc.cwnd(), 24000u);
  cc.on_idle(t0 + milliseconds(2500), seconds(1));
  EXPECT_EQ(cc.cwnd(), 4000u);
}

TEST(NewRenoTest, IdleMeasuresFromTheLastSendNotTheLastAck) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  for (int i = 0; i < 10; ++i) cc.on_ack(2 * mss, t0, milliseconds(10));
  cc.on_data_sent(t0);
  cc.on_ack(2 * mss, t0 + milliseconds(900), milliseconds(10));
  cc.on_idle(t0 + milliseconds(1100), seconds(1));
  EXPECT_EQ(cc.cwnd(), 4000u);
}

TEST(NewRenoTest, IdleWithoutReportedSendsRestartsAtOnce) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  for (int i = 0; i < 10; ++i) cc.on_ack(2 * mss, t0, milliseconds(10));
  cc.on_idle(t0, seconds(1));
  EXPECT_EQ(cc.cwnd(), 4000u);
}

TEST(NewRenoTest, IdleNeverRaisesTheWindow) {
  congestion_control cc(congestion_algorithm::newreno, mss);
  cc.on_retransmit_timeout(8000);
  cc.on_idle(t0 + seconds(10), seconds(1));
  EXPECT_EQ(cc.cwnd(), 1000u);
}

TEST(NewRenoTest, SetMssRaisesTheFloors) {
  congestion_control cc(congestion_algorithm::newreno, 500);
  cc.on_retransmit_timeout(1000);
  EXPECT_EQ(cc.cwnd(), 500u);
  EXPECT_EQ(cc.ssthresh(), 1000u);
  cc.set_mss(1400);
  EXPECT_EQ(cc.mss(), 1400u);
  EXPECT_EQ(cc.cwnd(), 1400u);
  EXPECT_EQ(cc.ssthresh(), 2800u);
}

}  // namespace
}  // namespace atl::net::tcp
