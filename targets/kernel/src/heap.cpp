#include <atoll/core/assert.hpp>
#include <atoll/kernel/heap.hpp>

namespace atl::kernel {

// A block: this header, then the payload. `head` holds the block's size
// (header included, a multiple of 16) and two flags in its low bits. A free
// block keeps the free list's links in its payload, and its size in the
// prev_size of the block after it. Each region ends with a 16-byte sentinel
// marked in use, so merging forward stops there; its first block says its
// predecessor is in use, so merging backward stops there.
struct heap::block {
  static constexpr std::size_t used_bit = 1;
  static constexpr std::size_t prev_used_bit = 2;
  static constexpr std::size_t flags = used_bit | prev_used_bit;
  static constexpr std::size_t header = 16;
  static constexpr std::size_t min_size = 32;  // header + the two links

  std::size_t prev_size;  // the size of the block before, when it is free
  std::size_t head;
  // Free blocks only: the list links, in the payload.
  block* next_free;
  block* prev_free;

  [[nodiscard]] std::size_t size() const noexcept { return head & ~flags; }
  [[nodiscard]] bool used() const noexcept { return (head & used_bit) != 0; }
  [[nodiscard]] bool prev_used() const noexcept { return (head & prev_used_bit) != 0; }
  void set_size(std::size_t s) noexcept { head = s | (head & flags); }
  void set_used(bool u) noexcept { head = u ? head | used_bit : head & ~used_bit; }
  void set_prev_used(bool u) noexcept { head = u ? head | prev_used_bit : head & ~prev_used_bit; }
  [[nodiscard]] block* after() noexcept {
    return reinterpret_cast<block*>(reinterpret_cast<std::byte*>(this) + size());
  }
  [[nodiscard]] block* before() noexcept {
    return reinterpret_cast<block*>(reinterpret_cast<std::byte*>(this) - prev_size);
  }
  [[nodiscard]] std::byte* payload() noexcept {
    return reinterpret_cast<std::byte*>(this) + header;
  }
  static block* of(const void* payload) noexcept {
    return reinterpret_cast<block*>(const_cast<std::byte*>(static_cast<const std::byte*>(payload)) -
                                    header);
  }
};

namespace {

constexpr std::uintptr_t align_up(std::uintptr_t v, std::size_t a) noexcept {
  return (v + a - 1) & ~(std::uintptr_t{a} - 1);
}

}  // namespace

bool heap::add_region(void* start, std::size_t size) noexcept {
  if (stats_.regions == max_regions) return false;
  const auto first = align_up(reinterpret_cast<std::uintptr_t>(start), alignment);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(start) + size) & ~(alignment - 1);
  if (end <= first || end - first < 4 * block::header) return false;
  const std::size_t usable = end - first - block::header;  // the sentinel's header last
  auto* b = reinterpret_cast<block*>(first);
  b->prev_size = 0;
  b->head = usable | block::prev_used_bit;
  auto* sentinel = reinterpret_cast<block*>(end - block::header);
  sentinel->prev_size = usable;
  sentinel->head = block::used_bit;  // size 0, in use, its predecessor free
  link(b);
  regions_[stats_.regions++] = region{reinterpret_cast<std::byte*>(first), end - first};
  stats_.bytes_total += usable;
  return true;
}

void heap::link(block* b) noexcept {
  b->prev_free = nullptr;
  b->next_free = free_;
  if (free_ != nullptr) free_->prev_free = b;
  free_ = b;
}

void heap::unlink(block* b) noexcept {
  if (b->prev_free != nullptr) {
    b->prev_free->next_free = b->next_free;
  } else {
    free_ = b->next_free;
  }
  if (b->next_free != nullptr) b->next_free->prev_free = b->prev_free;
}

// carve(b, need, align): takes free block `b` (on the list) for a block of
// `need` bytes whose payload is aligned to `align`; nullptr when it does
// not fit. Pieces before and after go back on the list as free blocks.
heap::block* heap::carve(block* b, std::size_t need, std::size_t align) noexcept {
  const auto payload = reinterpret_cast<std::uintptr_t>(b->payload());
  std::uintptr_t aligned = align_up(payload, align);
  // A piece cut off in front must be a block of its own.
  if (aligned != payload && aligned - payload < block::min_size) aligned += align;
  const std::size_t lead = aligned - payload;
  if (lead > b->size() || b->size() - lead < need) return nullptr;

  unlink(b);
  if (lead > 0) {
    // [b, b + lead) stays free; the rest becomes the block to use.
    auto* rest = reinterpret_cast<block*>(reinterpret_cast<std::byte*>(b) + lead);
    rest->head = b->size() - lead;  // its predecessor (the lead) is free
    rest->prev_size = lead;
    b->set_size(lead);
    link(b);
    b = rest;
  }
  if (b->size() - need >= block::min_size) {
    auto* tail = reinterpret_cast<block*>(reinterpret_cast<std::byte*>(b) + need);
    tail->head = (b->size() - need) | block::prev_used_bit;
    tail->after()->prev_size = tail->size();
    tail->after()->set_prev_used(false);
    b->set_size(need);
    link(tail);
  } else {
    b->after()->set_prev_used(true);
  }
  b->set_used(true);
  stats_.bytes_in_use += b->size();
  ++stats_.blocks_in_use;
  return b;
}

void* heap::allocate(std::size_t size, std::size_t align) noexcept {
  if (align < alignment) align = alignment;
  if ((align & (align - 1)) != 0 || size > (std::size_t{1} << 62) ||
      align > (std::size_t{1} << 40)) {
    ++stats_.failures;
    return nullptr;
  }
  const std::size_t payload = align_up(size < 16 ? 16 : size, alignment);
  const std::size_t need = payload + block::header;
  for (block* b = free_; b != nullptr; b = b->next_free) {
    if (block* got = carve(b, need, align)) return got->payload();
  }
  ++stats_.failures;
  return nullptr;
}

void heap::release(void* p) noexcept {
  if (p == nullptr) return;
  block* b = block::of(p);
  ATOLL_ASSERT((reinterpret_cast<std::uintptr_t>(p) & (alignment - 1)) == 0);
  ATOLL_ASSERT(b->used() && b->size() >= block::min_size && b->size() % alignment == 0);
  ATOLL_ASSERT(b->after()->prev_used());
  stats_.bytes_in_use -= b->size();
  --stats_.blocks_in_use;
  b->set_used(false);
  block* next = b->after();
  if (!next->used()) {
    unlink(next);
    b->set_size(b->size() + next->size());
  }
  if (!b->prev_used()) {
    block* prev = b->before();
    ATOLL_ASSERT(!prev->used() && prev->size() == b->prev_size);
    unlink(prev);
    prev->set_size(prev->size() + b->size());
    b = prev;
  }
  b->after()->prev_size = b->size();
  b->after()->set_prev_used(false);
  link(b);
}

std::size_t heap::usable_size(const void* p) const noexcept {
  return p == nullptr ? 0 : block::of(p)->size() - block::header;
}

std::size_t heap::largest_free() const noexcept {
  std::size_t best = 0;
  for (const block* b = free_; b != nullptr; b = b->next_free) {
    if (b->size() - block::header > best) best = b->size() - block::header;
  }
  return best;
}

bool heap::check() const noexcept {
  std::size_t free_blocks = 0;
  std::size_t used_bytes = 0;
  for (std::size_t r = 0; r < stats_.regions; ++r) {
    auto* b = reinterpret_cast<block*>(regions_[r].start);
    std::byte* const end = regions_[r].start + regions_[r].size - block::header;
    bool prev_used = true;
    std::size_t prev_size = 0;
    while (reinterpret_cast<std::byte*>(b) < end) {
      const std::size_t s = b->size();
      if (s < block::min_size || s % alignment != 0 || b->prev_used() != prev_used) return false;
      if (!prev_used && b->prev_size != prev_size) return false;
      if (reinterpret_cast<std::byte*>(b) + s > end) return false;
      if (!b->used() && !prev_used) return false;  // two free blocks in a row: not merged
      if (b->used()) {
        used_bytes += s;
      } else {
        ++free_blocks;
      }
      prev_used = b->used();
      prev_size = s;
      b = b->after();
    }
    if (reinterpret_cast<std::byte*>(b) != end || !b->used() || b->size() != 0) return false;
    if (b->prev_used() != prev_used || (!prev_used && b->prev_size != prev_size)) return false;
  }
  std::size_t listed = 0;
  for (const block* b = free_; b != nullptr; b = b->next_free) {
    if (b->used() || ++listed > free_blocks) return false;
  }
  return listed == free_blocks && used_bytes == stats_.bytes_in_use;
}

}  // namespace atl::kernel
