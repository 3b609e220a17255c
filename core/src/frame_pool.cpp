// Coroutine frame storage: detail::allocate_frame / free_frame (task.hpp)
// over bounded free lists by size class (block_pool.hpp).
#include "block_pool.hpp"
#include <atoll/core/task.hpp>

namespace atl::detail {
namespace {

// Frame sizes (with the 16-byte header) of the tasks on the data path: a
// device read or write, a timer wait, a stack's loops. Larger frames (rare,
// long-lived) come from the heap.
constexpr pool_class frame_classes[] = {{256, 64}, {512, 64}, {1024, 32}, {2048, 32}};
static_assert(256 * 64 + 512 * 64 + 1024 * 32 + 2048 * 32 <= frame_pool_limit_bytes);

// One engine, one thread (block_pool.hpp): no lock.
constinit block_pool frame_blocks{frame_classes};

}  // namespace

void* allocate_frame(std::size_t size, memory_budget* budget) noexcept {
  const std::size_t total = size + sizeof(frame_header);
  if (budget != nullptr && !budget->try_charge(total)) return nullptr;
  void* raw = frame_blocks.allocate(total);
  if (raw == nullptr) {
    if (budget != nullptr) budget->refund(total);
    return nullptr;
  }
  auto* header = static_cast<frame_header*>(raw);
  header->budget = budget;
  header->size = total;
  return header + 1;
}

void free_frame(void* frame) noexcept {
  auto* header = static_cast<frame_header*>(frame) - 1;
  memory_budget* budget = header->budget;
  const std::size_t total = header->size;
  frame_blocks.free(header, total);
  if (budget != nullptr) budget->refund(total);
}

frame_pool_stats frame_pool() noexcept {
  const block_pool_counts& c = frame_blocks.counts();
  return {c.reused, c.fresh, c.kept_blocks, c.kept_bytes};
}

void trim_frame_pool() noexcept { frame_blocks.trim(); }

}  // namespace atl::detail
