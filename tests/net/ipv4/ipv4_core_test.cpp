// ipv4::ipv4_core: input rules, echo and port unreachable byte for byte
// against Linux, reassembly of Linux's fragments, fragmentation round trips,
// DF, routing and the path MTU.
#include "../net_test.hpp"
#include <atoll/net/ipv4/ipv4_core.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/ipv4.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace atl::net::ipv4 {
namespace {

using namespace atl::net::testing;

const ipv4_addr ip_a(10, 9, 0, 1);
const ipv4_addr ip_b(10, 9, 0, 2);
const mono_time t0 = mono_time{} + 1000s;

ipv4_prefix prefix(const ipv4_addr& a, std::uint8_t len) { return *ipv4_prefix::create(a, len); }

ipv4_core make_core(const ipv4_addr& ip, std::uint16_t ident_seed = 1, std::uint16_t mtu = 1500) {
  ipv4_config c;
  c.ident_seed = ident_seed;
  c.link_mtu = mtu;
  ipv4_core core(c);
  EXPECT_TRUE(core.add_address(prefix(ip, 24)).has_value());
  return core;
}

buf buf_of(std::span<const std::byte> bytes) { return *buf::copy_of(bytes); }
bytes_vec vec(const buf& b) { return copy(b.bytes()); }

bytes_vec pattern(std::size_t n) {
  bytes_vec v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((i * 13 + 5) & 0xff);
  return v;
}

// An IPv4 packet from the wire layer, for the input rules.
bytes_vec ip_packet(const ipv4_addr& src, const ipv4_addr& dst, std::uint8_t ttl = 64,
                    ip_protocol protocol = ip_protocol::udp, std::size_t payload_len = 8) {
  ipv4_repr h;
  h.src = src;
  h.dst = dst;
  h.ttl = ttl;
  h.protocol = protocol;
  h.payload_len = static_cast<std::uint16_t>(payload_len);
  bytes_vec out(ipv4_repr::buffer_len() + payload_len);
  h.emit(std::span<std::byte>(out).first(ipv4_repr::buffer_len()));
  return out;
}

TEST(Ipv4Core, EchoReplyMatchesLinux) {
  auto b = make_core(ip_b, 0x76c3);
  ipv4_actions out;
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::icmpv4_echo_request))), t0, out).has_value());
  EXPECT_TRUE(out.deliver.empty());
  ASSERT_EQ(out.send.size(), 1U);
  EXPECT_EQ(out.send[0].next_hop, ip_a);
  EXPECT_EQ(vec(out.send[0].packet), copy(l3(bytes(pkt::icmpv4_echo_reply))));
  EXPECT_EQ(b.stats().echo_replies, 1U);
}

TEST(Ipv4Core, NoEchoReplyToBroadcast) {
  auto b = make_core(ip_b);
  const bytes_vec data = hex("61 62 63 64");
  const auto echo = icmpv4_repr::echo_request(1, 2, data);
  auto to = [&](const ipv4_addr& dst) {
    auto p = ip_packet(ip_a, dst, 64, ip_protocol::icmp, echo.buffer_len());
    echo.emit(std::span<std::byte>(p).subspan(ipv4_repr::buffer_len()));
    return p;
  };
  ipv4_actions out;
  ASSERT_TRUE(b.input(buf_of(to(ipv4_addr(10, 9, 0, 255))), t0, out).has_value());
  ASSERT_TRUE(b.input(buf_of(to(ipv4_addr::broadcast())), t0, out).has_value());
  EXPECT_TRUE(out.send.empty());
  EXPECT_EQ(b.stats().echo_replies, 0U);
  // The same to our address is answered.
  ASSERT_TRUE(b.input(buf_of(to(ip_b)), t0, out).has_value());
  EXPECT_EQ(out.send.size(), 1U);
}

TEST(Ipv4Core, PortUnreachableMatchesLinux) {
  auto b = make_core(ip_b, 0x76e3);
  ipv4_actions out;
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::ipv4_udp))), t0, out).has_value());
  ASSERT_EQ(out.deliver.size(), 1U);
  const auto d = out.deliver[0];
  EXPECT_EQ(d.protocol, ip_protocol::udp);
  EXPECT_EQ(d.src, ip_a);
  EXPECT_EQ(d.dst, ip_b);
  EXPECT_FALSE(d.to_group);
  EXPECT_EQ(d.payload.size(), l3(bytes(pkt::ipv4_udp)).size() - 20);
  // UDP finds no socket and asks for a port unreachable quoting the packet.
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, d.packet.bytes());
  ASSERT_TRUE(b.send_icmp_error(d.packet.bytes(), err, t0, out).has_value());
  ASSERT_EQ(out.send.size(), 1U);
  EXPECT_EQ(out.send[0].next_hop, ip_a);
  EXPECT_EQ(vec(out.send[0].packet), copy(l3(bytes(pkt::icmpv4_port_unreachable))));
}

TEST(Ipv4Core, ReassemblesLinuxFragmentsAndQuotesThem) {
  auto b = make_core(ip_b, 0x7781);
  ipv4_actions out;
  // Last first, then first, then middle.
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::ipv4_frag_last))), t0, out).has_value());
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::ipv4_frag_first))), t0, out).has_value());
  EXPECT_TRUE(out.deliver.empty());
  EXPECT_GT(b.reassembly().bytes_held(), 0U);
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::ipv4_frag_middle))), t0, out).has_value());
  ASSERT_EQ(out.deliver.size(), 1U);
  EXPECT_EQ(b.reassembly().bytes_held(), 0U);
  const auto& d = out.deliver[0];
  EXPECT_EQ(d.payload.size(), 3080U);
  EXPECT_EQ(d.packet.size(), 3100U);
  // Linux's error about the same datagram quotes it reassembled, 576 bytes in all.
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, d.packet.bytes());
  ASSERT_TRUE(b.send_icmp_error(d.packet.bytes(), err, t0, out).has_value());
  ASSERT_EQ(out.send.size(), 1U);
  EXPECT_EQ(vec(out.send[0].packet), copy(l3(bytes(pkt::icmpv4_port_unreachable_576))));
}

TEST(Ipv4Core, NoErrorAboutBroadcastOrNonFirstFragments) {
  auto b = make_core(ip_b);
  ipv4_actions out;
  const auto to_bcast = ip_packet(ip_a, ipv4_addr(10, 9, 0, 255));
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, to_bcast);
  auto r = b.send_icmp_error(to_bcast, err, t0, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::refused);
  const auto unicast = ip_packet(ip_a, ip_b);
  EXPECT_FALSE(b.send_icmp_error(unicast, err, t0, out, /*link_broadcast=*/true).has_value());
  EXPECT_EQ(b.icmp().refused(icmp_refusal::group_destination), 2U);
  auto frag = ip_packet(ip_a, ip_b);
  set_u16(frag, 6, 0x0001);  // offset 8
  EXPECT_FALSE(b.send_icmp_error(frag, err, t0, out).has_value());
  EXPECT_EQ(b.icmp().refused(icmp_refusal::not_first_fragment), 1U);
  EXPECT_TRUE(out.send.empty());
  ASSERT_TRUE(b.send_icmp_error(unicast, err, t0, out).has_value());
  EXPECT_EQ(out.send.size(), 1U);
}

TEST(Ipv4Core, InputRules) {
  auto b = make_core(ip_b);
  ASSERT_TRUE(b.join(ipv4_addr(239, 1, 2, 3)).has_value());
  ipv4_actions out;
  auto in = [&](const bytes_vec& p) { return b.input(buf_of(p), t0, out); };
  EXPECT_TRUE(in(ip_packet(ip_a, ip_b)).has_value());
  EXPECT_TRUE(in(ip_packet(ip_a, ipv4_addr::broadcast())).has_value());
  EXPECT_TRUE(in(ip_packet(ip_a, ipv4_addr(10, 9, 0, 255))).has_value());
  EXPECT_TRUE(in(ip_packet(ip_a, ipv4_addr(239, 1, 2, 3))).has_value());
  EXPECT_TRUE(in(ip_packet(ip_a, ipv4_addr(224, 0, 0, 1))).has_value());
  EXPECT_TRUE(in(ip_packet(ipv4_addr::any(), ipv4_addr::broadcast())).has_value());  // DHCP
  ASSERT_EQ(out.deliver.size(), 6U);
  EXPECT_FALSE(out.deliver[0].to_group);
  EXPECT_TRUE(out.deliver[1].to_group);
  EXPECT_TRUE(out.deliver[2].to_group);

  EXPECT_FALSE(in(ip_packet(ip_a, ipv4_addr(10, 9, 0, 7))).has_value());
  EXPECT_FALSE(in(ip_packet(ip_a, ipv4_addr(239, 9, 9, 9))).has_value());
  EXPECT_EQ(b.stats().dropped(ipv4_drop::not_for_us), 2U);
  EXPECT_FALSE(in(ip_packet(ip_b, ip_b)).has_value());
  EXPECT_FALSE(in(ip_packet(ipv4_addr(224, 0, 0, 5), ip_b)).has_value());
  EXPECT_FALSE(in(ip_packet(ipv4_addr(10, 9, 0, 255), ip_b)).has_value());
  EXPECT_FALSE(in(ip_packet(ipv4_addr::loopback(), ip_b)).has_value());
  EXPECT_FALSE(in(ip_packet(ipv4_addr::any(), ip_b)).has_value());
  EXPECT_EQ(b.stats().dropped(ipv4_drop::martian), 5U);
  EXPECT_FALSE(in(ip_packet(ip_a, ip_b, 0)).has_value());
  EXPECT_EQ(b.stats().dropped(ipv4_drop::bad_ttl), 1U);
  auto bad = ip_packet(ip_a, ip_b);
  set_u8(bad, 8, 63);  // checksum now wrong
  const auto r = in(bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::corrupt);
  EXPECT_EQ(b.stats().dropped(ipv4_drop::malformed), 1U);
  EXPECT_EQ(out.deliver.size(), 6U);
}

TEST(Ipv4Core, OptionsAreSkippedAndPaddingCut) {
  auto b = make_core(ip_b);
  ipv4_actions out;
  auto padded = copy(l3(bytes(pkt::ipv4_options)));
  padded.resize(padded.size() + 10);  // link padding
  ASSERT_TRUE(b.input(buf_of(padded), t0, out).has_value());
  ASSERT_EQ(out.deliver.size(), 1U);
  EXPECT_EQ(out.deliver[0].protocol, ip_protocol::udp);
  const auto opts = l3(bytes(pkt::ipv4_options));
  const auto ihl = (u8(opts, 0) & 0x0f) * 4U;
  EXPECT_EQ(vec(out.deliver[0].payload), copy(opts.subspan(ihl)));
}

void round_trip(std::uint16_t mtu, std::size_t expected_fragments, bool reverse) {
  auto a = make_core(ip_a, 100, mtu);
  auto b = make_core(ip_b, 1, mtu);
  const auto data = pattern(4000);
  ipv4_actions out;
  ASSERT_TRUE(a.send(ipv4_addr::any(), ip_b, ip_protocol::udp, buf_of(data), t0, out).has_value());
  ASSERT_EQ(out.send.size(), expected_fragments);
  EXPECT_EQ(a.stats().fragmented, 1U);
  for (const auto& tx : out.send) {
    EXPECT_EQ(tx.next_hop, ip_b);
    EXPECT_LE(tx.packet.size(), mtu);
    auto v = ipv4_view::checked(tx.packet.bytes());
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->checksum_ok());
    EXPECT_EQ(v->ident(), 100U);
    EXPECT_FALSE(v->dont_fragment());
  }
  auto packets = out.send;
  if (reverse) std::reverse(packets.begin(), packets.end());
  ipv4_actions in;
  for (const auto& tx : packets) ASSERT_TRUE(b.input(tx.packet, t0, in).has_value());
  ASSERT_EQ(in.deliver.size(), 1U);
  EXPECT_EQ(in.deliver[0].src, ip_a);
  EXPECT_EQ(vec(in.deliver[0].payload), data);
  EXPECT_EQ(b.reassembly().bytes_held(), 0U);
}

TEST(Ipv4Core, FragmentationRoundTrip1500) { round_trip(1500, 3, false); }
TEST(Ipv4Core, FragmentationRoundTrip576) { round_trip(576, 8, true); }

TEST(Ipv4Core, DontFragmentForTcp) {
  auto a = make_core(ip_a);
  ipv4_actions out;
  auto big = a.send(ipv4_addr::any(), ip_b, ip_protocol::tcp, buf_of(pattern(1481)), t0, out);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code(), errc::limit_exceeded);
  ASSERT_TRUE(
      a.send(ipv4_addr::any(), ip_b, ip_protocol::tcp, buf_of(pattern(1480)), t0, out).has_value());
  ASSERT_EQ(out.send.size(), 1U);
  EXPECT_TRUE(ipv4_view::checked(out.send[0].packet.bytes())->dont_fragment());
  // Identifications count up.
  ASSERT_TRUE(a.send(ip_a, ip_b, ip_protocol::udp, buf_of(pattern(10)), t0, out).has_value());
  EXPECT_EQ(ipv4_view::checked(out.send[1].packet.bytes())->ident(),
            ipv4_view::checked(out.send[0].packet.bytes())->ident() + 1);
}

TEST(Ipv4Core, ZeroCopyIntoHeadroom) {
  auto a = make_core(ip_a);
  auto payload = *buf::allocate(100, 64);
  ipv4_actions out;
  ASSERT_TRUE(a.send(ipv4_addr::any(), ip_b, ip_protocol::udp, payload, t0, out).has_value());
  ASSERT_EQ(out.send.size(), 1U);
  EXPECT_TRUE(out.send[0].packet.shares_block(payload));
  EXPECT_EQ(out.send[0].packet.size(), 120U);
}

TEST(Ipv4Core, RoutingAndNextHop) {
  auto a = make_core(ip_a);
  ipv4_actions out;
  const ipv4_addr far(203, 0, 113, 9);
  auto r = a.send(ipv4_addr::any(), far, ip_protocol::udp, buf_of(pattern(10)), t0, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::unreachable);
  ASSERT_TRUE(a.routes().set_default(ipv4_addr(10, 9, 0, 254)).has_value());
  ASSERT_TRUE(a.routes()
                  .add(route{prefix(ipv4_addr(203, 0, 113, 0), 24), ipv4_addr(10, 9, 0, 253), 0})
                  .has_value());
  ASSERT_TRUE(
      a.send(ipv4_addr::any(), far, ip_protocol::udp, buf_of(pattern(10)), t0, out).has_value());
  ASSERT_TRUE(a.send(ipv4_addr::any(), ipv4_addr(198, 51, 100, 1), ip_protocol::udp,
                     buf_of(pattern(10)), t0, out)
                  .has_value());
  ASSERT_TRUE(
      a.send(ipv4_addr::any(), ip_b, ip_protocol::udp, buf_of(pattern(10)), t0, out).has_value());
  ASSERT_TRUE(a.send(ipv4_addr::any(), ipv4_addr(10, 9, 0, 255), ip_protocol::udp,
                     buf_of(pattern(10)), t0, out)
                  .has_value());
  ASSERT_EQ(out.send.size(), 4U);
  EXPECT_EQ(out.send[0].next_hop, ipv4_addr(10, 9, 0, 253));  // the /24 beats the default
  EXPECT_EQ(out.send[1].next_hop, ipv4_addr(10, 9, 0, 254));  // the default
  EXPECT_EQ(out.send[2].next_hop, ip_b);                      // on-link
  EXPECT_EQ(out.send[3].next_hop, ipv4_addr::broadcast());    // directed broadcast
  EXPECT_EQ(ipv4_view::checked(out.send[0].packet.bytes())->src(), ip_a);
}

TEST(Ipv4Core, PathMtuFromFragmentationNeeded) {
  auto a = make_core(ip_a);
  ASSERT_TRUE(a.routes().set_default(ipv4_addr(10, 9, 0, 254)).has_value());
  const ipv4_addr far(203, 0, 113, 9);
  EXPECT_EQ(a.mtu_to(far, t0), 1500U);
  ipv4_actions out;
  // The router's message (reference packet): next-hop MTU 1400.
  ASSERT_TRUE(a.input(buf_of(l3(bytes(pkt::icmpv4_frag_needed))), t0, out).has_value());
  ASSERT_EQ(out.deliver.size(), 1U);  // TCP hears of it too
  EXPECT_EQ(out.deliver[0].protocol, ip_protocol::icmp);
  EXPECT_EQ(a.mtu_to(far, t0), 1400U);
  EXPECT_EQ(a.mtu_to(ip_b, t0), 1500U);
  out.clear();
  ASSERT_TRUE(
      a.send(ipv4_addr::any(), far, ip_protocol::udp, buf_of(pattern(1400)), t0, out).has_value());
  EXPECT_EQ(out.send.size(), 2U);
  for (const auto& tx : out.send) EXPECT_LE(tx.packet.size(), 1400U);
  // It ages out (10 minutes).
  EXPECT_EQ(a.next_deadline(), t0 + 600s);
  a.poll(t0 + 600s);
  EXPECT_EQ(a.mtu_to(far, t0 + 600s), 1500U);
  EXPECT_EQ(a.pmtu().size(), 0U);
}

TEST(Ipv4Core, PingOfDeathIsDropped) {
  auto b = make_core(ip_b);
  ipv4_actions out;
  // A last fragment whose payload would end at 65520: 65540 bytes with its header.
  ipv4_repr h;
  h.src = ip_a;
  h.dst = ip_b;
  h.ident = 9;
  h.payload_len = 16;
  h.fragment_offset = 65504;
  bytes_vec p(36);
  h.emit(std::span<std::byte>(p).first(20));
  const auto r = b.input(buf_of(p), t0, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(b.stats().dropped(ipv4_drop::reassembly), 1U);
  EXPECT_EQ(b.reassembly().stats().dropped(ip::reassembly_drop::too_large), 1U);
}

TEST(Ipv4Core, ReassemblyTimesOutThroughPoll) {
  auto b = make_core(ip_b);
  ipv4_actions out;
  ASSERT_TRUE(b.input(buf_of(l3(bytes(pkt::ipv4_frag_first))), t0, out).has_value());
  EXPECT_EQ(b.next_deadline(), t0 + 30s);
  b.poll(t0 + 30s);
  EXPECT_EQ(b.reassembly().in_progress(), 0U);
  EXPECT_EQ(b.reassembly().bytes_held(), 0U);
}

}  // namespace
}  // namespace atl::net::ipv4
