// flow_index: the direct core's connection lookup (hashing, deletion, limit).
#include <atoll/net/direct/flow_index.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

namespace atl::net {
namespace {

// The index never dereferences its values: distinct addresses (bytes of a
// pool, never used as entries) do.
detail::tcp_entry* value(std::size_t n) {
  static std::array<std::byte, 4096> pool{};
  EXPECT_LT(n, pool.size());
  return reinterpret_cast<detail::tcp_entry*>(&pool.at(n));
}

tcp::flow_id flow(std::size_t n) {
  return tcp::flow_id(ipv4_addr(10, 0, 0, 1), port(static_cast<std::uint16_t>(1000 + n)),
                      ipv4_addr::from_u32(0x0a000002U + static_cast<std::uint32_t>(n % 7)),
                      port(80));
}

TEST(FlowIndex, InsertFindErase) {
  const tcp::flow_id a = flow(1);
  const tcp::flow_id b = flow(2);
  const tcp::flow_id v6(ipv6_addr::loopback(), port(1001), ipv6_addr::loopback(), port(80));
  flow_index ix(16);
  EXPECT_EQ(ix.slots(), 0U);
  EXPECT_EQ(ix.find(a), nullptr);
  ASSERT_TRUE(ix.insert(a, value(1)));
  ASSERT_TRUE(ix.insert(b, value(2)));
  ASSERT_TRUE(ix.insert(v6, value(3)));
  EXPECT_EQ(ix.size(), 3U);
  EXPECT_EQ(ix.find(flow(1)), value(1));  // by value, not by the key's address
  EXPECT_EQ(ix.find(b), value(2));
  EXPECT_EQ(ix.find(v6), value(3));
  EXPECT_EQ(ix.find(flow(3)), nullptr);
  EXPECT_FALSE(ix.insert(flow(1), value(9)));  // a duplicate keeps the first
  EXPECT_EQ(ix.find(a), value(1));
  EXPECT_FALSE(ix.erase(a, value(9)));  // not its value: nothing removed
  EXPECT_EQ(ix.find(a), value(1));
  EXPECT_TRUE(ix.erase(a, value(1)));
  EXPECT_FALSE(ix.erase(a, value(1)));
  EXPECT_EQ(ix.find(a), nullptr);
  EXPECT_EQ(ix.find(b), value(2));
  EXPECT_EQ(ix.size(), 2U);
}

TEST(FlowIndex, RefusesPastTheLimitWithBoundedStorage) {
  constexpr std::size_t limit = 100;
  std::vector<tcp::flow_id> keys;
  for (std::size_t i = 0; i <= limit; ++i) keys.push_back(flow(i));
  flow_index ix(limit);
  for (std::size_t i = 0; i < limit; ++i) ASSERT_TRUE(ix.insert(keys[i], value(i)));
  EXPECT_FALSE(ix.insert(keys[limit], value(limit)));
  EXPECT_EQ(ix.find(keys[limit]), nullptr);
  EXPECT_EQ(ix.size(), limit);
  EXPECT_EQ(ix.slots(), 256U);  // a power of two, at most half full, no more
  ASSERT_TRUE(ix.erase(keys[0], value(0)));
  EXPECT_TRUE(ix.insert(keys[limit], value(limit)));  // room again
  for (std::size_t i = 1; i <= limit; ++i) EXPECT_EQ(ix.find(keys[i]), value(i));
}

TEST(FlowIndex, LimitZeroTakesNothing) {
  const tcp::flow_id a = flow(1);
  flow_index ix(0);
  EXPECT_FALSE(ix.insert(a, value(1)));
  EXPECT_EQ(ix.find(a), nullptr);
  EXPECT_FALSE(ix.erase(a, value(1)));
}

// Random inserts and erases against std::map: a small table makes long
// probe runs that wrap around its end, where backward-shift deletion must
// keep every remaining key reachable.
TEST(FlowIndex, AgreesWithAMapUnderChurn) {
  for (const std::size_t limit : {std::size_t{8}, std::size_t{64}, std::size_t{1024}}) {
    const std::size_t universe = limit * 3;
    std::vector<tcp::flow_id> keys;
    for (std::size_t i = 0; i < universe; ++i) keys.push_back(flow(i));
    flow_index ix(limit);
    std::map<std::size_t, detail::tcp_entry*> model;
    std::mt19937 rng(static_cast<std::uint32_t>(limit));
    for (int step = 0; step < 20000; ++step) {
      const std::size_t k = rng() % universe;
      if (rng() % 2 == 0) {
        const bool expect = model.size() < limit && model.count(k) == 0;
        ASSERT_EQ(ix.insert(keys[k], value(k)), expect) << "step " << step;
        if (expect) model[k] = value(k);
      } else {
        const bool expect = model.count(k) == 1;
        ASSERT_EQ(ix.erase(keys[k], value(k)), expect) << "step " << step;
        model.erase(k);
      }
      ASSERT_EQ(ix.size(), model.size());
      if (step % 97 == 0) {
        for (std::size_t i = 0; i < universe; ++i) {
          auto it = model.find(i);
          ASSERT_EQ(ix.find(keys[i]), it == model.end() ? nullptr : it->second) << "key " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace atl::net
