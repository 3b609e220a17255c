// byte_reader and byte_writer (core/cursor.hpp), tested here with their
// first user, the DHCP options.
#include <atoll/core/cursor.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace atl {
namespace {

std::array<std::byte, 12> sample() {
  std::array<std::byte, 12> b{};
  const std::uint8_t v[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x03, 0xaa, 0xbb, 0xcc};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::byte{v[i]};
  return b;
}

TEST(byte_reader, reads_advance) {
  const auto b = sample();
  byte_reader r(b);
  EXPECT_EQ(*r.u8(), 0x01);
  EXPECT_EQ(*r.u16(), 0x0203);
  EXPECT_EQ(*r.u24(), 0x040506U);
  EXPECT_EQ(*r.peek_u8(), 0x07);
  EXPECT_EQ(*r.u16(), 0x0708);
  EXPECT_EQ(r.position(), 8U);
  auto child = r.u8_prefixed();
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->remaining(), 3U);
  EXPECT_EQ(*child->u16(), 0xaabb);
  EXPECT_FALSE(child->u16().has_value());  // one byte left in the child
  EXPECT_EQ(*child->u8(), 0xcc);
  EXPECT_TRUE(r.empty());
}

TEST(byte_reader, failures_do_not_move) {
  const auto b = sample();
  byte_reader r{std::span(b).first(3)};
  EXPECT_EQ(*r.u8(), 0x01);
  const auto fail = r.u32();
  ASSERT_FALSE(fail.has_value());
  EXPECT_EQ(fail.error().code(), errc::corrupt);
  EXPECT_EQ(r.position(), 1U);
  EXPECT_FALSE(r.bytes(3).has_value());
  EXPECT_FALSE(r.skip(3).has_value());
  EXPECT_EQ(r.remaining(), 2U);
  // A prefix announcing more than is there consumes nothing.
  const std::array<std::byte, 3> p = {std::byte{0x05}, std::byte{1}, std::byte{2}};
  byte_reader q(p);
  EXPECT_FALSE(q.u8_prefixed().has_value());
  EXPECT_EQ(q.position(), 0U);
  EXPECT_FALSE(q.u16_prefixed().has_value());
  EXPECT_EQ(q.position(), 0U);
  byte_reader empty;
  EXPECT_FALSE(empty.peek_u8().has_value());
  EXPECT_FALSE(empty.u8_prefixed().has_value());
}

TEST(byte_reader, nested_prefixes) {
  // u16 length 5: [ u8 length 3: aa bb cc ] dd
  const std::array<std::byte, 7> b = {std::byte{0},    std::byte{5},    std::byte{3},
                                      std::byte{0xaa}, std::byte{0xbb}, std::byte{0xcc},
                                      std::byte{0xdd}};
  byte_reader r(b);
  auto outer = r.u16_prefixed();
  ASSERT_TRUE(outer.has_value());
  auto inner = outer->u8_prefixed();
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->rest().size(), 3U);
  EXPECT_EQ(*outer->u8(), 0xdd);
  EXPECT_TRUE(outer->empty());
}

TEST(byte_writer, writes_and_prefixes) {
  std::array<std::byte, 16> out{};
  byte_writer w(out);
  w.u8(0x01);
  const auto outer = w.begin_prefix(2);
  w.u16(0x0203);
  const auto inner = w.begin_prefix(1);
  w.u24(0x040506);
  w.end_prefix(inner);
  w.end_prefix(outer);
  w.u32(0x0708090a);
  const auto n = w.finish();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 13U);
  const std::uint8_t expect[] = {0x01, 0x00, 0x06, 0x02, 0x03, 0x03, 0x04,
                                 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  for (std::size_t i = 0; i < sizeof expect; ++i) EXPECT_EQ(out[i], std::byte{expect[i]}) << i;
  EXPECT_EQ(w.written().size(), 13U);
}

TEST(byte_writer, failure_is_sticky) {
  std::array<std::byte, 4> out{};
  byte_writer w(out);
  w.u16(1);
  w.u32(2);  // does not fit
  EXPECT_TRUE(w.failed());
  w.u8(3);  // ignored, although it would fit
  EXPECT_EQ(w.position(), 2U);
  EXPECT_EQ(w.finish().error().code(), errc::limit_exceeded);

  std::array<std::byte, 300> big{};
  byte_writer v(big);
  const auto p = v.begin_prefix(1);
  v.zeros(256);  // too long for a one-byte length
  v.end_prefix(p);
  EXPECT_TRUE(v.failed());
  byte_writer u(big);
  u.u24(0x1000000);
  EXPECT_TRUE(u.failed());
}

}  // namespace
}  // namespace atl
