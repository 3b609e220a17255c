// chacha_random: the portable CSPRNG behind every target's random device.
//
// A ChaCha20 keystream generator with fast key erasure (D. J. Bernstein,
// "Fast-key-erasure random-number generators", 2017): each refill computes a
// few ChaCha20 blocks under the current key, the first 32 bytes of them
// become the next key at once, and every output byte is wiped from the
// buffer as it is handed out. Whoever reads the state later learns nothing
// about outputs already given. The target seeds it with 32 or more bytes of
// its own entropy (getrandom on unix, RDSEED/virtio-rng in a kernel) and may
// mix more in later with reseed().
//
// Deterministic for a given seed: tests and simulations seed it with a fixed
// value to replay a run. Not copyable (a copy would repeat the outputs);
// movable, and a moved-from generator stops with a report if used.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/devices/chacha20.hpp>
#include <atoll/devices/random.hpp>

#include <array>
#include <cstddef>
#include <span>

namespace atl {

class chacha_random {
public:
  /// The least seed create() accepts, in bytes.
  static constexpr std::size_t min_seed_size = 32;

  /// create(seed): a generator keyed from `seed` (hashed, so any length from
  /// min_seed_size up is fine). errc::invalid_argument when the seed is
  /// shorter. The seed is not kept; the caller should wipe it.
  static result<chacha_random> create(std::span<const std::byte> seed) noexcept;

  chacha_random(const chacha_random&) = delete;
  chacha_random& operator=(const chacha_random&) = delete;
  chacha_random(chacha_random&& other) noexcept;
  chacha_random& operator=(chacha_random&& other) noexcept;
  /// Wipes the key and the buffered output.
  ~chacha_random();

  /// fill(out): writes random bytes over all of `out`. Never fails.
  void fill(std::span<std::byte> out) noexcept;

  /// reseed(entropy): mixes `entropy` into the key (new key = SHA-256 of the
  /// old key and the entropy) and drops buffered output. Any length, even
  /// zero (which still forces a new key).
  void reseed(std::span<const std::byte> entropy) noexcept;

private:
  static constexpr std::size_t blocks_per_refill = 8;
  static constexpr std::size_t buffer_size = blocks_per_refill * chacha20_block_size;

  chacha_random() noexcept = default;
  void refill() noexcept;
  void wipe() noexcept;

  std::array<std::byte, chacha20_key_size> key_{};
  std::array<std::byte, buffer_size> buffer_{};
  std::size_t position_ = buffer_size;  // next unused byte of buffer_
  bool keyed_ = false;
};

static_assert(random<chacha_random>);

/// secure_wipe(bytes): zeroes `bytes` in a way the compiler may not elide.
void secure_wipe(std::span<std::byte> bytes) noexcept;

}  // namespace atl
