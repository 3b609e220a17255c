// frame_ring: the direct core's transmit queue (order, limit, storage).
#include <atoll/net/direct/frame_ring.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace atl::net {
namespace {

// frame(n): a one-byte frame holding n, to check the order frames leave in.
bufs frame(std::uint8_t n) {
  auto b = buf::allocate(1);
  EXPECT_TRUE(b);
  b->set_u8(0, n);
  return bufs(std::move(*b));
}

std::uint8_t tag(const bufs& f) { return f[0].u8(0); }

TEST(FrameRing, EmptyUntilPushedAndAllocatesNothing) {
  frame_ring r(8);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.full());
  EXPECT_EQ(r.size(), 0U);
  EXPECT_EQ(r.slots(), 0U);
  EXPECT_EQ(r.limit(), 8U);
}

TEST(FrameRing, FirstInFirstOutAcrossWrapAndGrowth) {
  frame_ring r(1000);
  std::uint8_t next_in = 0;
  std::uint8_t next_out = 0;
  // Fill part, drain part (the head moves), then push past the storage so
  // that it grows while the frames wrap around its end.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(r.push(frame(next_in++)));
  for (int i = 0; i < 7; ++i) EXPECT_EQ(tag(r.pop()), next_out++);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(r.push(frame(next_in++)));
  EXPECT_EQ(r.size(), 43U);
  EXPECT_EQ(r.slots(), 64U);  // 16, 32, 64: doubled as needed
  while (!r.empty()) EXPECT_EQ(tag(r.pop()), next_out++);
  EXPECT_EQ(next_out, next_in);
}

TEST(FrameRing, RefusesPastTheLimitAndKeepsTheFrame) {
  frame_ring r(20);
  for (std::uint8_t i = 0; i < 20; ++i) ASSERT_TRUE(r.push(frame(i)));
  EXPECT_TRUE(r.full());
  EXPECT_EQ(r.slots(), 20U);  // grown to the limit, not to the next power of two
  bufs extra = frame(99);
  EXPECT_FALSE(r.push(std::move(extra)));
  // A refused push leaves the frame with the caller: that is what is checked.
  ASSERT_EQ(extra.segments(), 1U);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(tag(extra), 99);
  EXPECT_EQ(r.size(), 20U);
  EXPECT_EQ(tag(r.pop()), 0);
  EXPECT_TRUE(r.push(std::move(extra)));  // room again
  for (std::uint8_t i = 1; i < 20; ++i) EXPECT_EQ(tag(r.pop()), i);
  EXPECT_EQ(tag(r.pop()), 99);
  EXPECT_TRUE(r.empty());
}

TEST(FrameRing, LimitZeroTakesNothing) {
  frame_ring r(0);
  EXPECT_TRUE(r.full());
  EXPECT_FALSE(r.push(frame(1)));
  EXPECT_EQ(r.slots(), 0U);
}

TEST(FrameRing, ShallowQueueReusesItsStorage) {
  frame_ring r(4096);
  for (int round = 0; round < 1000; ++round) {
    for (std::uint8_t i = 0; i < 5; ++i) ASSERT_TRUE(r.push(frame(i)));
    for (std::uint8_t i = 0; i < 5; ++i) ASSERT_EQ(tag(r.pop()), i);
  }
  EXPECT_EQ(r.slots(), 16U);
}

TEST(FrameRing, HandsTheBytesOnAndReleasesThemWithTheRing) {
  auto b = buf::allocate(64);
  ASSERT_TRUE(b);
  const buf watch = *b;
  {
    frame_ring r(4);
    ASSERT_TRUE(r.push(bufs(std::move(*b))));
    ASSERT_TRUE(r.push(bufs(watch)));
    EXPECT_EQ(watch.use_count(), 3U);
    {
      bufs out = r.pop();
      EXPECT_TRUE(out[0].shares_block(watch));
      EXPECT_EQ(watch.use_count(), 3U);  // moved out, not copied
    }
    EXPECT_EQ(watch.use_count(), 2U);  // the popped slot holds nothing
  }
  EXPECT_EQ(watch.use_count(), 1U);  // the ring freed the frame it held
}

}  // namespace
}  // namespace atl::net
