// The free lists behind buf storage and coroutine frames (core/src/
// block_pool.hpp): blocks are reused, the lists stay within their caps,
// budgets are charged exactly, and allocate() still zero-fills a reused block.
#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace atl {
namespace {

void scribble(buf& b) {
  for (std::byte& x : b.mutable_bytes()) x = std::byte{0xab};
}

bool all_zero(std::span<const std::byte> bytes) {
  for (std::byte x : bytes) {
    if (x != std::byte{0}) return false;
  }
  return true;
}

TEST(buf_pool, a_freed_block_is_reused) {
  buf::trim_pool();
  const buf::pool_stats before = buf::pool();
  const std::byte* first = nullptr;
  {
    auto b = buf::allocate(1000, 64);
    ASSERT_TRUE(b);
    first = b->data();
  }
  EXPECT_EQ(buf::pool().kept_blocks, before.kept_blocks + 1);
  auto again = buf::allocate(1200, 64);  // same size class
  ASSERT_TRUE(again);
  EXPECT_EQ(again->data(), first);
  EXPECT_EQ(buf::pool().reused, before.reused + 1);
  EXPECT_EQ(buf::pool().kept_blocks, before.kept_blocks);
}

TEST(buf_pool, the_block_returns_only_with_its_last_view) {
  buf::trim_pool();
  auto b = buf::allocate(500);
  ASSERT_TRUE(b);
  auto part = b->sub(100, 10);
  ASSERT_TRUE(part);
  *b = buf();
  EXPECT_EQ(buf::pool().kept_blocks, 0U);
  *part = buf();
  EXPECT_EQ(buf::pool().kept_blocks, 1U);
}

TEST(buf_pool, allocate_zero_fills_a_reused_block) {
  buf::trim_pool();
  const std::byte* first = nullptr;
  {
    auto b = buf::allocate_uninit(1400, 128);
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->prepend(128));
    scribble(*b);  // headroom and bytes
    first = b->data();
  }
  auto b = buf::allocate(1400, 128);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->data() - 128, first);  // the same block
  EXPECT_TRUE(all_zero(b->bytes()));
  ASSERT_TRUE(b->prepend(128));
  EXPECT_TRUE(all_zero(b->bytes()));
}

TEST(buf_pool, allocate_uninit_zero_fills_the_headroom_of_a_reused_block) {
  buf::trim_pool();
  {
    auto b = buf::allocate_uninit(1400, 128);
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->prepend(128));
    scribble(*b);
  }
  auto b = buf::allocate_uninit(1400, 128);
  ASSERT_TRUE(b);
  EXPECT_EQ(buf::pool().kept_blocks, 0U);  // it was reused
  ASSERT_TRUE(b->prepend(128));
  EXPECT_TRUE(all_zero(b->bytes().first(128)));
}

TEST(buf_pool, copy_of_a_reused_block_holds_the_copy) {
  buf::trim_pool();
  {
    auto b = buf::allocate(64);
    ASSERT_TRUE(b);
    scribble(*b);
  }
  auto c = buf::copy_of("hello");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->text(), "hello");
  EXPECT_EQ(buf::pool().kept_blocks, 0U);
}

TEST(buf_pool, the_lists_are_bounded) {
  buf::trim_pool();
  // Far more blocks of every class than the caps keep, all freed at once.
  std::vector<buf> held;
  held.reserve(800);
  for (std::size_t size : {100, 1500, 3000, 60000}) {
    for (int i = 0; i < 200; ++i) {
      auto b = buf::allocate_uninit(size);
      ASSERT_TRUE(b);
      held.push_back(std::move(*b));
    }
  }
  held.clear();
  const buf::pool_stats s = buf::pool();
  EXPECT_GT(s.kept_blocks, 0U);
  EXPECT_LT(s.kept_blocks, 800U);  // most went back to the heap
  EXPECT_LE(s.kept_bytes, buf::pool_limit_bytes);
  // Blocks too large for any class are never kept.
  { ASSERT_TRUE(buf::allocate_uninit(std::size_t{1} << 20)); }
  EXPECT_EQ(buf::pool().kept_blocks, s.kept_blocks);
  buf::trim_pool();
  EXPECT_EQ(buf::pool().kept_blocks, 0U);
  EXPECT_EQ(buf::pool().kept_bytes, 0U);
}

TEST(buf_pool, budgets_are_charged_exactly_on_reuse) {
  buf::trim_pool();
  memory_budget budget("pool-test", 1 << 20);
  std::size_t charged = 0;
  {
    auto b = buf::allocate(1000, 64, &budget);  // from the heap
    ASSERT_TRUE(b);
    charged = budget.used();
    EXPECT_GE(charged, 1064U);
    EXPECT_LT(charged, 1064U + 128U);  // the header, not the class's 2 KiB
  }
  EXPECT_EQ(budget.used(), 0U);
  {
    auto b = buf::allocate(1000, 64, &budget);  // from the list
    ASSERT_TRUE(b);
    EXPECT_EQ(buf::pool().kept_blocks, 0U);
    EXPECT_EQ(budget.used(), charged);
  }
  EXPECT_EQ(budget.used(), 0U);
  // A refusal takes nothing from the list or the budget.
  memory_budget tight("tight", 500);
  const std::size_t kept = buf::pool().kept_blocks;
  EXPECT_FALSE(buf::allocate(1000, 0, &tight));
  EXPECT_EQ(tight.used(), 0U);
  EXPECT_EQ(buf::pool().kept_blocks, kept);
}

#if defined(__SANITIZE_ADDRESS__)
// Pooled blocks are poisoned: ASan still reports a use after free, and an
// overrun into the slack of the block's size class.
TEST(buf_pool_death, a_use_after_free_is_reported) {
  buf::trim_pool();
  const std::byte* p = nullptr;
  {
    auto b = buf::allocate(100);
    ASSERT_TRUE(b);
    p = b->data();
  }
  EXPECT_DEATH(
      {
        volatile std::byte x = *p;
        (void)x;
      },
      "use-after-poison");
}

TEST(buf_pool_death, an_overrun_into_the_class_slack_is_reported) {
  auto b = buf::allocate(100);
  ASSERT_TRUE(b);
  const std::byte* p = b->data();
  EXPECT_DEATH(
      {
        volatile std::byte x = p[150];
        (void)x;
      },
      "use-after-poison");
}
#endif

// ---- coroutine frames ----------------------------------------------------

task<int> small_task(int v) { co_return v + 1; }
task<int> charged_task(memory_budget& /*budget*/, int v) { co_return v * 2; }

TEST(frame_pool, a_freed_frame_is_reused) {
  detail::trim_frame_pool();
  const detail::frame_pool_stats before = detail::frame_pool();
  { task<int> t = small_task(1); }
  EXPECT_EQ(detail::frame_pool().kept_blocks, 1U);
  { task<int> t = small_task(2); }
  EXPECT_EQ(detail::frame_pool().reused, before.reused + 1);
  EXPECT_EQ(detail::frame_pool().kept_blocks, 1U);
}

TEST(frame_pool, tasks_run_on_reused_frames) {
  sim_platform p;
  engine e(p);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(e.run(small_task(i)), i + 1);
  EXPECT_GE(detail::frame_pool().reused, 99U);
}

TEST(frame_pool, budgets_are_charged_exactly_on_reuse) {
  detail::trim_frame_pool();
  memory_budget budget("frames", 1 << 16);
  std::size_t charged = 0;
  {
    task<int> t = charged_task(budget, 1);
    charged = budget.used();
    EXPECT_GT(charged, 0U);
  }
  EXPECT_EQ(budget.used(), 0U);
  {
    task<int> t = charged_task(budget, 2);
    EXPECT_EQ(detail::frame_pool().kept_blocks, 0U);  // reused
    EXPECT_EQ(budget.used(), charged);
  }
  EXPECT_EQ(budget.used(), 0U);
}

TEST(frame_pool, the_lists_are_bounded) {
  detail::trim_frame_pool();
  std::vector<task<int>> held;
  held.reserve(1000);
  for (int i = 0; i < 1000; ++i) held.push_back(small_task(i));
  held.clear();
  EXPECT_GT(detail::frame_pool().kept_blocks, 0U);
  EXPECT_LT(detail::frame_pool().kept_blocks, 1000U);
  EXPECT_LE(detail::frame_pool().kept_bytes, detail::frame_pool_limit_bytes);
  detail::trim_frame_pool();
  EXPECT_EQ(detail::frame_pool().kept_blocks, 0U);
}

}  // namespace
}  // namespace atl
