#include <atoll/net/tcp/byte_ring.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace atl::net::tcp {
namespace {

std::vector<std::byte> seq_bytes(std::size_t n, std::uint8_t from) {
  std::vector<std::byte> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::byte{static_cast<std::uint8_t>(from + i)};
  return out;
}

TEST(tcp_byte_ring, takes_only_what_fits) {
  byte_ring r(10);
  EXPECT_EQ(r.capacity(), 10U);
  EXPECT_EQ(r.write(seq_bytes(25, 0)), 10U);
  EXPECT_EQ(r.free(), 0U);
  EXPECT_EQ(r.write(seq_bytes(1, 0)), 0U);
}

TEST(tcp_byte_ring, wraps_around_byte_exact) {
  byte_ring r(7);
  std::uint8_t next_in = 0;
  std::uint8_t next_out = 0;
  for (int round = 0; round < 50; ++round) {
    const std::size_t want = static_cast<std::size_t>(round % 5) + 1;
    const std::size_t n = r.write(seq_bytes(want, next_in));
    next_in = static_cast<std::uint8_t>(next_in + n);
    std::array<std::byte, 3> out{};
    const std::size_t got = r.read(out);
    for (std::size_t i = 0; i < got; ++i) {
      EXPECT_EQ(out[i], std::byte{next_out});
      ++next_out;
    }
  }
  EXPECT_EQ(static_cast<std::uint8_t>(next_in - next_out), r.size());
}

TEST(tcp_byte_ring, peek_at_offset_and_consume) {
  byte_ring r(8);
  ASSERT_EQ(r.write(seq_bytes(6, 10)), 6U);
  r.consume(4);
  ASSERT_EQ(r.write(seq_bytes(5, 16)), 5U);  // wraps
  std::array<std::byte, 4> out{};
  EXPECT_EQ(r.peek(2, out), 4U);
  EXPECT_EQ(out[0], std::byte{16});
  EXPECT_EQ(out[3], std::byte{19});
  EXPECT_EQ(r.peek(7, out), 0U);
  EXPECT_EQ(r.size(), 7U);
}

}  // namespace
}  // namespace atl::net::tcp
