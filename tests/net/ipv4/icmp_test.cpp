// ipv4 ICMP rules and rate limit, and the routing table (the token bucket and
// the path MTU table are tested in ../ip/).
#include "../net_test.hpp"
#include <atoll/net/ipv4/icmp.hpp>
#include <atoll/net/ipv4/route_table.hpp>

#include <gtest/gtest.h>

namespace atl::net::ipv4 {
namespace {

using namespace atl::net::testing;

const ipv4_addr ip_a(10, 9, 0, 1);
const ipv4_addr ip_b(10, 9, 0, 2);
const mono_time t0 = mono_time{} + 1000s;

ipv4_prefix prefix(const ipv4_addr& a, std::uint8_t len) { return *ipv4_prefix::create(a, len); }

bytes_vec ip_packet(const ipv4_addr& src, const ipv4_addr& dst, ip_protocol protocol,
                    const bytes_vec& payload) {
  ipv4_repr h;
  h.src = src;
  h.dst = dst;
  h.protocol = protocol;
  h.payload_len = static_cast<std::uint16_t>(payload.size());
  bytes_vec out(ipv4_repr::buffer_len());
  h.emit(out);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

TEST(IcmpErrors, RateLimitBoundsErrors) {
  icmp_errors errors(icmp_error_config{100, 50});
  const auto invoking = ip_packet(ip_a, ip_b, ip_protocol::udp, bytes_vec(8));
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, invoking);
  int sent = 0;
  for (int i = 0; i < 1000; ++i) sent += errors.make(invoking, err, ip_b, t0).has_value() ? 1 : 0;
  EXPECT_EQ(sent, 50);
  EXPECT_EQ(errors.refused(icmp_refusal::rate_limited), 950U);
  // One second later: 100 more at most.
  sent = 0;
  for (int i = 0; i < 1000; ++i) {
    sent += errors.make(invoking, err, ip_b, t0 + 1s).has_value() ? 1 : 0;
  }
  EXPECT_EQ(sent, 50);  // the bucket holds 50
  EXPECT_EQ(errors.sent(), 100U);
}

TEST(IcmpErrors, QuotesHeaderAndPayload) {
  icmp_errors errors;
  const bytes_vec udp = hex("8f97 0009 0010 0000 6162 6364 6566 6768");
  const auto invoking = ip_packet(ip_a, ip_b, ip_protocol::udp, udp);
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, invoking);
  auto m = errors.make(invoking, err, ip_b, t0);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->src, ip_b);
  EXPECT_EQ(m->dst, ip_a);
  EXPECT_GE(m->message.headroom(), icmp_message::headroom);
  auto view = icmpv4_view::checked(m->message.bytes());
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->checksum_ok());
  EXPECT_EQ(view->type(), 3U);
  EXPECT_EQ(view->code(), 3U);
  EXPECT_EQ(copy(view->data()), invoking);
  auto parsed = icmpv4_repr::parse(*view);
  ASSERT_TRUE(parsed.has_value());
  auto quoted = parsed->invoking();
  ASSERT_TRUE(quoted.has_value());
  EXPECT_EQ(quoted->header.src, ip_a);
}

TEST(IcmpErrors, Rules) {
  const bytes_vec eight(8);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::udp, eight)), icmp_refusal::none);
  // About ICMP: an error is refused, a query is fine.
  const bytes_vec unreachable = hex("0303 0000 0000 0000");
  const bytes_vec echo = hex("0800 0000 0000 0000");
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::icmp, unreachable)),
            icmp_refusal::about_error);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::icmp, hex("2a00 0000 0000 0000"))),
            icmp_refusal::about_error);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::icmp, echo)), icmp_refusal::none);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ipv4_addr::broadcast(), ip_protocol::udp, eight)),
            icmp_refusal::group_destination);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ipv4_addr(224, 0, 0, 9), ip_protocol::udp, eight)),
            icmp_refusal::group_destination);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::udp, eight), true),
            icmp_refusal::group_destination);
  EXPECT_EQ(error_refusal(ip_packet(ipv4_addr::any(), ip_b, ip_protocol::udp, eight)),
            icmp_refusal::bad_source);
  EXPECT_EQ(error_refusal(ip_packet(ipv4_addr(239, 0, 0, 1), ip_b, ip_protocol::udp, eight)),
            icmp_refusal::bad_source);
  EXPECT_EQ(error_refusal(ip_packet(ip_a, ip_b, ip_protocol::udp, bytes_vec(4))),
            icmp_refusal::truncated);
  EXPECT_EQ(error_refusal(bytes_vec(10)), icmp_refusal::truncated);

  icmp_errors errors;
  const auto about_error = ip_packet(ip_a, ip_b, ip_protocol::icmp, unreachable);
  const auto err = icmpv4_repr::dest_unreachable(icmpv4_unreachable::port, about_error);
  const auto r = errors.make(about_error, err, ip_b, t0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::refused);
  EXPECT_EQ(errors.refused(icmp_refusal::about_error), 1U);
  EXPECT_EQ(errors.sent(), 0U);
}

TEST(Icmp, EchoReplyKeepsIdentSeqAndData) {
  const bytes_vec data = hex("01 02 03 04 05");
  const auto req = icmpv4_repr::echo_request(0x1234, 7, data);
  ipv4_repr ip;
  ip.src = ip_a;
  ip.dst = ip_b;
  auto m = make_echo_reply(ip, req);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->src, ip_b);
  EXPECT_EQ(m->dst, ip_a);
  auto view = icmpv4_view::checked(m->message.bytes());
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->checksum_ok());
  EXPECT_EQ(view->type(), 0U);
  EXPECT_EQ(view->echo_ident(), 0x1234U);
  EXPECT_EQ(view->echo_seq(), 7U);
  EXPECT_EQ(copy(view->data()), data);
  EXPECT_FALSE(make_echo_reply(ip, icmpv4_repr::echo_reply(1, 1, data)).has_value());
}

TEST(Icmp, FragNeededHint) {
  auto v = icmpv4_view::checked(l4(bytes(pkt::icmpv4_frag_needed)).bytes);
  ASSERT_TRUE(v.has_value());
  auto m = icmpv4_repr::parse(*v);
  ASSERT_TRUE(m.has_value());
  const auto hint = frag_needed_hint(*m);
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(hint->dst, ipv4_addr(203, 0, 113, 9));
  EXPECT_EQ(hint->mtu, 1400U);
  // An RFC 792 router says 0: the plateau below the quoted length (40), the minimum 68.
  auto old = *m;
  old.next_hop_mtu = 0;
  EXPECT_EQ(frag_needed_hint(old)->mtu, 68U);
  EXPECT_EQ(mtu_plateau_below(1500), 1492U);
  EXPECT_EQ(mtu_plateau_below(576), 508U);
  EXPECT_FALSE(frag_needed_hint(icmpv4_repr::echo_request(1, 1, {})).has_value());
}

TEST(RouteTable, LongestPrefixMatchAndLimit) {
  route_table t(3);
  EXPECT_FALSE(t.lookup(ip_a).has_value());
  ASSERT_TRUE(
      t.add(route{prefix(ipv4_addr(10, 0, 0, 0), 8), ipv4_addr(10, 9, 0, 250), 0}).has_value());
  ASSERT_TRUE(t.add(route{prefix(ipv4_addr(10, 9, 0, 0), 24), ipv4_addr::any(), 1400}).has_value());
  ASSERT_TRUE(t.set_default(ipv4_addr(10, 9, 0, 254)).has_value());
  EXPECT_EQ(t.lookup(ip_a)->next_hop, ip_a);
  EXPECT_EQ(t.lookup(ip_a)->via.mtu, 1400U);
  EXPECT_EQ(t.lookup(ipv4_addr(10, 1, 2, 3))->next_hop, ipv4_addr(10, 9, 0, 250));
  EXPECT_EQ(t.lookup(ipv4_addr(8, 8, 8, 8))->next_hop, ipv4_addr(10, 9, 0, 254));
  // Full; replacing a route of the same prefix still works.
  const auto full = t.add(route{prefix(ipv4_addr(192, 168, 0, 0), 16), ipv4_addr::any(), 0});
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code(), errc::limit_exceeded);
  ASSERT_TRUE(t.set_default(ipv4_addr(10, 9, 0, 253)).has_value());
  EXPECT_EQ(t.lookup(ipv4_addr(8, 8, 8, 8))->next_hop, ipv4_addr(10, 9, 0, 253));
  EXPECT_EQ(t.size(), 3U);
  EXPECT_TRUE(t.remove(prefix(ipv4_addr(10, 9, 0, 77), 24)));
  EXPECT_EQ(t.lookup(ip_a)->next_hop, ipv4_addr(10, 9, 0, 250));
  EXPECT_FALSE(t.add(route{prefix(ip_a, 32), ipv4_addr::broadcast(), 0}).has_value());
}

}  // namespace
}  // namespace atl::net::ipv4
