// reassembly_queue: ordering, overlaps, duplicates, limits, wraparound and
// SACK block order.
#include <atoll/net/tcp/reassembly.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace atl::net::tcp {
namespace {

using insert_result = reassembly_queue::insert_result;

// The stream's byte at sequence number s, so any slice can be checked.
std::byte pattern(std::uint32_t s, std::uint8_t salt = 0) {
  return std::byte(static_cast<std::uint8_t>((s * 7 + s / 251 + salt) & 0xff));
}

buf segment(std::uint32_t at, std::uint32_t length, std::uint8_t salt = 0) {
  std::vector<std::byte> bytes(length);
  for (std::uint32_t i = 0; i < length; ++i) bytes[i] = pattern(at + i, salt);
  auto b = buf::copy_of(bytes);
  EXPECT_TRUE(b.has_value());
  return std::move(*b);
}

// Pops everything that continues from rcv_nxt, checks the bytes against the
// pattern, and returns the new rcv_nxt.
seq drain(reassembly_queue& q, seq rcv_nxt, std::uint8_t salt = 0) {
  for (;;) {
    buf b = q.pop(rcv_nxt);
    if (b.empty()) return rcv_nxt;
    for (std::size_t i = 0; i < b.size(); ++i)
      EXPECT_EQ(b.bytes()[i], pattern(rcv_nxt.value() + static_cast<std::uint32_t>(i), salt))
          << "at " << rcv_nxt.value() + i;
    rcv_nxt += static_cast<std::uint32_t>(b.size());
  }
}

std::vector<sack_block> sacks(const reassembly_queue& q, std::size_t max = 4) {
  std::array<sack_block, 8> out{};
  const std::size_t n = q.sack_blocks(std::span<sack_block>(out).first(max));
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

TEST(ReassemblyTest, InOrderSegmentPopsAtOnce) {
  reassembly_queue q(65536, 64);
  EXPECT_EQ(q.insert(seq(1000), seq(1000), segment(1000, 100)), insert_result::stored);
  EXPECT_EQ(drain(q, seq(1000)), seq(1100));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(ReassemblyTest, OutOfOrderWaitsForTheGap) {
  reassembly_queue q(65536, 64);
  EXPECT_EQ(q.insert(seq(1000), seq(1300), segment(1300, 100)), insert_result::stored);
  EXPECT_EQ(q.insert(seq(1000), seq(1100), segment(1100, 100)), insert_result::stored);
  EXPECT_EQ(q.bytes(), 200u);
  EXPECT_EQ(q.segments(), 2u);
  EXPECT_EQ(q.first(), seq(1100));
  EXPECT_TRUE(q.pop(seq(1000)).empty());
  EXPECT_EQ(q.insert(seq(1000), seq(1000), segment(1000, 100)), insert_result::stored);
  EXPECT_EQ(drain(q, seq(1000)), seq(1200));  // stops at the next gap
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(q.insert(seq(1200), seq(1200), segment(1200, 100)), insert_result::stored);
  EXPECT_EQ(drain(q, seq(1200)), seq(1400));
  EXPECT_TRUE(q.empty());
}

TEST(ReassemblyTest, OverlapFromTheLeftKeepsStoredBytes) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  // The stored copy wins: the overlapping part of the new one has other bytes.
  EXPECT_EQ(q.insert(seq(1000), seq(1050), segment(1050, 100, 1)), insert_result::stored);
  EXPECT_EQ(q.bytes(), 150u);
  q.insert(seq(1000), seq(1000), segment(1000, 50));
  buf a = q.pop(seq(1000));
  buf b = q.pop(seq(1050));
  buf c = q.pop(seq(1100));
  ASSERT_EQ(a.size(), 50u);
  ASSERT_EQ(b.size(), 50u);
  ASSERT_EQ(c.size(), 100u);
  EXPECT_EQ(b.bytes()[0], pattern(1050, 1));
  EXPECT_EQ(c.bytes()[0], pattern(1100, 0));
}

TEST(ReassemblyTest, OverlapFromTheRight) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  EXPECT_EQ(q.insert(seq(1000), seq(1150), segment(1150, 100)), insert_result::stored);
  EXPECT_EQ(q.bytes(), 150u);
  EXPECT_EQ(q.segments(), 2u);
  q.insert(seq(1000), seq(1000), segment(1000, 100));
  EXPECT_EQ(drain(q, seq(1000)), seq(1250));
}

TEST(ReassemblyTest, SegmentSpanningStoredPiecesFillsTheGapsOnly) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  q.insert(seq(1000), seq(1300), segment(1300, 100));
  EXPECT_EQ(q.insert(seq(1000), seq(1050), segment(1050, 400)), insert_result::stored);
  EXPECT_EQ(q.bytes(), 400u);   // 1050..1450
  EXPECT_EQ(q.segments(), 5u);  // [1050,1100) [1100,1200) [1200,1300) [1300,1400) [1400,1450)
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{1050, 1450}}));
  q.insert(seq(1000), seq(1000), segment(1000, 50));
  EXPECT_EQ(drain(q, seq(1000)), seq(1450));
}

TEST(ReassemblyTest, Duplicates) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  EXPECT_EQ(q.insert(seq(1000), seq(1100), segment(1100, 100)), insert_result::duplicate);
  EXPECT_EQ(q.insert(seq(1000), seq(1120), segment(1120, 50)), insert_result::duplicate);
  EXPECT_EQ(q.insert(seq(1000), seq(900), segment(900, 100)), insert_result::duplicate);  // old
  EXPECT_EQ(q.insert(seq(1000), seq(1500), buf{}), insert_result::duplicate);             // empty
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(q.segments(), 1u);
  EXPECT_EQ(q.dropped_bytes(), 0u);
}

TEST(ReassemblyTest, SegmentStraddlingRcvNxtIsTrimmed) {
  reassembly_queue q(65536, 64);
  EXPECT_EQ(q.insert(seq(1000), seq(900), segment(900, 200)), insert_result::stored);
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(q.first(), seq(1000));
  EXPECT_EQ(drain(q, seq(1000)), seq(1100));
}

TEST(ReassemblyTest, PopAfterRcvNxtMovedIntoStoredData) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  q.insert(seq(1000), seq(1300), segment(1300, 100));
  // In-order data delivered directly covered up to 1150.
  buf b = q.pop(seq(1150));
  ASSERT_EQ(b.size(), 50u);
  EXPECT_EQ(b.bytes()[0], pattern(1150));
  EXPECT_EQ(q.bytes(), 100u);
  // Past a whole piece: it is discarded.
  EXPECT_TRUE(q.pop(seq(1450)).empty());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(ReassemblyTest, ByteLimitIsExact) {
  reassembly_queue q(250, 64);
  EXPECT_EQ(q.insert(seq(1000), seq(1100), segment(1100, 100)), insert_result::stored);
  EXPECT_EQ(q.insert(seq(1000), seq(1300), segment(1300, 100)), insert_result::stored);
  // 50 of these 100 bytes fit.
  EXPECT_EQ(q.insert(seq(1000), seq(1500), segment(1500, 100)), insert_result::dropped_limit);
  EXPECT_EQ(q.bytes(), 250u);
  EXPECT_EQ(q.dropped_bytes(), 50u);
  EXPECT_EQ(q.dropped_segments(), 1u);
  EXPECT_EQ(q.insert(seq(1000), seq(1700), segment(1700, 10)), insert_result::dropped_limit);
  EXPECT_EQ(q.bytes(), 250u);
  EXPECT_EQ(q.dropped_bytes(), 60u);
  EXPECT_EQ(q.dropped_segments(), 2u);
  // Duplicates of stored data are not drops.
  EXPECT_EQ(q.insert(seq(1000), seq(1100), segment(1100, 100)), insert_result::duplicate);
  EXPECT_EQ(q.dropped_segments(), 2u);
  // Space comes back as data is popped.
  q.insert(seq(1000), seq(1000), segment(1000, 100));  // dropped: full
  EXPECT_EQ(q.bytes(), 250u);
  EXPECT_TRUE(q.pop(seq(1000)).empty());
  EXPECT_EQ(drain(q, seq(1100)), seq(1200));
  EXPECT_EQ(q.bytes(), 150u);
  EXPECT_EQ(q.insert(seq(1200), seq(1200), segment(1200, 100)), insert_result::stored);
  EXPECT_EQ(drain(q, seq(1200)), seq(1400));
  EXPECT_EQ(q.bytes(), 50u);
  EXPECT_EQ(q.insert(seq(1400), seq(1400), segment(1400, 100)), insert_result::stored);
  EXPECT_EQ(drain(q, seq(1400)), seq(1550));
  EXPECT_TRUE(q.empty());
}

TEST(ReassemblyTest, SegmentLimitIsExact) {
  reassembly_queue q(65536, 3);
  q.insert(seq(1000), seq(1100), segment(1100, 100));
  q.insert(seq(1000), seq(1300), segment(1300, 100));
  // Three new pieces, room for one: the lowest is kept.
  EXPECT_EQ(q.insert(seq(1000), seq(1050), segment(1050, 400)), insert_result::dropped_limit);
  EXPECT_EQ(q.segments(), 3u);
  EXPECT_EQ(q.bytes(), 250u);
  EXPECT_EQ(q.dropped_bytes(), 150u);
  EXPECT_EQ(q.insert(seq(1000), seq(2000), segment(2000, 1)), insert_result::dropped_limit);
  EXPECT_EQ(q.segments(), 3u);
}

TEST(ReassemblyTest, ZeroLimitsStoreNothing) {
  reassembly_queue none(0, 16);
  EXPECT_EQ(none.insert(seq(0), seq(10), segment(10, 10)), insert_result::dropped_limit);
  EXPECT_TRUE(none.empty());
  reassembly_queue no_slots(1000, 0);
  EXPECT_EQ(no_slots.insert(seq(0), seq(10), segment(10, 10)), insert_result::dropped_limit);
  EXPECT_TRUE(no_slots.empty());
  EXPECT_EQ(no_slots.dropped_bytes(), 10u);
}

TEST(ReassemblyTest, WrapsAroundTheSequenceSpace) {
  reassembly_queue q(65536, 64);
  const seq rcv_nxt(0xffffff00u);
  // [0xfffffff0, 0x30) crosses 2^32; [0x40, 0x50) lies after it.
  EXPECT_EQ(q.insert(rcv_nxt, seq(0x40), segment(0x40, 0x10)), insert_result::stored);
  EXPECT_EQ(q.insert(rcv_nxt, seq(0xfffffff0u), segment(0xfffffff0u, 0x40)), insert_result::stored);
  EXPECT_EQ(q.first(), seq(0xfffffff0u));
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{0xfffffff0u, 0x30}, {0x40, 0x50}}));
  // Overlap across the wrap.
  EXPECT_EQ(q.insert(rcv_nxt, seq(0x20), segment(0x20, 0x28)), insert_result::stored);
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{0xfffffff0u, 0x50}}));
  EXPECT_EQ(q.insert(rcv_nxt, rcv_nxt, segment(rcv_nxt.value(), 0xf0)), insert_result::stored);
  EXPECT_EQ(drain(q, rcv_nxt), seq(0x50));
  EXPECT_TRUE(q.empty());
}

TEST(ReassemblyTest, SackBlocksMostRecentFirst) {
  reassembly_queue q(65536, 64);
  q.insert(seq(1000), seq(1100), segment(1100, 100));  // A
  q.insert(seq(1000), seq(1300), segment(1300, 100));  // B
  q.insert(seq(1000), seq(1500), segment(1500, 100));  // C
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{1500, 1600}, {1300, 1400}, {1100, 1200}}));
  q.insert(seq(1000), seq(1200), segment(1200, 50));  // extends A
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{1100, 1250}, {1500, 1600}, {1300, 1400}}));
  EXPECT_EQ(sacks(q, 2), (std::vector<sack_block>{{1100, 1250}, {1500, 1600}}));
  // A duplicate changes nothing, so the order stays.
  q.insert(seq(1000), seq(1500), segment(1500, 100));
  EXPECT_EQ(sacks(q, 1), (std::vector<sack_block>{{1100, 1250}}));
  q.insert(seq(1000), seq(1250), segment(1250, 50));  // joins A and B
  EXPECT_EQ(sacks(q), (std::vector<sack_block>{{1100, 1400}, {1500, 1600}}));
  q.insert(seq(1000), seq(1700), segment(1700, 10));
  q.insert(seq(1000), seq(1800), segment(1800, 10));
  q.insert(seq(1000), seq(1900), segment(1900, 10));
  q.insert(seq(1000), seq(2000), segment(2000, 10));
  EXPECT_EQ(sacks(q),
            (std::vector<sack_block>{{2000, 2010}, {1900, 1910}, {1800, 1810}, {1700, 1710}}));
  EXPECT_EQ(sacks(q, 0).size(), 0u);
}

TEST(ReassemblyTest, ClearForgetsEverything) {
  reassembly_queue q(65536, 64);
  q.insert(seq(0), seq(10), segment(10, 10));
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_TRUE(sacks(q).empty());
}

}  // namespace
}  // namespace atl::net::tcp
