// SHA-256 against the FIPS 180-4 examples (NIST "SHA256.pdf", CSRC example
// values) and the long-message vector of one million 'a'.
#include <atoll/devices/sha256.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace atl {
namespace {

std::string hex_of(std::string_view message) {
  return std::string(to_hex(sha256_of(message)).view());
}

TEST(sha256, empty_message) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(sha256, one_block_message_abc) {
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(sha256, two_block_message_448_bits) {
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(sha256, message_of_896_bits) {
  EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(sha256, one_million_a) {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(hex_of(std::string(1'000'000, 'a')), expected);
  // The same, fed in pieces of awkward sizes.
  sha256 h;
  const std::string piece(997, 'a');
  std::size_t left = 1'000'000;
  for (std::size_t n = 1; left > 0; n = n % 997 + 1) {
    const std::size_t take = std::min(n, left);
    h.update(std::string_view(piece).substr(0, take));
    left -= take;
  }
  EXPECT_EQ(to_hex(h.finish()).view(), expected);
}

TEST(sha256, every_split_gives_the_same_digest) {
  std::string message;
  for (int i = 0; i < 200; ++i) message.push_back(static_cast<char>(i * 7 + 3));
  for (std::size_t length = 0; length <= message.size(); ++length) {
    const std::string_view m = std::string_view(message).substr(0, length);
    const sha256_digest whole = sha256_of(m);
    for (std::size_t split = 0; split <= length; split += 13) {
      sha256 h;
      h.update(m.substr(0, split));
      h.update(m.substr(split));
      ASSERT_EQ(h.finish(), whole) << "length " << length << " split " << split;
    }
  }
}

TEST(sha256, padding_boundaries) {
  // Lengths 55, 56 and 64 put the length field in the same block, force a
  // second one, or start a fresh one; their digests differ from each other.
  const sha256_digest d55 = sha256_of(std::string(55, 'x'));
  const sha256_digest d56 = sha256_of(std::string(56, 'x'));
  const sha256_digest d64 = sha256_of(std::string(64, 'x'));
  EXPECT_NE(d55, d56);
  EXPECT_NE(d56, d64);
  // Cross-checked with `printf %55s | tr ' ' x | sha256sum` and so on.
  EXPECT_EQ(to_hex(d55).view(), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
}

TEST(sha256, finish_starts_afresh) {
  sha256 h;
  h.update("abc");
  (void)h.finish();
  h.update("abc");
  EXPECT_EQ(to_hex(h.finish()).view(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace atl
