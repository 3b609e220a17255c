// sha256: the SHA-256 hash of FIPS 180-4, small and portable.
//
// Used for the content digests of the key-value devices (kv_ro::digest) and by
// the build-time crunching of files into an image. It is not a general crypto
// library: BoringSSL provides the TLS-grade primitives later. Incremental:
// update() any number of times, then finish().
#pragma once

#include <atoll/core/format.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace atl {

inline constexpr std::size_t sha256_size = 32;

/// sha256_digest: the 32 bytes of a SHA-256 hash, in the order FIPS 180-4
/// prints them.
using sha256_digest = std::array<std::byte, sha256_size>;

class sha256 {
public:
  static constexpr std::size_t block_size = 64;

  sha256() noexcept { reset(); }

  /// update(data): hashes `data` after what came before. Never fails.
  void update(std::span<const std::byte> data) noexcept;
  void update(std::string_view text) noexcept;

  /// finish: the digest of everything given to update() since construction
  /// or the last finish(); the object is then fresh again.
  [[nodiscard]] sha256_digest finish() noexcept;

  /// reset: forgets everything hashed so far.
  void reset() noexcept;

private:
  void compress(const std::byte* block) noexcept;

  std::array<std::uint32_t, 8> state_{};
  std::array<std::byte, block_size> pending_{};
  std::size_t pending_size_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// sha256_of(data): the digest of `data` in one call.
[[nodiscard]] sha256_digest sha256_of(std::span<const std::byte> data) noexcept;
[[nodiscard]] sha256_digest sha256_of(std::string_view text) noexcept;

/// to_hex(digest): the 64 lowercase hexadecimal digits of a digest.
[[nodiscard]] text_buffer<2 * sha256_size> to_hex(const sha256_digest& digest) noexcept;

}  // namespace atl
