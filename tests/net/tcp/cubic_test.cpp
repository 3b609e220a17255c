// congestion_control, CUBIC (RFC 9438): beta 0.7, the window curve
// W(t) = C (t - K)^3 + W_max, the Reno-friendly region, fast convergence.
#include <atoll/net/tcp/congestion.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace atl::net::tcp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t mss = 1000;
const mono_time t0 = mono_time(seconds(100));

double secs(duration d) { return std::chrono::duration<double>(d).count(); }

// Slow start to `window` bytes, then a loss at that window.
congestion_control after_loss_at(std::uint32_t window) {
  congestion_control cc(congestion_algorithm::cubic, mss);
  while (cc.cwnd() < window)
    cc.on_ack(std::min(2 * mss, window - cc.cwnd()), t0, milliseconds(100));
  EXPECT_EQ(cc.cwnd(), window);
  cc.on_enter_recovery(window, t0);
  cc.on_exit_recovery(window);
  return cc;
}

// One round trip: a window of bytes acknowledged one segment per ACK (the
// last ACK covers what is left), spread evenly over `rtt`.
void round_trip(congestion_control& cc, mono_time& now, duration rtt) {
  const std::uint32_t window = cc.cwnd();
  const std::uint32_t acks = (window + mss - 1) / mss;
  const duration step = rtt / acks;
  for (std::uint32_t acked = 0; acked < window; acked += mss) {
    now += step;
    cc.on_ack(std::min(mss, window - acked), now, rtt);
  }
}

TEST(CubicTest, LossReducesByBeta) {
  congestion_control cc(congestion_algorithm::cubic, mss);
  while (cc.cwnd() < 100000) cc.on_ack(2 * mss, t0, milliseconds(100));
  cc.on_enter_recovery(100000, t0);
  EXPECT_EQ(cc.ssthresh(), 70000u);
  EXPECT_EQ(cc.cwnd(), 70000u);  // no inflation: SACK recovery uses pipe
  EXPECT_EQ(cc.cubic_wmax(), 100000u);
  cc.on_dup_ack_in_recovery();
  cc.on_partial_ack(5000);
  EXPECT_EQ(cc.cwnd(), 70000u);
  cc.on_exit_recovery(70000);
  EXPECT_EQ(cc.cwnd(), 70000u);
  EXPECT_FALSE(cc.in_recovery());
}

TEST(CubicTest, FloorIsTwoSegments) {
  congestion_control cc(congestion_algorithm::cubic, mss);
  cc.on_enter_recovery(2000, t0);
  EXPECT_EQ(cc.ssthresh(), 2000u);
}

TEST(CubicTest, WindowFollowsTheCubicCurve) {
  // W_max = 1000 segments: large enough that the Reno-friendly estimate
  // (about half a segment per RTT) stays below the curve for 15 s.
  congestion_control cc = after_loss_at(1000000);
  const duration rtt = milliseconds(100);
  mono_time now = t0;
  round_trip(cc, now, rtt);
  // K = cbrt(W_max (1 - beta) / C) in segments: cbrt(1000 * 0.3 / 0.4).
  const double k = secs(cc.cubic_k());
  EXPECT_NEAR(k, std::cbrt(750.0), 1e-3);
  const mono_time epoch = t0 + rtt / 700;  // the first ACK of the stage
  auto w = [&](double t) { return (0.4 * std::pow(t - k, 3) + 1000.0) * mss; };

  bool checked_concave = false, checked_plateau = false, checked_convex = false;
  while (now < epoch + seconds(15)) {
    round_trip(cc, now, rtt);
    const double t = secs(now - epoch);
    const double expected = w(t);
    // cwnd aims one RTT ahead and lags the per-ACK steps: within 2%.
    EXPECT_NEAR(cc.cwnd(), expected, 0.02 * expected) << "t = " << t;
    if (t > 2 && t < 4) {
      checked_concave = true;
      EXPECT_LT(cc.cwnd(), 1000000u);
    }
    if (std::abs(t - k) < 0.3) {
      checked_plateau = true;
      EXPECT_NEAR(cc.cwnd(), 1000000.0, 5000.0);
    }
    if (t > 14) {
      checked_convex = true;
      EXPECT_GT(cc.cwnd(), 1000000u + 40000u);  // W(14) is about 1047 segments
    }
  }
  EXPECT_TRUE(checked_concave && checked_plateau && checked_convex);
}

TEST(CubicTest, RenoFriendlyRegionWithShortRtt) {
  // A small window and a short RTT: Reno would grow faster than the cubic
  // curve, so W_est (alpha = 3 * 0.3 / 1.7 per RTT) sets the window.
  congestion_control cc = after_loss_at(10000);
  const duration rtt = milliseconds(5);
  mono_time now = t0;
  round_trip(cc, now, rtt);
  const double after_one = cc.cwnd();
  for (int i = 0; i < 4; ++i) round_trip(cc, now, rtt);
  const double alpha = 3 * 0.3 / 1.7;
  // Four more round trips of Reno-friendly growth.
  // (A little less: the window grows within each round trip, and each ACK
  // adds alpha * acked / cwnd.)
  EXPECT_NEAR(cc.cwnd() - after_one, 4 * alpha * mss, 0.08 * 4 * alpha * mss);
  // The cubic curve alone would still be near 7 segments.
  const double t = secs(now - t0);
  const double w_cubic = (0.4 * std::pow(t - secs(cc.cubic_k()), 3) + 10.0) * mss;
  EXPECT_GT(cc.cwnd(), w_cubic + 1500);
  // Past W_max the estimate grows by a full segment per round trip.
  for (int i = 0; i < 10; ++i) round_trip(cc, now, rtt);
  ASSERT_GT(cc.cwnd(), 10000u);
  const double before = cc.cwnd();
  round_trip(cc, now, rtt);
  EXPECT_NEAR(cc.cwnd() - before, mss, 0.1 * mss);
}

TEST(CubicTest, FastConvergenceLowersWmax) {
  congestion_control cc = after_loss_at(100000);
  EXPECT_EQ(cc.cubic_wmax(), 100000u);
  mono_time now = t0;
  while (cc.cwnd() < 80000) round_trip(cc, now, milliseconds(100));
  const std::uint32_t at_loss = cc.cwnd();
  cc.on_enter_recovery(at_loss, now);
  // Lost before regaining W_max: W_max = cwnd (1 + beta) / 2.
  EXPECT_NEAR(cc.cubic_wmax(), at_loss * 0.85, 1.0);
  EXPECT_NEAR(cc.ssthresh(), at_loss * 0.7, 1.0);
}

TEST(CubicTest, LossAboveWmaxKeepsTheWindow) {
  congestion_control cc = after_loss_at(20000);
  mono_time now = t0;
  while (cc.cwnd() < 30000) round_trip(cc, now, milliseconds(100));
  const std::uint32_t at_loss = cc.cwnd();
  cc.on_enter_recovery(at_loss, now);
  EXPECT_EQ(cc.cubic_wmax(), at_loss);
}

TEST(CubicTest, TimeoutCollapsesToOneSegmentWithBeta) {
  congestion_control cc = after_loss_at(50000);
  cc.on_retransmit_timeout(40000);
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_EQ(cc.ssthresh(), 28000u);
  EXPECT_FALSE(cc.in_recovery());
}

TEST(CubicTest, IdleRestartsWindowAndEpoch) {
  congestion_control cc = after_loss_at(100000);
  mono_time now = t0;
  for (int i = 0; i < 10; ++i) round_trip(cc, now, milliseconds(100));
  cc.on_data_sent(now);
  now += seconds(5);
  cc.on_idle(now, seconds(1));
  EXPECT_EQ(cc.cwnd(), 4000u);
  EXPECT_EQ(cc.cubic_wmax(), 100000u);
  // Slow start back to ssthresh, then a new epoch aimed at the old W_max.
  while (cc.cwnd() < cc.ssthresh()) round_trip(cc, now, milliseconds(100));
  round_trip(cc, now, milliseconds(100));
  EXPECT_GT(cc.cubic_k(), duration::zero());
}

TEST(CubicTest, GrowthPerRoundTripIsBounded) {
  // Far below W_max the curve is steep; cwnd still grows at most 1.5x per RTT.
  congestion_control cc(congestion_algorithm::cubic, mss);
  while (cc.cwnd() < 400000) cc.on_ack(2 * mss, t0, milliseconds(100));
  cc.on_retransmit_timeout(400000);
  mono_time now = t0;
  while (cc.cwnd() < cc.ssthresh()) round_trip(cc, now, milliseconds(100));
  for (int i = 0; i < 30; ++i) {
    const double before = cc.cwnd();
    round_trip(cc, now, milliseconds(100));
    EXPECT_LE(cc.cwnd(), 1.5 * before * 1.01);
  }
}

}  // namespace
}  // namespace atl::net::tcp
