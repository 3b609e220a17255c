// ipv6_host input and ICMPv6: extension header walk and its policy, echo,
// the rules for errors, rate limiting, packet too big.
#include "ipv6_test_util.hpp"
#include <atoll/net/wire/bytes.hpp>

#include <initializer_list>

namespace atl::net::testing {
namespace {

const ipv6_addr me = ip6("2001:db8::1");
const ipv6_addr peer = ip6("2001:db8::2");

bytes_vec cat(std::initializer_list<bytes_vec> parts) {
  bytes_vec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
bytes_vec b(std::initializer_list<int> v) {
  bytes_vec out;
  for (const int x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}
/// An options header (hop-by-hop or destination) of 8 bytes holding one
/// option of `type` with no data, then PadN.
bytes_vec options_header(ip_protocol next, int type) {
  return b({static_cast<int>(next), 0, type, 0, 1, 2, 0, 0});
}
const bytes_vec udp_payload = b({0x04, 0xd2, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00});

ipv6_host host_with_peer(ipv6_host_config config = {}) {
  auto host = ready_host(config);
  learn_neighbor(host, peer, peer_mac, me, t0 + 1s);
  return host;
}

std::optional<parsed> only_frame(ipv6_host& host) {
  auto frames = host.take_frames();
  EXPECT_LE(frames.size(), 1U);
  if (frames.size() != 1) return std::nullopt;
  return parse_frame(frames[0]);
}

TEST(Ipv6Input, DeliversThroughExtensionHeaderChain) {
  auto host = host_with_peer();
  const auto payload = cat({options_header(ip_protocol::ipv6_opts, 0x01),  // hop-by-hop, PadN
                            b({17, 0, 0, 0, 1, 2, 0, 0}),                  // destination options
                            udp_payload});
  const auto packet = ip_packet(peer, me, ip_protocol::hop_by_hop, payload);
  const auto d = host.input(t0 + 2s, packet);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->protocol, ip_protocol::udp);
  EXPECT_EQ(d->src, peer);
  EXPECT_EQ(d->dst, me);
  ASSERT_EQ(d->payload.size(), udp_payload.size());
  EXPECT_EQ(d->payload.data(), packet.data() + 56);
  EXPECT_EQ(host.stats().rx_delivered, 1U);
}

TEST(Ipv6Input, TooManyHeadersRejectedSilently) {
  auto host = host_with_peer();
  bytes_vec payload;
  for (int i = 0; i < 9; ++i) {
    const bytes_vec h = b({i == 8 ? 17 : 60, 0, 1, 4, 0, 0, 0, 0});
    payload.insert(payload.end(), h.begin(), h.end());
  }
  payload.insert(payload.end(), udp_payload.begin(), udp_payload.end());
  EXPECT_FALSE(host.input(t0 + 2s, ip_packet(peer, me, ip_protocol::ipv6_opts, payload)));
  EXPECT_EQ(host.stats().rx_ext_refused, 1U);
  EXPECT_TRUE(host.take_frames().empty());
  // Eight are fine.
  payload.erase(payload.begin(), payload.begin() + 8);
  EXPECT_TRUE(host.input(t0 + 2s, ip_packet(peer, me, ip_protocol::ipv6_opts, payload)));
}

TEST(Ipv6Input, UnknownOptionActions) {
  auto host = host_with_peer();
  const auto with_option = [&](int type, const ipv6_addr& dst) {
    return ip_packet(peer, dst, ip_protocol::ipv6_opts,
                     cat({options_header(ip_protocol::udp, type), udp_payload}));
  };
  // 00: skipped.
  EXPECT_TRUE(host.input(t0 + 2s, with_option(0x1e, me)));
  EXPECT_TRUE(host.take_frames().empty());
  // 01: discarded silently.
  EXPECT_FALSE(host.input(t0 + 2s, with_option(0x5e, me)));
  EXPECT_TRUE(host.take_frames().empty());
  // 10: parameter problem code 2 pointing at the option, even to a group.
  for (const auto& dst : {me, ipv6_addr::all_nodes()}) {
    EXPECT_FALSE(host.input(t0 + 2s, with_option(0x9e, dst)));
    const auto p = only_frame(host);
    ASSERT_TRUE(p && p->icmp);
    EXPECT_EQ(p->icmp->type, icmpv6_type::parameter_problem);
    EXPECT_EQ(p->icmp->code, 2);
    EXPECT_EQ(p->icmp->pointer, 42U);
    EXPECT_EQ(p->ip.src, me);  // a unicast source, even for a group's packet
    EXPECT_EQ(p->ip.dst, peer);
  }
  // 11: the same, but not about a packet to a group.
  EXPECT_FALSE(host.input(t0 + 2s, with_option(0xde, me)));
  const auto p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->code, 2);
  EXPECT_FALSE(host.input(t0 + 2s, with_option(0xde, ipv6_addr::all_nodes())));
  EXPECT_TRUE(host.take_frames().empty());
  EXPECT_EQ(host.stats().icmp_errors_suppressed, 1U);
}

TEST(Ipv6Input, RoutingHeaderType0Refused) {
  auto host = host_with_peer();
  // Behind a destination options header, so the pointer is not trivial.
  const auto payload =
      cat({b({43, 0, 1, 4, 0, 0, 0, 0}), b({17, 0, 0, 1, 0, 0, 0, 0}), udp_payload});
  EXPECT_FALSE(host.input(t0 + 2s, ip_packet(peer, me, ip_protocol::ipv6_opts, payload)));
  const auto p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->type, icmpv6_type::parameter_problem);
  EXPECT_EQ(p->icmp->code, 0);
  EXPECT_EQ(p->icmp->pointer, 40U + 8U + 2U);  // its routing type
  // With no segments left it is skipped (RFC 8200 4.4).
  const auto done = cat({b({17, 0, 0, 0, 0, 0, 0, 0}), udp_payload});
  EXPECT_TRUE(host.input(t0 + 2s, ip_packet(peer, me, ip_protocol::ipv6_route, done)));
}

TEST(Ipv6Input, UnknownNextHeader) {
  auto host = host_with_peer();
  EXPECT_FALSE(
      host.input(t0 + 2s, ip_packet(peer, me, static_cast<ip_protocol>(253), udp_payload)));
  auto p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->code, 1);
  EXPECT_EQ(p->icmp->pointer, 6U);
  const auto chained = cat({b({253, 0, 1, 4, 0, 0, 0, 0}), udp_payload});
  EXPECT_FALSE(host.input(t0 + 2s, ip_packet(peer, me, ip_protocol::ipv6_opts, chained)));
  p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->pointer, 40U);
  EXPECT_EQ(host.stats().rx_unknown_protocol, 2U);
}

TEST(Ipv6Input, ValidationDrops) {
  auto host = host_with_peer();
  auto packet = ip_packet(peer, me, ip_protocol::udp, udp_payload);
  EXPECT_FALSE(host.input(t0, std::span(packet).first(39)));  // truncated
  auto v4 = ip_packet(peer, me, ip_protocol::udp, udp_payload);
  wire::put_u8(v4, 0, 0x45);
  EXPECT_FALSE(host.input(t0, v4));  // version
  EXPECT_EQ(host.stats().rx_malformed, 2U);
  EXPECT_FALSE(host.input(t0, ip_packet(ip6("ff02::1"), me, ip_protocol::udp, udp_payload)));
  EXPECT_FALSE(host.input(t0, ip_packet(peer, ip6("2001:db8::99"), ip_protocol::udp, udp_payload)));
  EXPECT_FALSE(host.input(t0, ip_packet(peer, ip6("ff02::5"), ip_protocol::udp, udp_payload)));
  EXPECT_EQ(host.stats().rx_not_ours, 3U);
  EXPECT_TRUE(host.input(t0, ip_packet(peer, me, ip_protocol::udp, udp_payload)));
}

TEST(Ipv6Icmp, EchoReplyBytes) {
  auto host = host_with_peer();
  const bytes_vec data = b({'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
  EXPECT_FALSE(
      host.input(t0 + 2s, icmp_packet(peer, me, icmpv6_repr::echo_request(0x1234, 7, data))));
  auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].dst_mac, peer_mac);
  const auto& r = frames[0].packet;
  ASSERT_EQ(r.size(), 40U + 8U + 8U);
  EXPECT_EQ(wire::get_u8(r, 0) >> 4, 6);
  EXPECT_EQ(wire::get_u16(r, 4), 16);
  EXPECT_EQ(wire::get_u8(r, 6), 58);
  EXPECT_EQ(wire::get_u8(r, 7), 64);
  EXPECT_EQ(wire::get_ipv6(r, 8), me);
  EXPECT_EQ(wire::get_ipv6(r, 24), peer);
  EXPECT_EQ(wire::get_u8(r, 40), 129);
  EXPECT_EQ(wire::get_u8(r, 41), 0);
  EXPECT_EQ(wire::get_u32(r, 44), 0x12340007U);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), r.begin() + 48));
  checksum_accumulator sum(ip_pair(me, peer).pseudo_sum(ip_protocol::icmpv6, 16));
  sum.add(std::span(r).subspan(40));
  EXPECT_EQ(sum.checksum(), 0);
  EXPECT_EQ(host.stats().echo_replies, 1U);
  // A reply to a group's request comes from our address.
  (void)host.input(
      t0 + 2s, icmp_packet(peer, ipv6_addr::all_nodes(), icmpv6_repr::echo_request(1, 1, data)));
  const auto p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->type, icmpv6_type::echo_reply);
  EXPECT_FALSE(p->ip.src.is_multicast());
}

TEST(Ipv6Icmp, NoErrorsAboutErrorsOrGroups) {
  auto host = host_with_peer();
  const auto udp = ip_packet(peer, me, ip_protocol::udp, udp_payload);
  EXPECT_TRUE(host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), udp));
  const auto p = only_frame(host);
  ASSERT_TRUE(p && p->icmp);
  EXPECT_EQ(p->icmp->type, icmpv6_type::dest_unreachable);
  EXPECT_EQ(p->icmp->code, 4);
  EXPECT_EQ(bytes_vec(p->icmp->data.begin(), p->icmp->data.end()), udp);  // quoted whole

  const auto error = icmp_packet(peer, me, icmpv6_repr::dest_unreachable(4, udp));
  EXPECT_FALSE(host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), error));
  const auto to_group = ip_packet(peer, ipv6_addr::all_nodes(), ip_protocol::udp, udp_payload);
  EXPECT_FALSE(host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), to_group));
  const auto from_any = ip_packet(ipv6_addr::any(), me, ip_protocol::udp, udp_payload);
  EXPECT_FALSE(host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), from_any));
  EXPECT_TRUE(host.take_frames().empty());
  EXPECT_EQ(host.stats().icmp_errors_suppressed, 3U);
  // Packet too big may go about a group's packet (RFC 4443 2.4 (e.3)).
  EXPECT_TRUE(host.send_error(t0 + 2s, icmpv6_repr::packet_too_big(1280, {}), to_group, true));
}

TEST(Ipv6Icmp, ErrorsQuoteAtMost1280Bytes) {
  auto host = host_with_peer();
  const bytes_vec big(3000, std::byte{7});
  const auto packet = ip_packet(peer, me, ip_protocol::udp, big);
  EXPECT_TRUE(host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), packet));
  auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].packet.size(), 1280U);
  EXPECT_TRUE(parse_frame(frames[0]).icmp);
}

TEST(Ipv6Icmp, ErrorsRateLimited) {
  ipv6_host_config config;
  config.icmp_error_burst = 3;
  config.icmp_error_interval = 1s;
  auto host = host_with_peer(config);
  const auto udp = ip_packet(peer, me, ip_protocol::udp, udp_payload);
  int sent = 0;
  for (int i = 0; i < 5; ++i) {
    sent += host.send_error(t0 + 2s, icmpv6_repr::dest_unreachable(4, {}), udp) ? 1 : 0;
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(host.stats().icmp_errors_rate_limited, 2U);
  EXPECT_EQ(host.take_frames().size(), 3U);
  EXPECT_FALSE(host.send_error(t0 + 2500ms, icmpv6_repr::dest_unreachable(4, {}), udp));
  EXPECT_TRUE(host.send_error(t0 + 3s, icmpv6_repr::dest_unreachable(4, {}), udp));
}

TEST(Ipv6Icmp, PacketTooBigUpdatesPathMtu) {
  auto host = host_with_peer();
  const auto far = ip6("2001:db8::3");
  const auto sent = ip_packet(me, far, ip_protocol::udp, bytes_vec(1452, std::byte{0}));
  EXPECT_EQ(host.path_mtu(t0, far), 1500U);
  (void)host.input(t0 + 2s, icmp_packet(peer, me, icmpv6_repr::packet_too_big(1400, sent)));
  EXPECT_EQ(host.path_mtu(t0 + 2s, far), 1400U);
  (void)host.input(t0 + 2s, icmp_packet(peer, me, icmpv6_repr::packet_too_big(500, sent)));
  EXPECT_EQ(host.path_mtu(t0 + 2s, far), 1280U);  // never below the minimum
  // About a packet that is not ours: ignored.
  const auto forged = ip_packet(ip6("2001:db8::77"), peer, ip_protocol::udp, udp_payload);
  (void)host.input(t0 + 2s, icmp_packet(peer, me, icmpv6_repr::packet_too_big(1300, forged)));
  EXPECT_EQ(host.path_mtu(t0 + 2s, peer), 1500U);
  EXPECT_EQ(host.stats().pmtu_updates, 2U);
  // And sending now fragments at 1280.
  learn_neighbor(host, far, peer_mac, me, t0 + 2s);
  ASSERT_TRUE(host.send(t0 + 3s, me, far, ip_protocol::udp, bytes_vec(2000, std::byte{9})));
  const auto frames = host.take_frames();
  ASSERT_EQ(frames.size(), 2U);
  for (const auto& f : frames) EXPECT_LE(f.packet.size(), 1280U);
}

}  // namespace
}  // namespace atl::net::testing
