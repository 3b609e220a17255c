// buf and bufs: bounds, headroom claimed once, reference counts, budgets.
#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <string>

namespace atl {
namespace {

buf make(std::string_view text, std::size_t headroom = 0, memory_budget* budget = nullptr) {
  auto b = buf::copy_of(as_bytes(text), headroom, budget);
  EXPECT_TRUE(b.has_value());
  return std::move(*b);
}

TEST(buf, allocate_is_zero_filled_and_writable) {
  auto b = buf::allocate(8);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->size(), 8u);
  EXPECT_TRUE(b->writable());
  for (std::byte x : b->bytes()) EXPECT_EQ(x, std::byte{0});
  EXPECT_EQ(b->use_count(), 1u);
}

TEST(buf, sub_shift_truncate_check_bounds) {
  buf b = make("0123456789");
  auto s = b.sub(2, 3);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->text(), "234");
  EXPECT_EQ(b.sub(10, 0)->size(), 0u);
  EXPECT_EQ(b.sub(10)->size(), 0u);
  EXPECT_FALSE(b.sub(11, 0).has_value());
  EXPECT_FALSE(b.sub(5, 6).has_value());
  EXPECT_FALSE(b.sub(11).has_value());
  // length + offset would wrap around: still rejected.
  EXPECT_FALSE(b.sub(2, static_cast<std::size_t>(-1)).has_value());
  EXPECT_EQ(b.sub(5, 6).error().code(), errc::invalid_argument);

  ASSERT_TRUE(b.shift(4).has_value());
  EXPECT_EQ(b.text(), "456789");
  EXPECT_FALSE(b.shift(7).has_value());
  EXPECT_EQ(b.text(), "456789");  // unchanged by the failed shift
  ASSERT_TRUE(b.truncate(2).has_value());
  EXPECT_EQ(b.text(), "45");
  EXPECT_FALSE(b.truncate(3).has_value());
  ASSERT_TRUE(b.shift(2).has_value());
  EXPECT_TRUE(b.empty());
}

TEST(buf, checked_big_endian_reads) {
  const std::array<std::byte, 9> raw = {std::byte{0x01}, std::byte{0x02}, std::byte{0x03},
                                        std::byte{0x04}, std::byte{0x05}, std::byte{0x06},
                                        std::byte{0x07}, std::byte{0x08}, std::byte{0xff}};
  buf b = buf::borrow(raw);
  EXPECT_FALSE(b.writable());
  EXPECT_EQ(b.use_count(), 0u);
  EXPECT_EQ(*b.read_u8(8), 0xff);
  EXPECT_EQ(*b.read_u16(0), 0x0102);
  EXPECT_EQ(*b.read_u32(1), 0x02030405u);
  EXPECT_EQ(*b.read_u64(0), 0x0102030405060708ull);
  EXPECT_EQ(*b.read_u64(1), 0x02030405060708ffull);
  EXPECT_FALSE(b.read_u8(9).has_value());
  EXPECT_FALSE(b.read_u16(8).has_value());
  EXPECT_FALSE(b.read_u32(6).has_value());
  EXPECT_FALSE(b.read_u64(2).has_value());
  EXPECT_FALSE(b.read_u64(static_cast<std::size_t>(-1)).has_value());
  EXPECT_EQ(b.u16(7), 0x08ff);
}

TEST(buf, setters_write_big_endian) {
  buf b = std::move(*buf::allocate(15));
  b.set_u8(0, 0xab);
  b.set_u16(1, 0x1234);
  b.set_u32(3, 0xdeadbeef);
  b.set_u64(7, 0x0102030405060708ull);
  EXPECT_EQ(b.u8(0), 0xab);
  EXPECT_EQ(b.u16(1), 0x1234);
  EXPECT_EQ(b.u32(3), 0xdeadbeefu);
  EXPECT_EQ(b.u64(7), 0x0102030405060708ull);
  EXPECT_EQ(static_cast<int>(b.data()[1]), 0x12);
  EXPECT_TRUE(b.fill(13, as_bytes("xy")).has_value());
  EXPECT_FALSE(b.fill(14, as_bytes("xy")).has_value());
  EXPECT_EQ(b.text().substr(13), "xy");
}

TEST(buf_death, unchecked_access_out_of_bounds_stops) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  buf b = make("abc");
  EXPECT_DEATH((void)b.u16(2), "assertion failed");
  EXPECT_DEATH(b.set_u32(0, 1), "assertion failed");
}

TEST(buf, fill_of_a_borrowed_buf_is_refused) {
  buf b = buf::borrow(as_bytes("static"));
  auto r = b.fill(0, as_bytes("x"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::permission_denied);
}

TEST(buf, prepend_into_headroom) {
  buf payload = make("data", 8);
  EXPECT_EQ(payload.headroom(), 8u);
  ASSERT_TRUE(payload.prepend(3).has_value());
  EXPECT_EQ(payload.size(), 7u);
  EXPECT_EQ(payload.headroom(), 5u);
  payload.set_u8(0, 'h');
  EXPECT_EQ(payload.text().substr(3), "data");
  ASSERT_TRUE(payload.prepend(5).has_value());
  EXPECT_EQ(payload.headroom(), 0u);
  auto r = payload.prepend(1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::limit_exceeded);
}

TEST(buf, headroom_is_claimed_once_among_views_of_a_block) {
  buf a = make("payload", 16);
  buf b = a;                         // same front
  buf inner = std::move(*a.sub(3));  // not at the front: no headroom
  EXPECT_EQ(a.headroom(), 16u);
  EXPECT_EQ(b.headroom(), 16u);
  EXPECT_EQ(inner.headroom(), 0u);
  EXPECT_FALSE(inner.prepend(1).has_value());
  ASSERT_TRUE(a.prepend(4).has_value());
  // b's front is no longer the block's lowest claimed byte.
  EXPECT_EQ(b.headroom(), 0u);
  EXPECT_FALSE(b.prepend(1).has_value());
  EXPECT_EQ(a.headroom(), 12u);
}

TEST(buf, copies_share_the_block_and_count_views) {
  buf a = make("shared");
  {
    buf b = a;
    auto c = a.sub(1, 2);
    EXPECT_TRUE(a.shares_block(b));
    EXPECT_TRUE(a.shares_block(*c));
    EXPECT_EQ(a.use_count(), 3u);
    buf moved = std::move(b);
    EXPECT_EQ(a.use_count(), 3u);
    EXPECT_EQ(b.use_count(), 0u);  // NOLINT(bugprone-use-after-move): specified empty
    moved = a;                     // self-block assignment keeps the count right
    EXPECT_EQ(a.use_count(), 3u);
  }
  EXPECT_EQ(a.use_count(), 1u);
  buf other = make("other");
  EXPECT_FALSE(a.shares_block(other));
  a = other;
  EXPECT_EQ(other.use_count(), 2u);
}

TEST(buf, budget_is_charged_and_refunded_with_the_last_view) {
  memory_budget budget("bufs", 4096);
  {
    buf a = make("0123456789", 32, &budget);
    const std::size_t charged = budget.used();
    EXPECT_GT(charged, 42u);  // header, headroom and bytes
    buf b = a;
    buf c = std::move(*a.sub(2));
    a = buf();
    b = buf();
    EXPECT_EQ(budget.used(), charged);  // c still holds the block
  }
  EXPECT_EQ(budget.used(), 0u);
}

TEST(buf, exhausted_budget_and_oversized_requests_fail_as_values) {
  memory_budget budget("small", 64);
  auto big = buf::allocate(100, 0, &budget);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code(), errc::no_memory);
  EXPECT_EQ(budget.refused(), 1u);
  EXPECT_EQ(budget.used(), 0u);
  auto huge = buf::allocate(std::size_t{1} << 40);
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code(), errc::limit_exceeded);
}

// ---- bufs -----------------------------------------------------------------------

TEST(bufs, segments_size_and_copy) {
  bufs list;
  ASSERT_TRUE(list.push_back(make("world")).has_value());
  ASSERT_TRUE(list.push_front(make("hello ")).has_value());
  EXPECT_EQ(list.segments(), 2u);
  EXPECT_EQ(list.size(), 11u);
  char out[16] = {};
  EXPECT_EQ(list.copy_to(std::as_writable_bytes(std::span(out))), 11u);
  EXPECT_EQ(std::string_view(out, 11), "hello world");
  char small[4];
  EXPECT_EQ(list.copy_to(std::as_writable_bytes(std::span(small))), 4u);
  EXPECT_EQ(std::string_view(small, 4), "hell");
}

TEST(bufs, holds_at_most_max_segments) {
  bufs list;
  for (std::size_t i = 0; i < bufs::max_segments; ++i) {
    ASSERT_TRUE(list.push_back(make("x")).has_value());
  }
  auto back = list.push_back(make("y"));
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().code(), errc::limit_exceeded);
  EXPECT_FALSE(list.push_front(make("y")).has_value());
  EXPECT_EQ(list.size(), bufs::max_segments);
}

TEST(bufs, shift_across_segments) {
  bufs list;
  (void)list.push_back(make("abc"));
  (void)list.push_back(make("de"));
  (void)list.push_back(make("fgh"));
  ASSERT_TRUE(list.shift(4).has_value());
  EXPECT_EQ(list.segments(), 2u);
  EXPECT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].text(), "e");
  ASSERT_TRUE(list.shift(1).has_value());
  EXPECT_EQ(list.segments(), 1u);
  EXPECT_EQ(list[0].text(), "fgh");
  EXPECT_FALSE(list.shift(4).has_value());
  ASSERT_TRUE(list.shift(3).has_value());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.segments(), 0u);
}

TEST(bufs, flatten_shares_one_segment_and_copies_several) {
  bufs one(make("solo"));
  buf flat = std::move(*one.flatten());
  EXPECT_TRUE(flat.shares_block(one[0]));
  bufs two;
  (void)two.push_back(make("ab"));
  (void)two.push_back(make("cd"));
  memory_budget budget("flat", 1024);
  auto joined = two.flatten(&budget);
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->text(), "abcd");
  EXPECT_FALSE(joined->shares_block(two[0]));
  EXPECT_GT(budget.used(), 0u);
  memory_budget none("none", 0);
  EXPECT_EQ(two.flatten(&none).error().code(), errc::no_memory);
}

TEST(bufs, clear_releases_the_blocks) {
  buf b = make("held");
  bufs list(b);
  EXPECT_EQ(b.use_count(), 2u);
  list.clear();
  EXPECT_EQ(b.use_count(), 1u);
  EXPECT_TRUE(list.empty());
}

}  // namespace
}  // namespace atl
