#include "errno_error.hpp"
#include <atoll/unix/random.hpp>

#include <array>
#include <cerrno>
#include <sys/random.h>

namespace atl::unix_target {

namespace {

result<void> kernel_entropy(std::span<std::byte> out) noexcept {
  while (!out.empty()) {
    const ssize_t n = ::getrandom(out.data(), out.size(), 0);
    if (n > 0) {
      out = out.subspan(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return errno_error("getrandom", "", n < 0 ? errno : EIO);
  }
  return ok();
}

}  // namespace

result<random> random::create() noexcept {
  std::array<std::byte, seed_size> seed{};
  auto got = kernel_entropy(seed);
  if (!got) return got.error();
  auto generator = chacha_random::create(seed);
  secure_wipe(seed);
  if (!generator) return generator.error();
  return random(std::move(*generator));
}

result<void> random::reseed() noexcept {
  std::array<std::byte, seed_size> entropy{};
  auto got = kernel_entropy(entropy);
  if (got) generator_.reseed(entropy);
  secure_wipe(entropy);
  return got;
}

}  // namespace atl::unix_target
