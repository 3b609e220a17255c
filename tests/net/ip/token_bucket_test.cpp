// ip::token_bucket: the ICMP error rate limit of both families; the
// assertions of the former ipv4::rate_limiter and IPv6 token_bucket tests.
#include <atoll/net/ip/token_bucket.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace atl::net::ip {
namespace {

using namespace std::chrono_literals;

const mono_time t0 = mono_time{} + 1000s;

int takes(token_bucket& b, mono_time now, int tries) {
  int allowed = 0;
  for (int i = 0; i < tries; ++i) allowed += b.take(now) ? 1 : 0;
  return allowed;
}

TEST(TokenBucket, PerSecondBurstThenRate) {
  auto r = token_bucket::per_second(10, 5);  // 10 per second, burst 5
  EXPECT_EQ(takes(r, t0, 100), 5);
  EXPECT_EQ(r.refused(), 95U);
  EXPECT_FALSE(r.take(t0 + 99ms));
  EXPECT_TRUE(r.take(t0 + 100ms));
  EXPECT_FALSE(r.take(t0 + 150ms));
  // A long pause refills to the burst, not beyond.
  EXPECT_EQ(takes(r, t0 + 100s, 20), 5);
}

TEST(TokenBucket, RateZeroOrBurstZeroRefusesAll) {
  auto off = token_bucket::per_second(0, 5);
  EXPECT_FALSE(off.take(t0));
  EXPECT_FALSE(off.take(t0 + 100s));
  token_bucket empty(0, 1s);
  EXPECT_FALSE(empty.take(t0));
  EXPECT_FALSE(empty.take(t0 + 100s));
  EXPECT_EQ(empty.refused(), 2U);
}

TEST(TokenBucket, IntervalZeroAllowsAll) {
  token_bucket unlimited(3, 0s);
  EXPECT_EQ(takes(unlimited, t0, 1000), 1000);
  EXPECT_EQ(unlimited.refused(), 0U);
}

TEST(TokenBucket, BurstThenOnePerInterval) {
  // ICMPv6's use: burst 3, then one a second.
  token_bucket b(3, 1s);
  EXPECT_EQ(takes(b, t0, 5), 3);
  EXPECT_FALSE(b.take(t0 + 500ms));
  EXPECT_TRUE(b.take(t0 + 1s));
  EXPECT_FALSE(b.take(t0 + 1s));
  // Partial credit is kept: 0.6 s and 0.4 s make one more token.
  EXPECT_FALSE(b.take(t0 + 1600ms));
  EXPECT_TRUE(b.take(t0 + 2s));
  EXPECT_EQ(b.refused(), 5U);
}

TEST(TokenBucket, TimeGoingBackRefillsNothing) {
  token_bucket b(1, 1s);
  EXPECT_TRUE(b.take(t0));
  EXPECT_FALSE(b.take(t0 - 10s));
  EXPECT_FALSE(b.take(t0 + 999ms));  // still measured from t0
  EXPECT_TRUE(b.take(t0 + 1s));
}

TEST(TokenBucket, HugeBurstAndIntervalSaturate) {
  // burst * interval overflows 64 bits: the capacity saturates instead.
  token_bucket b(std::numeric_limits<std::uint32_t>::max(), 24h * 365 * 100);
  EXPECT_TRUE(b.take(t0));
  EXPECT_TRUE(b.take(mono_time::max()));
  EXPECT_TRUE(b.take(mono_time::max()));
}

}  // namespace
}  // namespace atl::net::ip
