// unix_target::random: the random device, chacha_random seeded from the
// kernel's entropy (getrandom(2)).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/devices/chacha_random.hpp>
#include <atoll/devices/random.hpp>

#include <cstddef>
#include <span>

namespace atl::unix_target {

class random {
public:
  /// The bytes of kernel entropy taken by create() and reseed().
  static constexpr std::size_t seed_size = 64;

  /// create: a generator seeded with seed_size bytes from getrandom(2)
  /// (which waits, at early boot only, until the kernel's pool is ready).
  /// errc::unsupported without getrandom; another category on failure.
  static result<random> create() noexcept;

  /// fill(out): random bytes over all of `out`; never fails.
  void fill(std::span<std::byte> out) noexcept { generator_.fill(out); }

  /// reseed: mixes fresh kernel entropy into the generator.
  result<void> reseed() noexcept;

private:
  explicit random(chacha_random g) noexcept : generator_(std::move(g)) {}

  chacha_random generator_;
};

static_assert(atl::random<random>);

}  // namespace atl::unix_target
