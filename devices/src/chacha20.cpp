// The ChaCha20 block function, RFC 8439 sections 2.1 to 2.3.
#include <atoll/devices/chacha20.hpp>

#include <array>

namespace atl {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept {
  return (x << n) | (x >> (32 - n));
}

std::uint32_t load_le32(const std::byte* p) noexcept {
  return std::to_integer<std::uint32_t>(p[0]) | (std::to_integer<std::uint32_t>(p[1]) << 8) |
         (std::to_integer<std::uint32_t>(p[2]) << 16) |
         (std::to_integer<std::uint32_t>(p[3]) << 24);
}

void store_le32(std::byte* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::byte>(v);
  p[1] = static_cast<std::byte>(v >> 8);
  p[2] = static_cast<std::byte>(v >> 16);
  p[3] = static_cast<std::byte>(v >> 24);
}

void quarter_round(std::array<std::uint32_t, 16>& x, std::size_t a, std::size_t b, std::size_t c,
                   std::size_t d) noexcept {
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 7);
}

}  // namespace

void chacha20_block(std::span<const std::byte, chacha20_key_size> key, std::uint32_t counter,
                    std::span<const std::byte, chacha20_nonce_size> nonce,
                    std::span<std::byte, chacha20_block_size> out) noexcept {
  // "expand 32-byte k", the key, the counter, the nonce (2.3).
  std::array<std::uint32_t, 16> state = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (std::size_t i = 0; i < 8; ++i) state[4 + i] = load_le32(key.data() + 4 * i);
  state[12] = counter;
  for (std::size_t i = 0; i < 3; ++i) state[13 + i] = load_le32(nonce.data() + 4 * i);

  std::array<std::uint32_t, 16> x = state;
  for (int round = 0; round < 10; ++round) {  // 20 rounds: 10 column + diagonal pairs
    quarter_round(x, 0, 4, 8, 12);
    quarter_round(x, 1, 5, 9, 13);
    quarter_round(x, 2, 6, 10, 14);
    quarter_round(x, 3, 7, 11, 15);
    quarter_round(x, 0, 5, 10, 15);
    quarter_round(x, 1, 6, 11, 12);
    quarter_round(x, 2, 7, 8, 13);
    quarter_round(x, 3, 4, 9, 14);
  }
  for (std::size_t i = 0; i < 16; ++i) store_le32(out.data() + 4 * i, x[i] + state[i]);
}

}  // namespace atl
