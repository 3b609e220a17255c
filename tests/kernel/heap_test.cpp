// kernel::heap over a buffer: alignment, splitting and merging, exhaustion
// as a null result, a random workload against a model of what is in use,
// and a double free stopped by a panic.
#include <atoll/kernel/heap.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <vector>

namespace atl::kernel {
namespace {

constexpr std::size_t arena_size = std::size_t{1} << 20;

struct arena {
  arena() : bytes(new std::byte[arena_size + 4096]) {}
  // Deliberately misaligned by 8, so add_region has to trim.
  [[nodiscard]] void* start() const { return bytes.get() + 8; }
  std::unique_ptr<std::byte[]> bytes;
};

bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

TEST(kernel_heap, one_region_gives_aligned_payloads_and_merges_back) {
  arena a;
  heap h;
  ASSERT_TRUE(h.add_region(a.start(), arena_size));
  const std::size_t total = h.largest_free();
  EXPECT_GT(total, arena_size - 64);
  std::vector<void*> got;
  for (std::size_t size : {0, 1, 15, 16, 17, 100, 4096, 10000}) {
    void* p = h.allocate(size);
    ASSERT_NE(p, nullptr) << size;
    EXPECT_TRUE(aligned(p, 16));
    EXPECT_GE(h.usable_size(p), size);
    std::memset(p, 0xab, size);
    got.push_back(p);
  }
  EXPECT_EQ(h.stats().blocks_in_use, got.size());
  EXPECT_TRUE(h.check());
  // Freed in an order that merges with the block before, after, and both.
  for (std::size_t i : {1, 3, 2, 0, 7, 5, 6, 4}) {
    h.release(got[i]);
    EXPECT_TRUE(h.check()) << i;
  }
  EXPECT_EQ(h.stats().blocks_in_use, 0U);
  EXPECT_EQ(h.stats().bytes_in_use, 0U);
  EXPECT_EQ(h.largest_free(), total);  // one block again
  h.release(nullptr);
}

TEST(kernel_heap, large_alignments_are_cut_from_free_blocks) {
  arena a;
  heap h;
  ASSERT_TRUE(h.add_region(a.start(), arena_size));
  const std::size_t total = h.largest_free();
  std::vector<void*> got;
  for (std::size_t align : {32, 64, 256, 4096, 65536}) {
    void* small = h.allocate(24);  // so the next one does not start aligned by chance
    void* p = h.allocate(1000, align);
    ASSERT_NE(p, nullptr) << align;
    EXPECT_TRUE(aligned(p, align)) << align;
    got.push_back(small);
    got.push_back(p);
    EXPECT_TRUE(h.check()) << align;
  }
  EXPECT_EQ(h.allocate(16, 48), nullptr);  // not a power of two
  for (void* p : got) h.release(p);
  EXPECT_TRUE(h.check());
  EXPECT_EQ(h.largest_free(), total);
}

TEST(kernel_heap, exhaustion_is_a_null_result_and_is_counted) {
  arena a;
  heap h;
  ASSERT_TRUE(h.add_region(a.start(), 64 * 1024));
  std::vector<void*> got;
  for (;;) {
    void* p = h.allocate(1000);
    if (p == nullptr) break;
    got.push_back(p);
  }
  EXPECT_GT(got.size(), 50U);
  EXPECT_EQ(h.stats().failures, 1U);
  EXPECT_EQ(h.allocate(std::size_t{1} << 63), nullptr);  // absurd sizes too
  EXPECT_EQ(h.allocate(100000), nullptr);
  EXPECT_EQ(h.stats().failures, 3U);
  h.release(got.back());
  got.pop_back();
  EXPECT_NE(h.allocate(1000), nullptr);  // what was freed serves again
  EXPECT_TRUE(h.check());
}

TEST(kernel_heap, regions_add_up_and_small_ones_are_ignored) {
  arena a;
  arena b;
  heap h;
  EXPECT_FALSE(h.add_region(a.start(), 40));
  ASSERT_TRUE(h.add_region(a.start(), 8192));
  ASSERT_TRUE(h.add_region(b.start(), 8192));
  EXPECT_EQ(h.stats().regions, 2U);
  void* p = h.allocate(6000);
  void* q = h.allocate(6000);
  ASSERT_NE(p, nullptr);
  ASSERT_NE(q, nullptr);  // from the other region
  EXPECT_EQ(h.allocate(6000), nullptr);
  h.release(p);
  h.release(q);
  EXPECT_TRUE(h.check());
}

// A random workload; each payload is filled with its own byte and checked
// when freed, so overlapping blocks would show.
TEST(kernel_heap, random_workload_against_a_model) {
  arena a;
  heap h;
  ASSERT_TRUE(h.add_region(a.start(), arena_size));
  const std::size_t total = h.largest_free();
  std::mt19937_64 rng(42);
  struct live {
    std::size_t size;
    unsigned char fill;
  };
  std::map<std::byte*, live> in_use;
  std::uint64_t refused = 0;
  for (int step = 0; step < 20000; ++step) {
    if (in_use.empty() || rng() % 100 < 55) {
      const std::size_t size = rng() % 4 == 0 ? rng() % 20000 : rng() % 300;
      const std::size_t align = std::size_t{16} << (rng() % 8 == 0 ? rng() % 9 : 0);
      auto* p = static_cast<std::byte*>(h.allocate(size, align));
      if (p == nullptr) {
        ++refused;
        continue;
      }
      ASSERT_TRUE(aligned(p, align));
      const auto fill = static_cast<unsigned char>(rng());
      std::memset(p, fill, size);
      in_use[p] = live{size, fill};
    } else {
      auto it = in_use.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % in_use.size()));
      for (std::size_t i = 0; i < it->second.size; ++i) {
        ASSERT_EQ(static_cast<unsigned char>(it->first[i]), it->second.fill) << "overlap";
      }
      h.release(it->first);
      in_use.erase(it);
    }
    if (step % 1000 == 0) {
      ASSERT_TRUE(h.check()) << step;
    }
  }
  EXPECT_EQ(h.stats().failures, refused);
  for (auto& [p, l] : in_use) h.release(p);
  EXPECT_TRUE(h.check());
  EXPECT_EQ(h.largest_free(), total);
}

TEST(kernel_heap_death, a_double_free_panics) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        arena a;
        heap h;
        (void)h.add_region(a.start(), 8192);
        void* p = h.allocate(100);
        h.release(p);
        h.release(p);
      },
      "assertion failed");
}

}  // namespace
}  // namespace atl::kernel
