// kernel::heap: the memory allocator of the kernel targets, over the RAM the
// boot memory map gives (operator new, malloc and BoringSSL's allocations
// all end here).
//
// A boundary-tag allocator (dlmalloc's layout, without its bins): every
// block starts with a 16-byte header holding its size, whether it is in use
// and whether the block before it is, and a free block's size is repeated
// in the next block's header, so that freeing merges a block with both of
// its neighbours in constant time. Free blocks are on one list, searched
// first-fit. Payloads are 16-byte aligned; larger alignments (page tables,
// DMA rings: up to 4096 and beyond, any power of two) are cut from a free
// block, the piece before the aligned payload given back.
//
// Exhaustion is an error value: allocate() returns nullptr and counts it,
// and operator new turns that into no_memory results upstream (the portable
// code allocates with std::nothrow). A header that does not check out (a
// double free, a write before the payload) is a program bug and panics.
//
// Portable and freestanding; single-threaded, like the kernel's engine. The
// host tests run it over a buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace atl::kernel {

struct heap_stats {
  std::size_t regions = 0;
  std::size_t bytes_total = 0;   ///< usable bytes in all regions (headers included)
  std::size_t bytes_in_use = 0;  ///< bytes of blocks in use (headers included)
  std::size_t blocks_in_use = 0;
  std::uint64_t failures = 0;  ///< allocations refused for want of memory
};

class heap {
public:
  static constexpr std::size_t alignment = 16;  ///< of every payload
  static constexpr std::size_t max_regions = 64;

  heap() noexcept = default;
  heap(const heap&) = delete;
  heap& operator=(const heap&) = delete;

  /// add_region(start, size): gives the heap [start, start + size). The
  /// region is trimmed to 16-byte bounds; one smaller than 64 bytes, or past
  /// max_regions, is ignored (returns false).
  bool add_region(void* start, std::size_t size) noexcept;

  /// allocate(size, align): a payload of at least `size` bytes aligned to
  /// `align` (a power of two; below 16 means 16), or nullptr when no free
  /// block fits (counted in failures). size 0 gives a valid, unique payload.
  [[nodiscard]] void* allocate(std::size_t size, std::size_t align = alignment) noexcept;

  /// release(p): gives back a payload from allocate (nullptr: nothing).
  void release(void* p) noexcept;

  /// usable_size(p): how many bytes the payload really has.
  [[nodiscard]] std::size_t usable_size(const void* p) const noexcept;

  [[nodiscard]] const heap_stats& stats() const noexcept { return stats_; }
  /// largest_free: the largest payload an allocation of alignment 16 could get now.
  [[nodiscard]] std::size_t largest_free() const noexcept;
  /// check: walks every region and the free list; false when a header is
  /// inconsistent (for tests and the fault report).
  [[nodiscard]] bool check() const noexcept;

private:
  struct block;
  void link(block* b) noexcept;
  void unlink(block* b) noexcept;
  block* carve(block* b, std::size_t payload, std::size_t align) noexcept;

  block* free_ = nullptr;  // the free list, most recently freed first
  struct region {
    std::byte* start;
    std::size_t size;
  };
  region regions_[max_regions] = {};
  heap_stats stats_;
};

}  // namespace atl::kernel
