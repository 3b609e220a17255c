// buf and bufs: reference-counted views of bytes (the role of Cstruct).
//
// A buf is a window [offset, offset+size) onto a storage block. Copying a buf
// shares the block (the count goes up); the block is freed, and its bytes
// refunded to its memory_budget, when the last view goes. Packets travel as
// bufs: a layer narrows the view to its payload with sub()/shift() instead of
// copying, and on the way out prepends its header into the headroom reserved
// in front of the payload when the block was made.
//
// Headroom is handed out once: prepend() succeeds only for the view whose
// front is the block's lowest claimed byte, so two views sharing a block can
// never write over each other's headers.
//
// Storage blocks are recycled: a freed block of up to about 64 KiB goes onto
// a bounded free list by size class (core/src/block_pool.hpp) and the next
// allocation of its class reuses it, so the data path does not call the heap
// per frame. The lists hold at most pool_limit_bytes; budgets are charged
// and refunded exactly as if every block came from the heap. Single-threaded
// like all of atoll: bufs may not be made or freed on two threads at once.
//
// Every offset is checked. Accessors taking an offset from peer data return
// result<T> (read_u16, sub, shift); the unchecked-looking accessors (u16,
// set_u16) are for code that has already validated the length with a checked
// view, and stop with a report on a bug instead of reading out of bounds.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/budget.hpp>
#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>
#include <utility>

namespace atl {

class buf {
public:
  /// allocate(size, headroom, budget): a writable, zero-filled buf of `size`
  /// bytes with `headroom` bytes reserved in front; charged to `budget` when
  /// given. errc::no_memory when the budget or the heap says no.
  static result<buf> allocate(std::size_t size, std::size_t headroom = 0,
                              memory_budget* budget = nullptr) noexcept;
  /// allocate_uninit(size, headroom, budget): as allocate(), but the `size`
  /// bytes of the view are NOT zero-filled (the headroom still is): the
  /// caller must write every byte before anything reads it. For buffers
  /// written at once (copies, device reads trimmed to the length read),
  /// where zero-filling would touch every byte twice.
  static result<buf> allocate_uninit(std::size_t size, std::size_t headroom = 0,
                                     memory_budget* budget = nullptr) noexcept;
  /// copy_of(bytes): a new writable buf holding a copy of `bytes`.
  static result<buf> copy_of(std::span<const std::byte> bytes, std::size_t headroom = 0,
                             memory_budget* budget = nullptr) noexcept;
  static result<buf> copy_of(std::string_view text) noexcept;
  /// The free lists of storage blocks: what they hold never exceeds this.
  static constexpr std::size_t pool_limit_bytes = std::size_t{1} << 20;
  struct pool_stats {
    std::size_t reused;       // blocks taken from a free list
    std::size_t fresh;        // blocks taken from the heap
    std::size_t kept_blocks;  // blocks on the free lists now
    std::size_t kept_bytes;   // their size, <= pool_limit_bytes
  };
  /// pool: the free lists' counters (statistics, tests).
  [[nodiscard]] static pool_stats pool() noexcept;
  /// trim_pool: gives every block on the free lists back to the heap.
  static void trim_pool() noexcept;

  /// borrow(bytes): a read-only view of memory that outlives every copy of
  /// the view (bytes compiled into the image); nothing is counted or freed.
  static buf borrow(std::span<const std::byte> bytes) noexcept;

  buf() noexcept = default;
  buf(const buf& other) noexcept;
  buf(buf&& other) noexcept;
  buf& operator=(const buf& other) noexcept;
  buf& operator=(buf&& other) noexcept;
  ~buf();

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const std::byte* data() const noexcept { return data_; }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
  [[nodiscard]] std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }
  /// writable: the view may be written through (not borrowed).
  [[nodiscard]] bool writable() const noexcept { return block_ != nullptr; }
  /// mutable_bytes: the bytes for writing; the buf must be writable.
  [[nodiscard]] std::span<std::byte> mutable_bytes() noexcept;

  /// sub(offset, length): a view of part of this one, sharing the block.
  [[nodiscard]] result<buf> sub(std::size_t offset, std::size_t length) const noexcept;
  /// sub(offset): from offset to the end.
  [[nodiscard]] result<buf> sub(std::size_t offset) const noexcept;
  /// shift(n): drops the first n bytes of this view.
  result<void> shift(std::size_t n) noexcept;
  /// truncate(n): keeps the first n bytes (n <= size()).
  result<void> truncate(std::size_t n) noexcept;

  /// headroom: bytes available in front of this view for prepend().
  [[nodiscard]] std::size_t headroom() const noexcept;
  /// prepend(n): grows the view n bytes to the front, into the headroom.
  /// errc::limit_exceeded when there is not enough headroom or another view
  /// has already claimed it.
  result<void> prepend(std::size_t n) noexcept;

  // Checked big-endian reads for offsets that come from peer data.
  [[nodiscard]] result<std::uint8_t> read_u8(std::size_t offset) const noexcept;
  [[nodiscard]] result<std::uint16_t> read_u16(std::size_t offset) const noexcept;
  [[nodiscard]] result<std::uint32_t> read_u32(std::size_t offset) const noexcept;
  [[nodiscard]] result<std::uint64_t> read_u64(std::size_t offset) const noexcept;

  // Big-endian access at offsets already validated; a bad offset is a bug.
  [[nodiscard]] std::uint8_t u8(std::size_t offset) const noexcept;
  [[nodiscard]] std::uint16_t u16(std::size_t offset) const noexcept;
  [[nodiscard]] std::uint32_t u32(std::size_t offset) const noexcept;
  [[nodiscard]] std::uint64_t u64(std::size_t offset) const noexcept;
  void set_u8(std::size_t offset, std::uint8_t v) noexcept;
  void set_u16(std::size_t offset, std::uint16_t v) noexcept;
  void set_u32(std::size_t offset, std::uint32_t v) noexcept;
  void set_u64(std::size_t offset, std::uint64_t v) noexcept;
  /// fill(offset, bytes): copies bytes into the view at offset (checked).
  result<void> fill(std::size_t offset, std::span<const std::byte> bytes) noexcept;

  /// shares_block(other): both views are of the same storage block.
  [[nodiscard]] bool shares_block(const buf& other) const noexcept {
    return block_ != nullptr && block_ == other.block_;
  }
  /// use_count: views of this block alive (0 for borrowed and empty bufs).
  [[nodiscard]] std::size_t use_count() const noexcept;

  struct block;  // storage header, private to buf.cpp

private:
  buf(block* b, std::byte* data, std::size_t size) noexcept : block_(b), data_(data), size_(size) {}
  void release() noexcept;
  [[nodiscard]] std::uint64_t load_be(std::size_t offset, std::size_t width) const noexcept;
  void store_be(std::size_t offset, std::size_t width, std::uint64_t v) noexcept;

  block* block_ = nullptr;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

/// bufs: a short scatter-gather list of bufs, for frames and writes made of
/// a header and payload pieces. Holds at most `max_segments`; never allocates.
// clang-tidy 16 reports the '__i0' of the implicit copy of the segs_ array.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming)
class bufs {
public:
  static constexpr std::size_t max_segments = 16;

  // Copies, moves and the destructor touch the segments in use only:
  // frames pass through several queues as bufs, and the implicit members
  // would copy and destroy all 16 slots, each an out-of-line call. The
  // slots past count_ always hold empty bufs (every member keeps it so), so
  // they need no destructor. A moved-from bufs is empty.
  bufs() noexcept { make_empty_slots(); }
  explicit bufs(buf b) noexcept {
    make_empty_slots();
    (void)push_back(std::move(b));
  }
  bufs(const bufs& other) noexcept : count_(other.count_), size_(other.size_) {
    make_empty_slots();
    for (std::size_t i = 0; i < count_; ++i) items_[i] = other.items_[i];
  }
  bufs(bufs&& other) noexcept : count_(other.count_), size_(other.size_) {
    make_empty_slots();
    for (std::size_t i = 0; i < count_; ++i) items_[i] = std::move(other.items_[i]);
    other.count_ = 0;
    other.size_ = 0;
  }
  bufs& operator=(const bufs& other) noexcept {
    if (this != &other) {
      clear();
      for (std::size_t i = 0; i < other.count_; ++i) items_[i] = other.items_[i];
      count_ = other.count_;
      size_ = other.size_;
    }
    return *this;
  }
  bufs& operator=(bufs&& other) noexcept {
    if (this != &other) {
      clear();
      for (std::size_t i = 0; i < other.count_; ++i) items_[i] = std::move(other.items_[i]);
      count_ = std::exchange(other.count_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~bufs() {
    for (std::size_t i = 0; i < count_; ++i) items_[i].~buf();
  }

  /// push_back / push_front: errc::limit_exceeded past max_segments.
  result<void> push_back(buf b) noexcept;
  result<void> push_front(buf b) noexcept;

  [[nodiscard]] std::size_t segments() const noexcept { return count_; }
  [[nodiscard]] const buf& operator[](std::size_t i) const noexcept {
    ATOLL_ASSERT(i < count_);
    return items_[i];
  }
  [[nodiscard]] buf& operator[](std::size_t i) noexcept {
    ATOLL_ASSERT(i < count_);
    return items_[i];
  }
  /// size: total bytes over all segments.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  const buf* begin() const noexcept { return items_; }
  const buf* end() const noexcept { return items_ + count_; }

  /// copy_to(out): copies min(size(), out.size()) bytes; returns the count.
  std::size_t copy_to(std::span<std::byte> out) const noexcept;
  /// shift(n): drops the first n bytes, across segments.
  result<void> shift(std::size_t n) noexcept;
  /// flatten: one buf with all the bytes (shares when there is one segment).
  [[nodiscard]] result<buf> flatten(memory_budget* budget = nullptr) const noexcept;
  void clear() noexcept;

private:
  void make_empty_slots() noexcept {
    for (buf& b : items_) ::new (static_cast<void*>(&b)) buf();
  }

  // In a union so that the array's members are constructed and destroyed
  // by the members above, not implicitly.
  union {
    buf items_[max_segments];
  };
  std::size_t count_ = 0;
  std::size_t size_ = 0;
};

/// as_bytes(text): the bytes of a string, for comparisons and copies.
inline std::span<const std::byte> as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

}  // namespace atl
