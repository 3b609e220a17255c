// The ChaCha20 block function against RFC 8439: the block of section 2.3.2
// and the five keystream blocks of appendix A.1.
#include <atoll/devices/chacha20.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace atl {
namespace {

template <std::size_t N>
std::array<std::byte, N> from_hex(std::string_view hex) {
  std::array<std::byte, N> out{};
  EXPECT_EQ(hex.size(), 2 * N);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = static_cast<std::byte>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
  }
  return out;
}

std::array<std::byte, 64> block(std::string_view key, std::uint32_t counter,
                                std::string_view nonce) {
  const auto k = from_hex<32>(key);
  const auto n = from_hex<12>(nonce);
  std::array<std::byte, 64> out{};
  chacha20_block(k, counter, n, out);
  return out;
}

constexpr std::string_view zero_key =
    "0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view zero_nonce = "000000000000000000000000";

TEST(chacha20, rfc8439_section_2_3_2) {
  EXPECT_EQ(block("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1,
                  "000000090000004a00000000"),
            from_hex<64>("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                         "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));
}

TEST(chacha20, rfc8439_a1_vector_1) {
  EXPECT_EQ(block(zero_key, 0, zero_nonce),
            from_hex<64>("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                         "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
}

TEST(chacha20, rfc8439_a1_vector_2) {
  EXPECT_EQ(block(zero_key, 1, zero_nonce),
            from_hex<64>("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                         "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"));
}

TEST(chacha20, rfc8439_a1_vector_3) {
  EXPECT_EQ(
      block("0000000000000000000000000000000000000000000000000000000000000001", 1, zero_nonce),
      from_hex<64>("3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
                   "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"));
}

TEST(chacha20, rfc8439_a1_vector_4) {
  EXPECT_EQ(
      block("00ff000000000000000000000000000000000000000000000000000000000000", 2, zero_nonce),
      from_hex<64>("72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
                   "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"));
}

TEST(chacha20, rfc8439_a1_vector_5) {
  EXPECT_EQ(block(zero_key, 0, "000000000000000000000002"),
            from_hex<64>("c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
                         "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"));
}

}  // namespace
}  // namespace atl
