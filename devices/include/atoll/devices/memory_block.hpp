// memory_block: a block device in RAM, for tests and simulations.
//
// Meets the block contract (block.hpp) and adds what tests of storage code
// need: injected failures (an error after so many successful requests,
// optionally after part of a write reached the sectors), a simulated crash
// that forgets or tears writes not covered by a flush, and an optional
// latency on the engine so that several requests are truly in flight at once.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/block.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace atl {

enum class block_op : std::uint8_t { read, write, flush };

/// block_fault: an injected failure. The first `skip` requests of kind `op`
/// succeed, then the next `times` fail with `code`. A failing write first
/// stores its first `sectors_written` sectors (a torn write).
struct block_fault {
  static constexpr std::uint64_t forever = static_cast<std::uint64_t>(-1);
  block_op op = block_op::write;
  std::uint64_t skip = 0;
  std::uint64_t times = 1;
  errc code = errc::io_error;
  std::uint64_t sectors_written = 0;
};

struct memory_block_options {
  std::uint32_t sector_size = 512;  ///< valid_sector_size()
  std::uint64_t sector_count = 0;   ///< at least 1
  bool read_only = false;
  /// Remember what each sector held at the last flush, so that crash() can
  /// undo unflushed writes. Costs one sector copy per sector written between
  /// flushes.
  bool volatile_cache = false;
  /// When set, every request first sleeps `latency` on this engine (which
  /// must outlive the device), and takes effect when it wakes up.
  engine* latency_engine = nullptr;
  duration latency{};
};

struct memory_block_stats {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t flushes = 0;
  std::uint64_t failures = 0;  ///< injected failures returned
};

class memory_block {
public:
  /// create(options): a zero-filled device. errc::invalid_argument for a bad
  /// sector size or count, errc::no_memory when the RAM cannot be had.
  static result<memory_block> create(const memory_block_options& options) noexcept;

  [[nodiscard]] block_info info() const noexcept { return info_; }

  /// read / write / flush: the block contract. The device must outlive the
  /// tasks; the buffers must stay valid until the task completes.
  task<result<void>> read(sector first, std::span<std::byte> out) noexcept;
  task<result<void>> write(sector first, std::span<const std::byte> in) noexcept;
  task<result<void>> flush() noexcept;

  /// inject(fault): adds a failure; faults of the same kind are used in the
  /// order they were added.
  void inject(const block_fault& fault);
  /// clear_faults: forgets every pending injected failure.
  void clear_faults() noexcept { faults_.clear(); }

  enum class crash_mode : std::uint8_t {
    lose_unflushed,  ///< every sector written since the last flush reverts
    tear_unflushed,  ///< each such sector independently keeps its new value or reverts
  };
  /// crash(mode, seed): what a power loss does to a disk with a volatile
  /// write cache; only with options.volatile_cache. The seed picks which
  /// sectors survive in tear_unflushed mode, so a failing case replays.
  void crash(crash_mode mode, std::uint64_t seed = 0) noexcept;

  /// contents: all the bytes of the device, for tests to inspect.
  [[nodiscard]] std::span<const std::byte> contents() const noexcept {
    return {bytes_.get(), static_cast<std::size_t>(info_.size_bytes())};
  }
  [[nodiscard]] const memory_block_stats& stats() const noexcept { return stats_; }
  /// unflushed_sectors: sectors written since the last flush (volatile_cache).
  [[nodiscard]] std::size_t unflushed_sectors() const noexcept { return pre_images_.size(); }

private:
  explicit memory_block(const memory_block_options& options) noexcept;
  /// take_fault(op): the injected failure due now for a request of `op`, if any.
  std::optional<block_fault> take_fault(block_op op) noexcept;
  void store(std::uint64_t first, std::span<const std::byte> in);
  task<void> wait_latency() noexcept;

  block_info info_;
  engine* latency_engine_;
  duration latency_;
  bool volatile_cache_;
  std::unique_ptr<std::byte[]> bytes_;
  std::vector<block_fault> faults_;
  std::map<std::uint64_t, std::vector<std::byte>> pre_images_;  // sector -> bytes at last flush
  memory_block_stats stats_;
};

static_assert(block<memory_block>);

}  // namespace atl
