// random_conformance: the random contract (devices/include/atoll/devices/
// random.hpp) as a typed suite. Statistical checks are loose (a broken
// generator fails them; a good one passes them always).
//
// Factory:
//   using device_type = ...;         // meets atl::random
//   device_type* make();             // a new, independently seeded generator
#pragma once

#include "harness.hpp"
#include <atoll/devices/random.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <vector>

namespace atl::conformance {

template <class Factory>
class random_conformance : public engine_fixture<Factory> {};

TYPED_TEST_SUITE_P(random_conformance);

TYPED_TEST_P(random_conformance, fills_the_whole_buffer) {
  auto* r = this->factory_.make();
  ASSERT_NE(r, nullptr);
  // Over a few tries, every position takes a non-zero value: nothing is left
  // untouched at the end of an odd-sized buffer.
  for (std::size_t size : {1u, 31u, 64u, 65u, 1000u, 4097u}) {
    std::vector<bool> seen_nonzero(size, false);
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::vector<std::byte> out(size, std::byte{0});
      r->fill(out);
      for (std::size_t i = 0; i < size; ++i) {
        if (out[i] != std::byte{0}) seen_nonzero[i] = true;
      }
    }
    EXPECT_EQ(std::count(seen_nonzero.begin(), seen_nonzero.end(), false), 0) << size;
  }
  std::vector<std::byte> none;
  r->fill(none);
}

TYPED_TEST_P(random_conformance, calls_differ) {
  auto* r = this->factory_.make();
  ASSERT_NE(r, nullptr);
  std::array<std::byte, 32> a{}, b{};
  r->fill(a);
  r->fill(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::byte, 32>{}));
  // No 16-byte block repeats over a long stream of small, odd-sized calls.
  std::vector<std::byte> stream;
  for (std::size_t size = 1; stream.size() < std::size_t{64} * 1024; size = size % 97 + 1) {
    std::vector<std::byte> piece(size);
    r->fill(piece);
    stream.insert(stream.end(), piece.begin(), piece.end());
  }
  std::set<std::string> blocks;
  for (std::size_t i = 0; i + 16 <= stream.size(); i += 16) {
    EXPECT_TRUE(blocks.insert(text(std::span(stream).subspan(i, 16))).second) << "at " << i;
  }
}

TYPED_TEST_P(random_conformance, generators_differ) {
  auto* r1 = this->factory_.make();
  auto* r2 = this->factory_.make();
  ASSERT_NE(r1, nullptr);
  ASSERT_NE(r2, nullptr);
  std::array<std::byte, 64> a{}, b{};
  r1->fill(a);
  r2->fill(b);
  EXPECT_NE(a, b);
}

TYPED_TEST_P(random_conformance, bytes_are_evenly_spread) {
  auto* r = this->factory_.make();
  ASSERT_NE(r, nullptr);
  std::vector<std::byte> out(1 << 20);
  r->fill(out);
  std::array<std::size_t, 256> counts{};
  std::size_t ones = 0;
  for (std::byte b : out) {
    ++counts[std::to_integer<unsigned>(b)];
    ones += static_cast<std::size_t>(std::popcount(std::to_integer<unsigned>(b)));
  }
  // 4096 expected per value, standard deviation 64: +-12 deviations.
  for (std::size_t v = 0; v < 256; ++v) {
    EXPECT_GT(counts[v], 3300u) << "byte value " << v;
    EXPECT_LT(counts[v], 4900u) << "byte value " << v;
  }
  // 4 Mi bits set expected, standard deviation 1448.
  EXPECT_NEAR(static_cast<double>(ones), 4.0 * (1 << 20), 20'000.0);
}

REGISTER_TYPED_TEST_SUITE_P(random_conformance, fills_the_whole_buffer, calls_differ,
                            generators_differ, bytes_are_evenly_spread);

}  // namespace atl::conformance
