// block: a sector-addressed storage device (the role of mirage-block).
//
// A block device is an array of `sector_count` sectors of `sector_size` bytes
// each. Requests name a first sector and a buffer whose size is a non-zero
// multiple of the sector size; they read or write consecutive sectors.
//
// Contract, for every implementation (tests/devices/conformance/
// block_conformance.hpp checks it):
//   - info() never changes while the device is open.
//   - read(s, out) fills all of `out` from sectors s, s+1, ...; write(s, in)
//     stores all of `in` there. A buffer that is empty or not a multiple of
//     the sector size, or a range that runs past the last sector, fails with
//     errc::invalid_argument and touches nothing.
//   - write() on a read-only device fails with errc::permission_denied;
//     flush() on a read-only device succeeds and does nothing.
//   - A failure of the device is errc::io_error.
//   - Atomicity is per sector only: after a crash, each sector of a write is
//     either old or new, and the sectors of one write can disagree.
//   - Durability: a write that completed is visible to later reads, but it
//     survives a crash only once a flush() that started after it completes.
//     flush() is the barrier that journals and the store's pack build on.
//   - Several requests may be in flight at once (separate coroutines). Their
//     order is unspecified unless one completes before the other starts;
//     overlapping concurrent writes leave each sector with one of the values.
//   - Buffers are the caller's and must stay valid until the task completes.
//     Destroying the task cancels the request: a read leaves the buffer in an
//     unspecified state, a write leaves each sector old or new.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace atl {

/// sector: the index of a sector on a block device (a strong type, so a
/// sector number is never mistaken for a byte offset or a count).
class sector {
public:
  constexpr sector() noexcept = default;
  constexpr explicit sector(std::uint64_t index) noexcept : index_(index) {}

  [[nodiscard]] constexpr std::uint64_t index() const noexcept { return index_; }

  /// s + n: the sector n places after s (the caller keeps it in range; the
  /// device checks the range of every request).
  friend constexpr sector operator+(sector s, std::uint64_t n) noexcept {
    return sector(s.index_ + n);
  }
  friend constexpr auto operator<=>(sector, sector) noexcept = default;

private:
  std::uint64_t index_ = 0;
};

/// block_info: the shape of a device.
struct block_info {
  std::uint32_t sector_size = 512;  ///< bytes per sector: a power of two, at least 512
  std::uint64_t sector_count = 0;   ///< sectors on the device
  bool read_only = false;           ///< write() is refused

  [[nodiscard]] constexpr std::uint64_t size_bytes() const noexcept {
    return sector_count * sector_size;
  }
  friend constexpr bool operator==(const block_info&, const block_info&) noexcept = default;
};

/// block<B>: the block device concept. See the contract at the top of this
/// header. `info()` is synchronous; read, write and flush are tasks.
template <class B>
concept block =
    requires(B& b, const B& cb, sector s, std::span<std::byte> out, std::span<const std::byte> in) {
      { cb.info() } -> std::same_as<block_info>;
      { b.read(s, out) } -> std::same_as<task<result<void>>>;
      { b.write(s, in) } -> std::same_as<task<result<void>>>;
      { b.flush() } -> std::same_as<task<result<void>>>;
    };

/// check_block_request(info, first, bytes): ok when a request of `bytes`
/// bytes from sector `first` is valid for a device of shape `info` (non-empty,
/// a multiple of the sector size, inside the device); otherwise the
/// errc::invalid_argument error every implementation returns.
result<void> check_block_request(const block_info& info, sector first, std::size_t bytes) noexcept;

/// valid_sector_size(n): n is a power of two from 512 to 65536.
[[nodiscard]] constexpr bool valid_sector_size(std::uint64_t n) noexcept {
  return n >= 512 && n <= 65536 && (n & (n - 1)) == 0;
}

}  // namespace atl
