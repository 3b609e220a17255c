// rto_estimator against RFC 6298's formulas, worked by hand.
#include <atoll/net/tcp/rto.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace atl::net::tcp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RtoTest, BeforeAnySampleTheInitialValue) {
  rto_estimator rto;
  EXPECT_FALSE(rto.has_sample());
  EXPECT_EQ(rto.rto(), seconds(1));  // RFC 6298 2.1
  EXPECT_EQ(rto.srtt(), duration::zero());
  EXPECT_EQ(rto.rttvar(), duration::zero());
}

TEST(RtoTest, FirstSampleSetsSrttAndHalfVariance) {
  rto_estimator rto;
  rto.sample(milliseconds(100));
  EXPECT_TRUE(rto.has_sample());
  EXPECT_EQ(rto.srtt(), milliseconds(100));
  EXPECT_EQ(rto.rttvar(), milliseconds(50));
  EXPECT_EQ(rto.rto(), milliseconds(300));  // 100 + 4 * 50
}

TEST(RtoTest, LaterSamplesSmoothWithOldSrtt) {
  rto_estimator rto;
  rto.sample(milliseconds(100));
  rto.sample(milliseconds(200));
  // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200.
  EXPECT_EQ(rto.rttvar(), microseconds(62500));
  EXPECT_EQ(rto.srtt(), microseconds(112500));
  EXPECT_EQ(rto.rto(), microseconds(112500 + 4 * 62500));
  rto.sample(milliseconds(100));
  // RTTVAR = 3/4 * 62.5 + 1/4 * 12.5 = 50; SRTT = 7/8 * 112.5 + 12.5.
  EXPECT_EQ(rto.rttvar(), microseconds(50000));
  EXPECT_EQ(rto.srtt(), microseconds(110937) + std::chrono::nanoseconds(500));
}

TEST(RtoTest, SteadySamplesConvergeToSrtt) {
  rto_estimator rto;
  for (int i = 0; i < 200; ++i) rto.sample(milliseconds(50));
  EXPECT_EQ(rto.srtt(), milliseconds(50));
  EXPECT_LT(rto.rttvar(), microseconds(1));
  EXPECT_EQ(rto.rto(), milliseconds(200));  // 50 + max(G, ~0) -> min
}

TEST(RtoTest, ClampedToMinimum) {
  rto_estimator rto;
  rto.sample(milliseconds(10));  // 10 + 4 * 5 = 30 ms
  EXPECT_EQ(rto.rto(), milliseconds(200));
}

TEST(RtoTest, GranularityIsTheSmallestVarianceTerm) {
  rto_config cfg;
  cfg.min = duration::zero();
  cfg.granularity = milliseconds(10);
  rto_estimator rto(cfg);
  rto.sample(milliseconds(40));
  for (int i = 0; i < 200; ++i) rto.sample(milliseconds(40));
  EXPECT_EQ(rto.rto(), milliseconds(50));  // 40 + G
}

TEST(RtoTest, ClampedToMaximum) {
  rto_estimator rto;
  rto.sample(seconds(30));  // 30 + 4 * 15 = 90 s
  EXPECT_EQ(rto.rto(), seconds(60));
}

TEST(RtoTest, NegativeSampleCountsAsZero) {
  rto_estimator rto;
  rto.sample(milliseconds(-5));
  EXPECT_EQ(rto.srtt(), duration::zero());
  EXPECT_EQ(rto.rto(), milliseconds(200));
}

TEST(RtoTest, BackoffDoublesUpToTheCap) {
  rto_estimator rto;
  rto.sample(milliseconds(100));  // 300 ms
  rto.backoff();
  EXPECT_EQ(rto.rto(), milliseconds(600));
  rto.backoff();
  EXPECT_EQ(rto.rto(), milliseconds(1200));
  for (int i = 0; i < 100; ++i) rto.backoff();
  EXPECT_EQ(rto.rto(), seconds(60));
  EXPECT_EQ(rto.backoffs(), 102u);
  rto.clear_backoff();
  EXPECT_EQ(rto.rto(), milliseconds(300));
}

TEST(RtoTest, BackoffBeforeAnySample) {
  rto_estimator rto;
  rto.backoff();
  EXPECT_EQ(rto.rto(), seconds(2));
  rto.backoff();
  EXPECT_EQ(rto.rto(), seconds(4));
}

TEST(RtoTest, SampleKeepsBackoffUntilCleared) {
  rto_estimator rto;
  rto.backoff();
  rto.sample(milliseconds(100));
  EXPECT_EQ(rto.rto(), milliseconds(600));
  rto.clear_backoff();
  EXPECT_EQ(rto.rto(), milliseconds(300));
}

}  // namespace
}  // namespace atl::net::tcp
