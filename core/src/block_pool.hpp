// block_pool: bounded free lists of heap blocks by size class, private to
// core (the storage of bufs and of coroutine frames).
//
// The data path allocates and frees several blocks per frame (payload bufs,
// the switch's copy, device coroutine frames), and malloc/free was a quarter
// of its time (docs/performance.md, tcp). A freed block whose size falls in
// a class goes onto that class's list, up to the class's cap, and the next
// allocation of the class takes it back; past the cap, and for sizes above
// the largest class, blocks go to and come from the heap as before. So the
// memory the pool holds is at most the sum of bytes × cap over the classes.
//
// Single-threaded by design: atoll runs one engine on one thread and has no
// threads (DESIGN.md), so the lists take no lock. Budgets are not the pool's
// business: callers charge and refund exactly the bytes they asked for,
// whether the block comes from the list or the heap.
//
// Under AddressSanitizer a pooled block is poisoned whole, and a block in
// use is poisoned past the bytes asked for, so a use after free or an
// overrun into the class's slack is still reported.
#pragma once

#include <cstddef>
#include <new>
#include <span>

#if defined(__SANITIZE_ADDRESS__)
#define ATOLL_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATOLL_POOL_ASAN 1
#endif
#endif
// Tools that parse the code without the compiler's sanitizer headers
// (clang-tidy over a gcc ASan build) see the pool without poisoning.
#if defined(ATOLL_POOL_ASAN) && !__has_include(<sanitizer/asan_interface.h>)
#undef ATOLL_POOL_ASAN
#endif
#ifdef ATOLL_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace atl::detail {

/// One size class: blocks of `bytes` bytes (a multiple of 16), at most `cap`
/// kept free.
struct pool_class {
  std::size_t bytes;
  std::size_t cap;
};

/// What a pool has done and holds (tests, statistics).
struct block_pool_counts {
  std::size_t reused = 0;       // allocations served from a list
  std::size_t fresh = 0;        // allocations from the heap
  std::size_t kept_blocks = 0;  // blocks on the lists now
  std::size_t kept_bytes = 0;   // their size
};

class block_pool {
public:
  static constexpr std::size_t max_classes = 4;
  static constexpr std::size_t max_cap = 64;

  /// classes: ascending by bytes, at most max_classes, each cap <= max_cap.
  explicit constexpr block_pool(std::span<const pool_class> classes) noexcept : classes_(classes) {}
  block_pool(const block_pool&) = delete;
  block_pool& operator=(const block_pool&) = delete;

  /// allocate(size): a block of at least `size` bytes (aligned for any
  /// object), or nullptr when the heap has none. Its bytes are unspecified.
  void* allocate(std::size_t size) noexcept {
    const std::size_t c = class_of(size);
    if (c == no_class) {
      ++counts_.fresh;
      return ::operator new(size, std::nothrow);
    }
    list& l = lists_[c];
    void* p = nullptr;
    if (l.count != 0) {
      p = l.slots[--l.count];
      ++counts_.reused;
      --counts_.kept_blocks;
      counts_.kept_bytes -= classes_[c].bytes;
    } else {
      p = ::operator new(classes_[c].bytes, std::nothrow);
      if (p == nullptr) return nullptr;
      ++counts_.fresh;
    }
#ifdef ATOLL_POOL_ASAN
    ASAN_UNPOISON_MEMORY_REGION(p, size);
    ASAN_POISON_MEMORY_REGION(static_cast<std::byte*>(p) + size, classes_[c].bytes - size);
#endif
    return p;
  }

  /// free(p, size): gives back a block from allocate(size), same size.
  void free(void* p, std::size_t size) noexcept {
    const std::size_t c = class_of(size);
    if (c == no_class) {
      ::operator delete(p);
      return;
    }
    list& l = lists_[c];
#ifdef ATOLL_POOL_ASAN
    // The heap must see the whole block again (operator delete checks it).
    ASAN_UNPOISON_MEMORY_REGION(p, classes_[c].bytes);
#endif
    if (l.count == classes_[c].cap) {
      ::operator delete(p);
      return;
    }
#ifdef ATOLL_POOL_ASAN
    ASAN_POISON_MEMORY_REGION(p, classes_[c].bytes);
#endif
    l.slots[l.count++] = p;
    ++counts_.kept_blocks;
    counts_.kept_bytes += classes_[c].bytes;
  }

  /// trim: returns every kept block to the heap.
  void trim() noexcept {
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      list& l = lists_[c];
      while (l.count != 0) {
        void* p = l.slots[--l.count];
#ifdef ATOLL_POOL_ASAN
        ASAN_UNPOISON_MEMORY_REGION(p, classes_[c].bytes);
#endif
        ::operator delete(p);
      }
    }
    counts_.kept_blocks = 0;
    counts_.kept_bytes = 0;
  }

  [[nodiscard]] const block_pool_counts& counts() const noexcept { return counts_; }

private:
  static constexpr std::size_t no_class = max_classes;

  [[nodiscard]] std::size_t class_of(std::size_t size) const noexcept {
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      if (size <= classes_[c].bytes) return c;
    }
    return no_class;
  }

  struct list {
    std::size_t count = 0;
    void* slots[max_cap] = {};
  };

  std::span<const pool_class> classes_;
  list lists_[max_classes] = {};
  block_pool_counts counts_{};
};

}  // namespace atl::detail
