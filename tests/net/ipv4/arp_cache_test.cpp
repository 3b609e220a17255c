// ipv4::arp_cache on virtual time: replies (byte for byte against Linux),
// resolution with retries and failure, queue bounds, aging, LRU eviction,
// gratuitous ARP, and the input rules.
#include "../net_test.hpp"
#include <atoll/net/ipv4/arp_cache.hpp>
#include <atoll/net/wire/arp.hpp>
#include <atoll/net/wire/ethernet.hpp>

#include <gtest/gtest.h>

namespace atl::net::ipv4 {
namespace {

using namespace atl::net::testing;

// The two hosts of the reference capture.
const mac_addr mac_a(mac_addr::octets_type{0x02, 0, 0, 0, 0x0a, 0x01});
const mac_addr mac_b(mac_addr::octets_type{0x02, 0, 0, 0, 0x0b, 0x02});
const ipv4_addr ip_a(10, 9, 0, 1);
const ipv4_addr ip_b(10, 9, 0, 2);
const ipv4_addr ip_c(10, 9, 0, 3);
const mono_time t0 = mono_time{} + 1000s;

bytes_vec flat(const bufs& frame) {
  bytes_vec out(frame.size());
  frame.copy_to(out);
  return out;
}

bytes_vec arp_packet(arp_operation op, const mac_addr& smac, const ipv4_addr& sip,
                     const mac_addr& tmac, const ipv4_addr& tip) {
  bytes_vec out(arp_repr::buffer_len());
  arp_repr{op, smac, sip, tmac, tip}.emit(out);
  return out;
}

arp_repr arp_of(const bufs& frame) {
  const auto bytes = flat(frame);
  auto eth = ethernet_view::checked(bytes);
  EXPECT_TRUE(eth.has_value());
  EXPECT_EQ(eth->type(), ethertype::arp);
  auto view = arp_view::checked(eth->payload());
  EXPECT_TRUE(view.has_value());
  auto repr = arp_repr::parse(*view);
  EXPECT_TRUE(repr.has_value());
  return *repr;
}

mac_addr eth_dst(const bufs& frame) {
  const auto bytes = flat(frame);
  return ethernet_view::checked(bytes)->dst();
}

buf packet_of(std::uint8_t tag) {
  auto b = buf::allocate(20);
  EXPECT_TRUE(b.has_value());
  b->mutable_bytes()[0] = static_cast<std::byte>(tag);
  return *b;
}

struct host {
  explicit host(const mac_addr& mac, const ipv4_addr& ip, arp_config c = {}) : cache(init(c, mac)) {
    EXPECT_TRUE(cache.add_address(ip, t0 - 100s, out).has_value());
    cache.poll(t0 - 50s, out);  // both announcements done
    out.clear();
  }
  static arp_config init(arp_config c, const mac_addr& mac) {
    c.mac = mac;
    return c;
  }
  arp_cache cache;
  arp_actions out;
};

TEST(ArpCache, RepliesToLinuxRequestByteForByte) {
  host b(mac_b, ip_b);
  ASSERT_TRUE(b.cache.input(l3(bytes(pkt::arp_request)), t0, b.out).has_value());
  ASSERT_EQ(b.out.frames.size(), 1U);
  EXPECT_EQ(flat(b.out.frames[0]), copy(bytes(pkt::arp_reply)));
  EXPECT_EQ(b.cache.stats().replies_sent, 1U);
  // The requester was learnt (RFC 826: it talked to us).
  EXPECT_EQ(b.cache.lookup(ip_a), mac_a);
  EXPECT_EQ(b.cache.state(ip_a), arp_state::reachable);
}

TEST(ArpCache, RequestsLikeLinux) {
  host a(mac_a, ip_a);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0, a.out), arp_send::queued);
  ASSERT_EQ(a.out.frames.size(), 1U);
  EXPECT_EQ(flat(a.out.frames[0]), copy(bytes(pkt::arp_request)));
}

TEST(ArpCache, OnlyAnswersForItsOwnAddresses) {
  host b(mac_b, ip_b);
  const auto other = arp_packet(arp_operation::request, mac_a, ip_a, mac_addr{}, ip_c);
  ASSERT_TRUE(b.cache.input(other, t0, b.out).has_value());
  EXPECT_TRUE(b.out.frames.empty());
  // Not addressed to us and unknown: not learnt either.
  EXPECT_EQ(b.cache.state(ip_a), arp_state::none);
  EXPECT_EQ(b.cache.stats().replies_sent, 0U);
}

TEST(ArpCache, ResolvesAndFlushesTheQueue) {
  host a(mac_a, ip_a);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(2), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.out.frames.size(), 1U);  // one request for both
  EXPECT_EQ(a.cache.queued(), 2U);
  a.out.clear();
  ASSERT_TRUE(a.cache.input(l3(bytes(pkt::arp_reply)), t0 + 10ms, a.out).has_value());
  ASSERT_EQ(a.out.frames.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto f = flat(a.out.frames[i]);
    auto eth = ethernet_view::checked(f);
    ASSERT_TRUE(eth.has_value());
    EXPECT_EQ(eth->dst(), mac_b);
    EXPECT_EQ(eth->src(), mac_a);
    EXPECT_EQ(eth->type(), ethertype::ipv4);
    EXPECT_EQ(u8(eth->payload(), 0), i + 1);  // in order
  }
  EXPECT_EQ(a.cache.queued(), 0U);
  // Now known: sent at once.
  a.out.clear();
  EXPECT_EQ(a.cache.send(ip_b, packet_of(3), t0 + 20ms, a.out), arp_send::sent);
  EXPECT_EQ(a.out.frames.size(), 1U);
}

TEST(ArpCache, RetriesThenFailsQueuedPackets) {
  host a(mac_a, ip_a);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.next_deadline(), t0 + 1s);
  a.out.clear();
  a.cache.poll(t0 + 999ms, a.out);
  EXPECT_TRUE(a.out.frames.empty());
  a.cache.poll(t0 + 1s, a.out);
  ASSERT_EQ(a.out.frames.size(), 1U);
  EXPECT_EQ(arp_of(a.out.frames[0]).target_ip, ip_b);
  EXPECT_EQ(eth_dst(a.out.frames[0]), mac_addr::broadcast());
  a.cache.poll(t0 + 2s, a.out);
  EXPECT_EQ(a.out.frames.size(), 2U);
  EXPECT_EQ(a.cache.stats().requests_sent, 3U);
  EXPECT_TRUE(a.out.failed.empty());
  a.cache.poll(t0 + 3s, a.out);
  EXPECT_EQ(a.out.frames.size(), 2U);  // no fourth request
  ASSERT_EQ(a.out.failed.size(), 1U);
  EXPECT_EQ(a.out.failed[0].next_hop, ip_b);
  EXPECT_EQ(a.out.failed[0].packet.u8(0), 1U);
  EXPECT_EQ(a.cache.stats().dropped(arp_drop::unresolved), 1U);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::none);
  EXPECT_EQ(a.cache.queued(), 0U);
  EXPECT_EQ(a.cache.next_deadline(), mono_never);
}

TEST(ArpCache, PendingQueueBounds) {
  arp_config c;
  c.max_queue_per_entry = 2;
  c.max_queued = 3;
  host a(mac_a, ip_a, c);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(2), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(3), t0, a.out), arp_send::dropped);
  EXPECT_EQ(a.cache.stats().dropped(arp_drop::queue_full), 1U);
  EXPECT_EQ(a.cache.send(ip_c, packet_of(4), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.send(ip_c, packet_of(5), t0, a.out), arp_send::dropped);
  EXPECT_EQ(a.cache.stats().dropped(arp_drop::queue_total), 1U);
  EXPECT_EQ(a.cache.queued(), 3U);
}

TEST(ArpCache, AgingStaleProbeAndRefreshByRequest) {
  host a(mac_a, ip_a);
  ASSERT_TRUE(a.cache.input(l3(bytes(pkt::arp_reply)), t0, a.out).has_value());
  EXPECT_EQ(a.cache.state(ip_b), arp_state::reachable);
  a.cache.poll(t0 + 30s, a.out);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::stale);
  // A request from it refreshes the entry.
  const auto req = arp_packet(arp_operation::request, mac_b, ip_b, mac_addr{}, ip_a);
  ASSERT_TRUE(a.cache.input(req, t0 + 31s, a.out).has_value());
  EXPECT_EQ(a.cache.state(ip_b), arp_state::reachable);
  a.cache.poll(t0 + 61s, a.out);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::stale);
  // Using a stale entry sends at once and probes with a unicast request.
  a.out.clear();
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0 + 62s, a.out), arp_send::sent);
  ASSERT_EQ(a.out.frames.size(), 2U);
  EXPECT_EQ(eth_dst(a.out.frames[0]), mac_b);
  EXPECT_EQ(arp_of(a.out.frames[0]).operation, arp_operation::request);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::probe);
  // Unanswered probes remove it.
  a.cache.poll(t0 + 63s, a.out);
  a.cache.poll(t0 + 64s, a.out);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::probe);
  a.cache.poll(t0 + 65s, a.out);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::none);
}

TEST(ArpCache, StaleEntriesAreCollected) {
  host a(mac_a, ip_a);
  ASSERT_TRUE(a.cache.input(l3(bytes(pkt::arp_reply)), t0, a.out).has_value());
  a.cache.poll(t0 + 30s, a.out);
  EXPECT_EQ(a.cache.state(ip_b), arp_state::stale);
  a.cache.poll(t0 + 30s + 599s, a.out);
  EXPECT_EQ(a.cache.entries(), 1U);
  a.cache.poll(t0 + 30s + 600s, a.out);
  EXPECT_EQ(a.cache.entries(), 0U);
}

TEST(ArpCache, EvictsLeastRecentlyUsedAtTheLimit) {
  arp_config c;
  c.max_entries = 2;
  host me(mac_b, ip_b, c);
  const mac_addr mac_c(mac_addr::octets_type{0x02, 0, 0, 0, 0x0c, 0x03});
  const ipv4_addr ip_d(10, 9, 0, 4);
  const mac_addr mac_d(mac_addr::octets_type{0x02, 0, 0, 0, 0x0d, 0x04});
  auto learn = [&](const mac_addr& m, const ipv4_addr& ip, mono_time t) {
    const auto req = arp_packet(arp_operation::request, m, ip, mac_addr{}, ip_b);
    ASSERT_TRUE(me.cache.input(req, t, me.out).has_value());
  };
  learn(mac_a, ip_a, t0);
  learn(mac_c, ip_c, t0 + 1s);
  EXPECT_EQ(me.cache.send(ip_a, packet_of(1), t0 + 2s, me.out), arp_send::sent);  // a used last
  learn(mac_d, ip_d, t0 + 3s);
  EXPECT_EQ(me.cache.entries(), 2U);
  EXPECT_EQ(me.cache.state(ip_c), arp_state::none);
  EXPECT_EQ(me.cache.lookup(ip_a), mac_a);
  EXPECT_EQ(me.cache.lookup(ip_d), mac_d);
}

TEST(ArpCache, EvictingAnIncompleteEntryFailsItsPackets) {
  arp_config c;
  c.max_entries = 1;
  host a(mac_a, ip_a, c);
  EXPECT_EQ(a.cache.send(ip_b, packet_of(1), t0, a.out), arp_send::queued);
  EXPECT_EQ(a.cache.send(ip_c, packet_of(2), t0 + 1ms, a.out), arp_send::queued);
  ASSERT_EQ(a.out.failed.size(), 1U);
  EXPECT_EQ(a.out.failed[0].next_hop, ip_b);
  EXPECT_EQ(a.cache.stats().dropped(arp_drop::evicted), 1U);
  EXPECT_EQ(a.cache.queued(), 1U);
}

TEST(ArpCache, GratuitousAnnouncements) {
  arp_config c;
  c.mac = mac_b;
  arp_cache cache(c);
  arp_actions out;
  ASSERT_TRUE(cache.add_address(ip_b, t0, out).has_value());
  ASSERT_EQ(out.frames.size(), 1U);
  const auto expected =
      hex("ff ff ff ff ff ff 02 00 00 00 0b 02 08 06"
          "00 01 08 00 06 04 00 01 02 00 00 00 0b 02 0a 09 00 02 00 00 00 00 00 00 0a 09 00 02");
  EXPECT_EQ(flat(out.frames[0]), expected);
  EXPECT_EQ(cache.next_deadline(), t0 + 2s);
  cache.poll(t0 + 2s, out);
  ASSERT_EQ(out.frames.size(), 2U);
  EXPECT_EQ(flat(out.frames[1]), expected);
  cache.poll(t0 + 10s, out);
  EXPECT_EQ(out.frames.size(), 2U);
  EXPECT_EQ(cache.stats().announcements_sent, 2U);
  // A changed address is announced again.
  cache.remove_address(ip_b);
  ASSERT_TRUE(cache.add_address(ip_c, t0 + 20s, out).has_value());
  ASSERT_EQ(out.frames.size(), 3U);
  EXPECT_EQ(arp_of(out.frames[2]).sender_ip, ip_c);
  EXPECT_EQ(arp_of(out.frames[2]).target_ip, ip_c);
  EXPECT_FALSE(cache.add_address(ipv4_addr::broadcast(), t0, out).has_value());
}

TEST(ArpCache, ConflictIsCountedAndIgnored) {
  host b(mac_b, ip_b);
  const auto claim = arp_packet(arp_operation::reply, mac_a, ip_b, mac_b, ip_b);
  const auto r = b.cache.input(claim, t0, b.out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::refused);
  EXPECT_EQ(b.cache.stats().dropped(arp_drop::conflict), 1U);
  EXPECT_EQ(b.cache.entries(), 0U);
  EXPECT_TRUE(b.out.frames.empty());
}

TEST(ArpCache, GroupSendersAreIgnored) {
  host b(mac_b, ip_b);
  const auto bcast =
      arp_packet(arp_operation::request, mac_addr::broadcast(), ip_a, mac_addr{}, ip_b);
  EXPECT_FALSE(b.cache.input(bcast, t0, b.out).has_value());
  const mac_addr group(mac_addr::octets_type{0x01, 0x00, 0x5e, 0, 0, 1});
  const auto mcast = arp_packet(arp_operation::request, group, ip_a, mac_addr{}, ip_b);
  EXPECT_FALSE(b.cache.input(mcast, t0, b.out).has_value());
  const auto mip =
      arp_packet(arp_operation::request, mac_a, ipv4_addr(224, 0, 0, 1), mac_addr{}, ip_b);
  EXPECT_FALSE(b.cache.input(mip, t0, b.out).has_value());
  EXPECT_EQ(b.cache.stats().dropped(arp_drop::bad_sender), 3U);
  EXPECT_TRUE(b.out.frames.empty());
  EXPECT_EQ(b.cache.entries(), 0U);
  // Malformed input is an error, counted.
  const auto r = b.cache.input(std::span<const std::byte>(bcast).first(10), t0, b.out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::corrupt);
  EXPECT_EQ(b.cache.stats().dropped(arp_drop::malformed), 1U);
}

TEST(ArpCache, GroupNextHopsNeedNoResolution) {
  host a(mac_a, ip_a);
  EXPECT_EQ(a.cache.send(ipv4_addr::broadcast(), packet_of(1), t0, a.out), arp_send::sent);
  EXPECT_EQ(a.cache.send(ipv4_addr(224, 0, 0, 251), packet_of(2), t0, a.out), arp_send::sent);
  ASSERT_EQ(a.out.frames.size(), 2U);
  EXPECT_EQ(eth_dst(a.out.frames[0]), mac_addr::broadcast());
  EXPECT_EQ(eth_dst(a.out.frames[1]), ipv4_addr(224, 0, 0, 251).multicast_mac());
  EXPECT_EQ(a.cache.send(ipv4_addr::any(), packet_of(3), t0, a.out), arp_send::dropped);
  EXPECT_EQ(a.cache.entries(), 0U);
}

}  // namespace
}  // namespace atl::net::ipv4
