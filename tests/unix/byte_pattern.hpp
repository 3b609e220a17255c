// byte_pattern: a deterministic pseudo-random byte stream for bulk transfer
// tests. Any byte can be computed from its offset alone, so a receiver
// checks what arrives chunk by chunk, at whatever offsets the transport cut
// it, without keeping the whole stream, and a file of it is made and
// checked in one pass. Bytes 8k..8k+7 are the little-endian splitmix64 of
// (seed + k): no short period that a misplaced or repeated segment would
// hide behind.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace atl::unix_target::testing {

class byte_pattern {
public:
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  explicit byte_pattern(std::uint64_t seed) noexcept : seed_(seed) {}

  /// at(offset): the byte at `offset`.
  [[nodiscard]] std::byte at(std::uint64_t offset) const noexcept {
    const std::uint64_t word = mix(seed_ + (offset >> 3));
    return static_cast<std::byte>(word >> ((offset & 7) * 8));
  }

  /// fill(offset, out): out[i] = at(offset + i).
  void fill(std::uint64_t offset, std::span<std::byte> out) const noexcept {
    std::size_t i = 0;
    while (i < out.size()) {
      const std::uint64_t o = offset + i;
      const std::uint64_t word = mix(seed_ + (o >> 3));
      for (std::uint64_t b = o & 7; b < 8 && i < out.size(); ++b, ++i) {
        out[i] = static_cast<std::byte>(word >> (b * 8));
      }
    }
  }

  /// mismatch(offset, in): the index of the first byte of `in` that is not
  /// at(offset + index), or npos when all match.
  [[nodiscard]] std::size_t mismatch(std::uint64_t offset,
                                     std::span<const std::byte> in) const noexcept {
    std::size_t i = 0;
    while (i < in.size()) {
      const std::uint64_t o = offset + i;
      const std::uint64_t word = mix(seed_ + (o >> 3));
      for (std::uint64_t b = o & 7; b < 8 && i < in.size(); ++b, ++i) {
        if (in[i] != static_cast<std::byte>(word >> (b * 8))) return i;
      }
    }
    return npos;
  }

  /// write_file(path, size): a file of the first `size` bytes; false on failure.
  [[nodiscard]] bool write_file(const std::string& path, std::uint64_t size) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return false;
    std::vector<std::byte> chunk(std::size_t{1} << 16);
    bool ok = true;
    for (std::uint64_t at = 0; ok && at < size; at += chunk.size()) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - at));
      fill(at, std::span(chunk).first(n));
      ok = std::fwrite(chunk.data(), 1, n, f) == n;
    }
    return std::fclose(f) == 0 && ok;
  }

  /// check_file(path, size): empty when the file holds exactly the first
  /// `size` bytes, else what is wrong (its size, the first bad offset).
  [[nodiscard]] std::string check_file(const std::string& path, std::uint64_t size) const {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return "cannot open " + path;
    std::vector<std::byte> chunk(std::size_t{1} << 16);
    std::uint64_t at = 0;
    std::string problem;
    for (;;) {
      const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), f);
      if (n == 0) break;
      if (const std::size_t bad = mismatch(at, std::span(chunk).first(n)); bad != npos) {
        problem = "first wrong byte at offset " + std::to_string(at + bad);
        break;
      }
      at += n;
    }
    std::fclose(f);
    if (problem.empty() && at != size) {
      problem = "holds " + std::to_string(at) + " bytes, not " + std::to_string(size);
    }
    return problem;
  }

private:
  static std::uint64_t mix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  std::uint64_t seed_;
};

}  // namespace atl::unix_target::testing
