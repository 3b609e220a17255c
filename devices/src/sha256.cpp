// SHA-256 as FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 6.2) describes it.
#include <atoll/core/buf.hpp>
#include <atoll/devices/sha256.hpp>

#include <algorithm>
#include <cstring>

namespace atl {

namespace {

// The first 32 bits of the fractional parts of the cube roots of the first
// 64 primes (FIPS 180-4, 4.2.2).
constexpr std::array<std::uint32_t, 64> round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The first 32 bits of the fractional parts of the square roots of the first
// 8 primes (FIPS 180-4, 5.3.3).
constexpr std::array<std::uint32_t, 8> initial_state = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept {
  return (x >> n) | (x << (32 - n));
}

std::uint32_t load_be32(const std::byte* p) noexcept {
  return (std::to_integer<std::uint32_t>(p[0]) << 24) |
         (std::to_integer<std::uint32_t>(p[1]) << 16) |
         (std::to_integer<std::uint32_t>(p[2]) << 8) | std::to_integer<std::uint32_t>(p[3]);
}

void store_be32(std::byte* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::byte>(v >> 24);
  p[1] = static_cast<std::byte>(v >> 16);
  p[2] = static_cast<std::byte>(v >> 8);
  p[3] = static_cast<std::byte>(v);
}

}  // namespace

void sha256::reset() noexcept {
  state_ = initial_state;
  pending_size_ = 0;
  total_bytes_ = 0;
}

void sha256::compress(const std::byte* block) noexcept {
  std::array<std::uint32_t, 64> w;
  for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  for (std::size_t t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
  for (std::size_t t = 0; t < 64; ++t) {
    const std::uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const std::uint32_t choose = (e & f) ^ (~e & g);
    const std::uint32_t t1 = h + big_s1 + choose + round_constants[t] + w[t];
    const std::uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    const std::uint32_t t2 = big_s0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

void sha256::update(std::span<const std::byte> data) noexcept {
  if (data.empty()) return;  // an empty span may have no address at all
  total_bytes_ += data.size();
  const std::byte* p = data.data();
  std::size_t left = data.size();
  if (pending_size_ > 0) {
    const std::size_t take = std::min(left, block_size - pending_size_);
    std::memcpy(pending_.data() + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    left -= take;
    if (pending_size_ < block_size) return;
    compress(pending_.data());
    pending_size_ = 0;
  }
  for (; left >= block_size; p += block_size, left -= block_size) compress(p);
  if (left > 0) {
    std::memcpy(pending_.data(), p, left);
    pending_size_ = left;
  }
}

void sha256::update(std::string_view text) noexcept { update(as_bytes(text)); }

sha256_digest sha256::finish() noexcept {
  // Padding (5.1.1): a one bit, zeros to 56 bytes mod 64, the length in bits.
  const std::uint64_t bits = total_bytes_ * 8;
  pending_[pending_size_++] = std::byte{0x80};
  if (pending_size_ > block_size - 8) {
    std::memset(pending_.data() + pending_size_, 0, block_size - pending_size_);
    compress(pending_.data());
    pending_size_ = 0;
  }
  std::memset(pending_.data() + pending_size_, 0, block_size - 8 - pending_size_);
  for (std::size_t i = 0; i < 8; ++i) {
    pending_[block_size - 1 - i] = static_cast<std::byte>(bits >> (8 * i));
  }
  compress(pending_.data());
  sha256_digest out;
  for (std::size_t i = 0; i < 8; ++i) store_be32(out.data() + 4 * i, state_[i]);
  reset();
  return out;
}

sha256_digest sha256_of(std::span<const std::byte> data) noexcept {
  sha256 h;
  h.update(data);
  return h.finish();
}

sha256_digest sha256_of(std::string_view text) noexcept { return sha256_of(as_bytes(text)); }

text_buffer<2 * sha256_size> to_hex(const sha256_digest& digest) noexcept {
  constexpr std::string_view digits = "0123456789abcdef";
  text_buffer<2 * sha256_size> out;
  for (const std::byte b : digest) {
    const auto v = std::to_integer<unsigned>(b);
    out.append(digits[v >> 4]);
    out.append(digits[v & 0xf]);
  }
  return out;
}

}  // namespace atl
