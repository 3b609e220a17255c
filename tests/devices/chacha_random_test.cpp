// chacha_random: the conformance suite, plus its construction: seeding,
// determinism, independence from how the output is split, reseeding, and the
// fast-key-erasure layout checked against chacha20_block and SHA-256.
#include "conformance/random_conformance.hpp"
#include <atoll/devices/chacha20.hpp>
#include <atoll/devices/chacha_random.hpp>
#include <atoll/devices/sha256.hpp>

#include <deque>
#include <vector>

namespace atl::conformance {
namespace {

std::vector<std::byte> seed_of(unsigned n) { return conformance::pattern(32, n); }

struct chacha_factory {
  using device_type = chacha_random;
  std::deque<chacha_random> made;
  unsigned next_seed = 1;
  chacha_random* make() {
    auto r = chacha_random::create(seed_of(next_seed++));
    if (!r) {
      ADD_FAILURE() << r.error().message();
      return nullptr;
    }
    made.push_back(std::move(*r));
    return &made.back();
  }
};

using factories = ::testing::Types<chacha_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(chacha_random, random_conformance, factories);

std::vector<std::byte> take(chacha_random& r, std::size_t n) {
  std::vector<std::byte> out(n);
  r.fill(out);
  return out;
}

TEST(chacha_random, short_seeds_are_refused) {
  const auto short_seed = conformance::pattern(31, 1);
  EXPECT_ERRC(chacha_random::create(short_seed), errc::invalid_argument);
  const auto long_seed = conformance::pattern(64, 1);
  EXPECT_TRUE(chacha_random::create(long_seed).has_value());
}

TEST(chacha_random, same_seed_same_stream_however_it_is_split) {
  auto a = chacha_random::create(seed_of(7));
  auto b = chacha_random::create(seed_of(7));
  ASSERT_OK(a);
  ASSERT_OK(b);
  const auto whole = take(*a, 5000);
  std::vector<std::byte> pieces;
  for (std::size_t n = 1; pieces.size() < whole.size(); n = n % 700 + 1) {
    const auto piece = take(*b, std::min(n, whole.size() - pieces.size()));
    pieces.insert(pieces.end(), piece.begin(), piece.end());
  }
  EXPECT_EQ(pieces, whole);
}

TEST(chacha_random, first_output_is_the_keystream_after_the_next_key) {
  const auto seed = seed_of(3);
  auto r = chacha_random::create(seed);
  ASSERT_OK(r);
  // Key: SHA-256 of the label and the seed. Output: ChaCha20 blocks 0..7 of
  // that key with a zero nonce, minus the first 32 bytes, which become the
  // next key (and so are never output).
  sha256 h;
  h.update("atoll chacha_random seed");
  h.update(seed);
  const sha256_digest key = h.finish();
  const std::array<std::byte, chacha20_nonce_size> nonce{};
  std::vector<std::byte> keystream(std::size_t{8} * 64);
  for (std::uint32_t i = 0; i < 8; ++i) {
    chacha20_block(key, i, nonce,
                   std::span<std::byte, 64>(keystream.data() + std::size_t{64} * i, 64));
  }
  const auto first = take(*r, std::size_t{8} * 64 - 32);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), keystream.begin() + 32));

  // The next refill is keyed with keystream bytes 0..31.
  std::array<std::byte, 32> next_key{};
  std::copy(keystream.begin(), keystream.begin() + 32, next_key.begin());
  std::array<std::byte, 64> next_block{};
  chacha20_block(next_key, 0, nonce, next_block);
  const auto second = take(*r, 32);
  EXPECT_TRUE(std::equal(second.begin(), second.end(), next_block.begin() + 32));
}

TEST(chacha_random, reseed_changes_the_stream_deterministically) {
  auto a = chacha_random::create(seed_of(9));
  auto b = chacha_random::create(seed_of(9));
  auto c = chacha_random::create(seed_of(9));
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  (void)take(*a, 100);
  (void)take(*b, 100);
  (void)take(*c, 100);
  const auto extra = conformance::pattern(16, 5);
  a->reseed(extra);
  b->reseed(extra);
  const auto after_a = take(*a, 64);
  EXPECT_EQ(after_a, take(*b, 64));
  EXPECT_NE(after_a, take(*c, 64));
  c->reseed({});  // even no entropy forces a new key
  EXPECT_NE(take(*c, 64), take(*a, 64));
}

TEST(chacha_random, move_keeps_the_stream) {
  auto a = chacha_random::create(seed_of(11));
  auto b = chacha_random::create(seed_of(11));
  ASSERT_OK(a);
  ASSERT_OK(b);
  (void)take(*a, 10);
  (void)take(*b, 10);
  chacha_random moved = std::move(*a);
  EXPECT_EQ(take(moved, 1000), take(*b, 1000));
}

TEST(chacha_random, secure_wipe_zeroes) {
  auto data = conformance::pattern(100, 1);
  secure_wipe(data);
  EXPECT_EQ(data, std::vector<std::byte>(100));
}

}  // namespace
}  // namespace atl::conformance
