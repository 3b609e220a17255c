// ipv6_host's neighbour discovery: NS/NA exchanges (bytes and checksums),
// DAD, router solicitation, SLAAC from router advertisements.
#include "ipv6_test_util.hpp"
#include <atoll/net/wire/bytes.hpp>

namespace atl::net::testing {
namespace {

ndp_repr solicitation(const ipv6_addr& target, std::optional<mac_addr> source_ll) {
  ndp_repr ns;
  ns.type = icmpv6_type::neighbor_solicit;
  ns.target = target;
  ns.source_ll = source_ll;
  return ns;
}

ndp_repr advertisement(const ipv6_addr& target, const mac_addr& mac, bool solicited) {
  ndp_repr na;
  na.type = icmpv6_type::neighbor_advert;
  na.target = target;
  na.target_ll = mac;
  na.solicited_flag = solicited;
  na.override_flag = true;
  return na;
}

TEST(Ipv6Ndp, AnswersSolicitationWithAdvertisement) {
  auto host = ready_host();
  (void)host.input(t0 + 2s,
                   ndp_packet(peer_ll, host_ll.solicited_node(), solicitation(host_ll, peer_mac)));
  const auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].dst_mac, peer_mac);
  const auto& b = frames[0].packet;
  ASSERT_EQ(b.size(), 40U + 32U);
  EXPECT_EQ(wire::get_u8(b, 6), 58);   // ICMPv6
  EXPECT_EQ(wire::get_u8(b, 7), 255);  // NDP hop limit
  EXPECT_EQ(wire::get_ipv6(b, 8), host_ll);
  EXPECT_EQ(wire::get_ipv6(b, 24), peer_ll);
  EXPECT_EQ(wire::get_u8(b, 40), 136);   // neighbour advertisement
  EXPECT_EQ(wire::get_u8(b, 44), 0x60);  // S and O, not R
  EXPECT_EQ(wire::get_ipv6(b, 48), host_ll);
  EXPECT_EQ(wire::get_u8(b, 64), 2);  // target link-layer address option
  EXPECT_EQ(wire::get_u8(b, 65), 1);
  EXPECT_EQ(wire::get_mac(b, 66), host_mac);
  // The checksum over the pseudo-header verifies: the message sums to zero.
  checksum_accumulator sum(ip_pair(host_ll, peer_ll).pseudo_sum(ip_protocol::icmpv6, 32));
  sum.add(std::span(b).subspan(40));
  EXPECT_EQ(sum.checksum(), 0);
  const auto p = parse_frame(frames[0]);
  ASSERT_TRUE(p.ndp);
  EXPECT_TRUE(p.ndp->solicited_flag);
  // The solicitation taught the host the peer's address (STALE).
  EXPECT_EQ(host.neighbors().state(peer_ll), neighbor_state::stale);
  EXPECT_EQ(host.neighbors().lookup(peer_ll), peer_mac);
}

TEST(Ipv6Ndp, ResolvesBeforeSending) {
  auto host = ready_host();
  const auto peer = ip6("2001:db8::2");
  const bytes_vec udp(16, std::byte{0x55});
  ASSERT_TRUE(host.send(t0 + 2s, ip6("2001:db8::1"), peer, ip_protocol::udp, udp));
  auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);  // the solicitation; the packet waits
  EXPECT_EQ(frames[0].dst_mac, mac_addr(mac_addr::octets_type{0x33, 0x33, 0xff, 0, 0, 0x02}));
  auto p = parse_frame(frames[0]);
  ASSERT_TRUE(p.ndp);
  EXPECT_EQ(p.ndp->type, icmpv6_type::neighbor_solicit);
  EXPECT_EQ(p.ndp->target, peer);
  EXPECT_EQ(p.ndp->source_ll, host_mac);
  EXPECT_EQ(p.ip.src, ip6("2001:db8::1"));
  EXPECT_EQ(p.ip.dst, ip6("ff02::1:ff00:2"));
  EXPECT_EQ(p.ip.hop_limit, 255);

  (void)host.input(t0 + 2s,
                   ndp_packet(peer, ip6("2001:db8::1"), advertisement(peer, peer_mac, true)));
  frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].dst_mac, peer_mac);
  p = parse_frame(frames[0]);
  EXPECT_EQ(p.ip.next_header, ip_protocol::udp);
  EXPECT_EQ(host.neighbors().state(peer), neighbor_state::reachable);
}

TEST(Ipv6Ndp, DadSucceedsAfterOneSecond) {
  ipv6_host host(host_mac);
  host.start(t0, 0s);
  auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 2U);  // DAD NS and the first RS
  const auto dad = parse_frame(frames[0]);
  ASSERT_TRUE(dad.ndp);
  EXPECT_EQ(dad.ndp->type, icmpv6_type::neighbor_solicit);
  EXPECT_EQ(dad.ip.src, ipv6_addr::any());
  EXPECT_EQ(dad.ip.dst, host_ll.solicited_node());
  EXPECT_EQ(dad.ndp->target, host_ll);
  EXPECT_FALSE(dad.ndp->source_ll);  // never from ::
  EXPECT_EQ(frames[0].dst_mac, host_ll.solicited_node().multicast_mac());
  EXPECT_TRUE(host.addresses().is_tentative(host_ll));
  // A tentative address receives nothing.
  (void)host.input(t0, icmp_packet(peer_ll, host_ll, icmpv6_repr::echo_request(1, 1, {})));
  EXPECT_EQ(host.stats().rx_not_ours, 1U);
  host.poll(t0 + 999ms);
  EXPECT_TRUE(host.addresses().is_tentative(host_ll));
  host.poll(t0 + 1s);
  EXPECT_TRUE(host.addresses().is_assigned(host_ll));
  EXPECT_EQ(host.addresses().link_local(), host_ll);
}

TEST(Ipv6Ndp, DadDetectsDuplicateByAdvertisement) {
  ipv6_host host(host_mac);
  host.start(t0, 0s);
  (void)host.take_frames();
  (void)host.input(t0 + 500ms, ndp_packet(host_ll, ipv6_addr::all_nodes(),
                                          advertisement(host_ll, peer_mac, false)));
  EXPECT_FALSE(host.addresses().is_tentative(host_ll));
  host.poll(t0 + 2s);
  EXPECT_FALSE(host.addresses().is_assigned(host_ll));  // never used
  EXPECT_EQ(host.addresses().stats().duplicates, 1U);
}

TEST(Ipv6Ndp, DadDetectsDuplicateBySolicitation) {
  ipv6_host host(host_mac);
  ASSERT_TRUE(host.add_address(t0, ip6("2001:db8::1"), 64));
  (void)host.take_frames();
  // Someone else's DAD for the same address: from ::, to the solicited-node group.
  (void)host.input(t0 + 100ms, ndp_packet(ipv6_addr::any(), ip6("2001:db8::1").solicited_node(),
                                          solicitation(ip6("2001:db8::1"), std::nullopt)));
  host.poll(t0 + 2s);
  EXPECT_FALSE(host.addresses().is_assigned(ip6("2001:db8::1")));
  EXPECT_EQ(host.addresses().stats().duplicates, 1U);
  EXPECT_TRUE(host.take_frames().empty());  // and nothing answered
}

TEST(Ipv6Ndp, DefendsAssignedAddressAgainstDad) {
  auto host = ready_host();
  (void)host.input(t0 + 2s, ndp_packet(ipv6_addr::any(), host_ll.solicited_node(),
                                       solicitation(host_ll, std::nullopt)));
  const auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  const auto p = parse_frame(frames[0]);
  ASSERT_TRUE(p.ndp);
  EXPECT_EQ(p.ip.dst, ipv6_addr::all_nodes());
  EXPECT_EQ(frames[0].dst_mac, ipv6_addr::all_nodes().multicast_mac());
  EXPECT_FALSE(p.ndp->solicited_flag);
  EXPECT_TRUE(p.ndp->override_flag);
  EXPECT_TRUE(host.addresses().is_assigned(host_ll));
}

TEST(Ipv6Ndp, RouterSolicitationsRetransmitted) {
  ipv6_host host(host_mac);
  host.start(t0, 500ms);
  EXPECT_TRUE(host.take_frames().empty());  // the random start delay first
  std::vector<parsed> rs;
  std::vector<duration> when;
  for (auto t = t0; t <= t0 + 20s; t += 100ms) {
    host.poll(t);
    for (const auto& f : host.take_frames()) {
      auto p = parse_frame(f);
      if (p.ndp && p.ndp->type == icmpv6_type::router_solicit) {
        EXPECT_EQ(f.dst_mac, ipv6_addr::all_routers().multicast_mac());
        EXPECT_EQ(p.ip.dst, ipv6_addr::all_routers());
        rs.push_back(std::move(p));
        when.push_back(t - t0);
      }
    }
  }
  ASSERT_EQ(rs.size(), 3U);    // MAX_RTR_SOLICITATIONS
  EXPECT_EQ(when[0], 500ms);   // after the delay
  EXPECT_EQ(when[1], 4500ms);  // 4 s apart
  EXPECT_EQ(when[2], 8500ms);
  EXPECT_EQ(rs[0].ip.src, ipv6_addr::any());  // link-local still tentative
  EXPECT_FALSE(rs[0].ndp->source_ll);
  EXPECT_EQ(rs[1].ip.src, host_ll);
  EXPECT_EQ(rs[1].ndp->source_ll, host_mac);
}

ndp_repr router_advert(std::uint32_t valid, std::uint32_t preferred) {
  ndp_repr ra;
  ra.type = icmpv6_type::router_advert;
  ra.cur_hop_limit = 32;
  ra.router_lifetime = 1800;
  ra.mtu = 1400;
  ra.source_ll = peer_mac;
  ndp_prefix_info p;
  p.prefix = *ipv6_prefix::parse("2001:db8:1::/64");
  p.on_link = true;
  p.autonomous = true;
  p.valid_lifetime = valid;
  p.preferred_lifetime = preferred;
  ra.prefixes[0] = p;
  ra.prefix_count = 1;
  return ra;
}

TEST(Ipv6Ndp, SlaacFromRouterAdvertisement) {
  auto host = ready_host();
  const auto t1 = t0 + 10s;
  (void)host.input(t1, ndp_packet(peer_ll, ipv6_addr::all_nodes(), router_advert(86400, 3600)));
  const auto slaac = ip6("2001:db8:1::5054:ff:fe12:3456");  // prefix + EUI-64
  EXPECT_TRUE(host.addresses().is_tentative(slaac));
  auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);  // its DAD
  EXPECT_EQ(parse_frame(frames[0]).ndp->target, slaac);
  host.poll(t1 + 1s);
  EXPECT_TRUE(host.addresses().is_assigned(slaac));
  EXPECT_EQ(host.hop_limit(), 32);
  EXPECT_EQ(host.link_mtu(), 1400U);
  EXPECT_EQ(host.addresses().default_router(t1), peer_ll);
  EXPECT_TRUE(host.neighbors().is_router(peer_ll));
  EXPECT_EQ(host.source_for(ip6("2001:db8:1:99::1")), slaac);

  // Off-link traffic goes to the router's Ethernet address (learnt from the RA).
  const bytes_vec udp(8, std::byte{1});
  ASSERT_TRUE(host.send(t1 + 2s, slaac, ip6("2001:db8:1:99::1"), ip_protocol::udp, udp));
  frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].dst_mac, peer_mac);

  // RFC 4862 5.5.3 (e): a short valid lifetime is raised to two hours.
  (void)host.input(t1 + 100s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), router_advert(60, 30)));
  host.poll(t1 + 100s + 31s);
  const auto find = [&] {
    for (const auto& a : host.addresses().addresses()) {
      if (a.addr == slaac) return std::optional<ipv6_if_addr>(a);
    }
    return std::optional<ipv6_if_addr>();
  };
  ASSERT_TRUE(find());
  EXPECT_EQ(find()->state, addr_state::deprecated);  // preferred lifetime taken as is
  EXPECT_EQ(find()->valid_until, t1 + 100s + 2h);
  host.poll(t1 + 100s + 2h - 1s);
  EXPECT_TRUE(host.addresses().is_assigned(slaac));
  host.poll(t1 + 100s + 2h);
  EXPECT_FALSE(host.addresses().is_assigned(slaac));  // expired
  EXPECT_EQ(host.addresses().stats().expired, 1U);
}

TEST(Ipv6Ndp, StableInterfaceIdentifier) {
  ipv6_host_config config;
  config.iid = std::array<std::uint8_t, 8>{0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81};
  ipv6_host host(host_mac, config);
  host.start(t0, 0s);
  host.poll(t0 + 1s);
  EXPECT_EQ(host.addresses().link_local(), ip6("fe80::1a2b:3c4d:5e6f:7081"));
  (void)host.input(t0 + 2s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), router_advert(600, 300)));
  host.poll(t0 + 3s);
  EXPECT_TRUE(host.addresses().is_assigned(ip6("2001:db8:1::1a2b:3c4d:5e6f:7081")));
}

TEST(Ipv6Ndp, PrefixesNotForSlaacIgnored) {
  auto host = ready_host();
  auto ra = router_advert(600, 300);
  ra.prefixes[0].autonomous = false;  // A clear: on-link only
  (void)host.input(t0 + 2s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), ra));
  ra = router_advert(600, 300);
  ra.prefixes[0].prefix = *ipv6_prefix::parse("2001:db8:2::/48");  // not /64
  (void)host.input(t0 + 2s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), ra));
  ra = router_advert(300, 600);  // preferred above valid
  (void)host.input(t0 + 2s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), ra));
  EXPECT_EQ(host.addresses().addresses().size(), 2U);  // link-local and the static one
  EXPECT_EQ(host.addresses().stats().prefixes_ignored, 2U);
  // ... but the on-link prefix is known: its addresses are neighbours.
  EXPECT_TRUE(host.addresses().on_link(t0 + 3s, ip6("2001:db8:1::9")));
  // A bad hop limit (not 255) is refused outright.
  auto bad = ndp_packet(peer_ll, ipv6_addr::all_nodes(), router_advert(600, 300));
  wire::put_u8(bad, 7, 64);
  const auto malformed = host.stats().rx_malformed;
  (void)host.input(t0 + 2s, bad);
  EXPECT_EQ(host.stats().rx_malformed, malformed + 1);
}

TEST(Ipv6Ndp, RouterAdvertisementStopsSolicitationAndExpires) {
  ipv6_host host(host_mac);
  host.start(t0, 0s);
  host.poll(t0 + 1s);
  (void)host.input(t0 + 2s, ndp_packet(peer_ll, ipv6_addr::all_nodes(), router_advert(600, 300)));
  (void)host.take_frames();
  host.poll(t0 + 4s);
  host.poll(t0 + 8s);
  for (const auto& f : host.take_frames()) {
    const auto p = parse_frame(f);
    EXPECT_FALSE(p.ndp && p.ndp->type == icmpv6_type::router_solicit);
  }
  EXPECT_EQ(host.addresses().default_router(t0 + 1801s), peer_ll);
  EXPECT_EQ(host.addresses().default_router(t0 + 1802s), std::nullopt);
  host.poll(t0 + 1802s);
  EXPECT_TRUE(host.addresses().routers().empty());
}

}  // namespace
}  // namespace atl::net::testing
