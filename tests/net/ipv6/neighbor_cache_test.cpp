// neighbor_cache: RFC 4861 7.3 states on virtual time, bounds and LRU.
#include <atoll/net/ipv6/neighbor_cache.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace atl::net {
namespace {

using namespace std::chrono_literals;

const mono_time t0{std::chrono::seconds(100)};

ipv6_addr addr(std::uint16_t last) {
  return ipv6_addr::from_groups({0xfe80, 0, 0, 0, 0, 0, 0, last});
}
const mac_addr mac_a(mac_addr::octets_type{0x02, 0, 0, 0, 0, 0x0a});
const mac_addr mac_b(mac_addr::octets_type{0x02, 0, 0, 0, 0, 0x0b});

std::vector<std::byte> packet(std::uint8_t tag) {
  return std::vector<std::byte>(48, std::byte{tag});
}

TEST(NeighborCache, ResolvesAndFlushesQueuedPackets) {
  neighbor_cache cache;
  neighbor_actions out;
  EXPECT_EQ(cache.send(t0, addr(1), packet(1), out), send_outcome::queued);
  EXPECT_EQ(cache.send(t0, addr(1), packet(2), out), send_outcome::queued);
  ASSERT_EQ(out.solicits.size(), 1U);  // one solicitation, not one per packet
  EXPECT_EQ(out.solicits[0].target, addr(1));
  EXPECT_FALSE(out.solicits[0].unicast);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::incomplete);

  EXPECT_FALSE(cache.on_advertisement(t0 + 10ms, addr(1), mac_a, true, true, false, out));
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::reachable);
  ASSERT_EQ(out.frames.size(), 2U);
  EXPECT_EQ(out.frames[0].dst_mac, mac_a);
  EXPECT_EQ(out.frames[0].packet, packet(1));
  EXPECT_EQ(out.frames[1].packet, packet(2));
  EXPECT_EQ(cache.pending_total(), 0U);
}

TEST(NeighborCache, StateTransitionsOnVirtualTime) {
  neighbor_config config;
  config.reachable_time = 30s;
  neighbor_cache cache(config);
  neighbor_actions out;
  (void)cache.send(t0, addr(1), packet(1), out);
  (void)cache.on_advertisement(t0, addr(1), mac_a, true, true, false, out);
  EXPECT_EQ(cache.next_deadline(), t0 + 30s);
  cache.poll(t0 + 29s, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::reachable);
  cache.poll(t0 + 30s, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::stale);

  out = {};
  EXPECT_EQ(cache.send(t0 + 40s, addr(1), packet(3), out), send_outcome::sent);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::delay);
  ASSERT_EQ(out.frames.size(), 1U);
  cache.poll(t0 + 44s, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::delay);
  cache.poll(t0 + 45s, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::probe);
  ASSERT_EQ(out.solicits.size(), 1U);
  EXPECT_EQ(out.solicits[0].unicast, mac_a);  // a probe is unicast
  cache.poll(t0 + 46s, out);
  cache.poll(t0 + 47s, out);
  EXPECT_EQ(out.solicits.size(), 3U);  // MAX_UNICAST_SOLICIT
  cache.poll(t0 + 48s, out);
  EXPECT_FALSE(cache.state(addr(1)));  // unanswered: deleted
  EXPECT_EQ(cache.stats().resolution_failed, 1U);
}

TEST(NeighborCache, UpperLayerConfirmationAvoidsProbe) {
  neighbor_cache cache;
  neighbor_actions out;
  cache.on_link_address(t0, addr(1), mac_a, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::stale);
  (void)cache.send(t0, addr(1), packet(1), out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::delay);
  cache.confirm(t0 + 1s, addr(1));
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::reachable);
  cache.poll(t0 + 6s, out);
  EXPECT_TRUE(out.solicits.empty());
}

TEST(NeighborCache, IncompleteRetransmitsThenFails) {
  neighbor_cache cache;
  neighbor_actions out;
  (void)cache.send(t0, addr(1), packet(1), out);
  cache.poll(t0 + 999ms, out);
  EXPECT_EQ(out.solicits.size(), 1U);
  cache.poll(t0 + 1s, out);
  cache.poll(t0 + 2s, out);
  EXPECT_EQ(out.solicits.size(), 3U);  // MAX_MULTICAST_SOLICIT
  cache.poll(t0 + 3s, out);
  EXPECT_EQ(out.solicits.size(), 3U);
  EXPECT_FALSE(cache.state(addr(1)));
  EXPECT_EQ(cache.stats().pending_dropped, 1U);
  EXPECT_EQ(cache.pending_total(), 0U);
}

TEST(NeighborCache, AdvertisementRules) {
  neighbor_cache cache;
  neighbor_actions out;
  // Unsolicited news about a stranger is not cached.
  (void)cache.on_advertisement(t0, addr(9), mac_a, false, true, false, out);
  EXPECT_FALSE(cache.state(addr(9)));

  (void)cache.send(t0, addr(1), packet(1), out);
  (void)cache.on_advertisement(t0, addr(1), mac_a, true, false, true, out);
  EXPECT_TRUE(cache.is_router(addr(1)));
  // A different address without override: REACHABLE becomes STALE, address kept.
  (void)cache.on_advertisement(t0, addr(1), mac_b, false, false, true, out);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::stale);
  EXPECT_EQ(cache.lookup(addr(1)), mac_a);
  // With override: updated.
  (void)cache.on_advertisement(t0, addr(1), mac_b, false, true, true, out);
  EXPECT_EQ(cache.lookup(addr(1)), mac_b);
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::stale);
  // R cleared: the owner is told.
  EXPECT_TRUE(cache.on_advertisement(t0, addr(1), std::nullopt, true, false, false, out));
  EXPECT_FALSE(cache.is_router(addr(1)));
  EXPECT_EQ(cache.state(addr(1)), neighbor_state::reachable);
}

TEST(NeighborCache, BoundedWithLeastRecentlyUsedEviction) {
  neighbor_config config;
  config.max_entries = 4;
  neighbor_cache cache(config);
  neighbor_actions out;
  for (std::uint16_t i = 1; i <= 4; ++i) cache.on_link_address(t0, addr(i), mac_a, out);
  (void)cache.send(t0, addr(1), packet(1), out);  // addr(1) is now the most recent
  cache.on_link_address(t0, addr(5), mac_a, out);
  EXPECT_EQ(cache.size(), 4U);
  EXPECT_TRUE(cache.state(addr(1)));
  EXPECT_FALSE(cache.state(addr(2)));  // least recently used
  EXPECT_TRUE(cache.state(addr(5)));
  EXPECT_EQ(cache.stats().evictions, 1U);
  for (std::uint16_t i = 100; i < 200; ++i) cache.on_link_address(t0, addr(i), mac_a, out);
  EXPECT_EQ(cache.size(), 4U);
}

TEST(NeighborCache, PendingQueueBounds) {
  neighbor_config config;
  config.max_pending_per_entry = 2;
  config.max_pending_total = 3;
  neighbor_cache cache(config);
  neighbor_actions out;
  EXPECT_EQ(cache.send(t0, addr(1), packet(1), out), send_outcome::queued);
  EXPECT_EQ(cache.send(t0, addr(1), packet(2), out), send_outcome::queued);
  EXPECT_EQ(cache.send(t0, addr(1), packet(3), out), send_outcome::dropped);
  EXPECT_EQ(cache.send(t0, addr(2), packet(4), out), send_outcome::queued);
  EXPECT_EQ(cache.send(t0, addr(3), packet(5), out), send_outcome::dropped);  // global bound
  EXPECT_EQ(cache.pending_total(), 3U);
  EXPECT_EQ(cache.stats().pending_dropped, 2U);
}

}  // namespace
}  // namespace atl::net
