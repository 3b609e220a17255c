// The byte pattern every bench_tcp sender writes and every receiver checks
// (docs/performance.md, "tcp").
//
// Byte i of a stream is table()[i % period]: a receiver compares each piece
// it gets against the table with memcmp, so checking costs about as much as
// one more copy and catches lost, duplicated, reordered or corrupted bytes.
// The period is prime, so it never lines up with segment or write sizes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace bench {

class pattern {
public:
  static constexpr std::size_t period = 65521;
  /// The largest piece at one offset (slice(), write sizes).
  static constexpr std::size_t max_piece = std::size_t{64} * 1024;

  pattern() : table_(period + max_piece) {
    std::uint32_t x = 0x9e3779b9U;
    for (std::size_t i = 0; i < period; ++i) {
      x = x * 1664525U + 1013904223U;  // an LCG: bytes that compress badly
      table_[i] = static_cast<std::byte>(x >> 24);
    }
    // The tail repeats the head, so any piece of up to max_piece bytes is
    // one contiguous slice. Byte by byte: max_piece > period, so the tail
    // repeats part of itself (a memmove would copy the zeros).
    for (std::size_t i = period; i < table_.size(); ++i) table_[i] = table_[i - period];
  }

  /// slice(offset, n): the n (<= max_piece) bytes at stream offset `offset`.
  [[nodiscard]] std::span<const std::byte> slice(std::uint64_t offset, std::size_t n) const {
    return {table_.data() + offset % period, std::min(n, max_piece)};
  }

  /// matches(offset, bytes): whether `bytes` are the stream's bytes at `offset`.
  [[nodiscard]] bool matches(std::uint64_t offset, std::span<const std::byte> bytes) const {
    while (!bytes.empty()) {
      const std::size_t n = std::min(bytes.size(), max_piece);
      if (std::memcmp(bytes.data(), table_.data() + offset % period, n) != 0) return false;
      offset += n;
      bytes = bytes.subspan(n);
    }
    return true;
  }

private:
  std::vector<std::byte> table_;
};

/// the_pattern: the one table of the process (built on first use).
const pattern& the_pattern();

}  // namespace bench
