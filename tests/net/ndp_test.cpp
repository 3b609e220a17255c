// Neighbour discovery: Linux's RS, NS (DAD and address resolution), NA; a
// router advertisement; the option rules of RFC 4861 and the IP-level checks.
#include "net_test.hpp"
#include <atoll/net/wire/ndp.hpp>

namespace atl::net {
namespace {

using namespace testing;

struct ndp_frame {
  ipv6_repr ip;
  l4_of msg;
};

ndp_frame frame_of(std::span<const std::byte> frame) {
  return {*ipv6_repr::parse(*ipv6_view::checked(l3(frame))), l4(frame)};
}

// Parses a message; emitting the repr gives back the same message byte for
// byte, or, when it carries options not kept in the repr, a message that
// parses to the same repr.
ndp_repr parse_ok(const ndp_frame& f, bool same_bytes = true) {
  const auto r = ndp_repr::parse(*icmpv6_view::checked(f.msg.bytes), f.msg.ips());
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  EXPECT_TRUE(check_ndp_ip(f.ip, *r).has_value());
  bytes_vec out(r->buffer_len());
  r->emit(out, f.msg.ips());
  if (same_bytes) {
    EXPECT_EQ(out, copy(f.msg.bytes));
  }
  EXPECT_EQ(*ndp_repr::parse(*icmpv6_view::checked(out), f.msg.ips()), *r);
  return *r;
}

TEST(ndp, linux_router_solicitation) {
  const auto r = parse_ok(frame_of(bytes(pkt::ndp_rs)));
  EXPECT_EQ(r.type, icmpv6_type::router_solicit);
  ASSERT_TRUE(r.source_ll.has_value());
  EXPECT_EQ(r.source_ll->text().view(), "02:00:00:00:0b:02");
}

TEST(ndp, linux_neighbor_solicitations) {
  const auto dad = frame_of(bytes(pkt::ndp_ns_dad));
  EXPECT_TRUE(dad.ip.src.is_unspecified());
  // Linux's DAD probe for its link-local address carries a nonce option
  // (RFC 7527, type 14): unknown here, skipped by its length.
  const auto d = parse_ok(dad, false);
  EXPECT_EQ(d.type, icmpv6_type::neighbor_solicit);
  EXPECT_FALSE(d.source_ll.has_value());
  EXPECT_EQ(d.target.text().view(), "fe80::ff:fe00:a01");
  EXPECT_EQ(dad.ip.dst, d.target.solicited_node());
  EXPECT_EQ(wire::get_u8(dad.msg.bytes, 24), 14);

  const auto ns = parse_ok(frame_of(bytes(pkt::ndp_ns)));
  EXPECT_EQ(ns.target.text().view(), "fd09::2");
  ASSERT_TRUE(ns.source_ll.has_value());
  EXPECT_EQ(ns.source_ll->text().view(), "02:00:00:00:0a:01");
}

TEST(ndp, linux_neighbor_advertisement) {
  const auto na = parse_ok(frame_of(bytes(pkt::ndp_na)));
  EXPECT_EQ(na.type, icmpv6_type::neighbor_advert);
  EXPECT_TRUE(na.solicited_flag);
  EXPECT_TRUE(na.override_flag);
  EXPECT_FALSE(na.router_flag);
  EXPECT_EQ(na.target.text().view(), "fd09::2");
  ASSERT_TRUE(na.target_ll.has_value());
  EXPECT_EQ(na.target_ll->text().view(), "02:00:00:00:0b:02");
}

TEST(ndp, router_advertisement) {
  const auto ra = parse_ok(frame_of(bytes(pkt::ndp_ra)));
  EXPECT_EQ(ra.cur_hop_limit, 64);
  EXPECT_FALSE(ra.managed_flag);
  EXPECT_TRUE(ra.other_flag);
  EXPECT_EQ(ra.router_lifetime, 1800);
  EXPECT_EQ(ra.reachable_time, 30000U);
  EXPECT_EQ(ra.retrans_timer, 1000U);
  EXPECT_EQ(ra.mtu, 1500U);
  ASSERT_EQ(ra.prefix_count, 2);
  EXPECT_EQ(ra.prefixes[0].prefix.text().view(), "fd09::/64");
  EXPECT_TRUE(ra.prefixes[0].on_link);
  EXPECT_TRUE(ra.prefixes[0].autonomous);
  EXPECT_EQ(ra.prefixes[0].valid_lifetime, 86400U);
  EXPECT_EQ(ra.prefixes[0].preferred_lifetime, 14400U);
  EXPECT_EQ(ra.prefixes[1].prefix.text().view(), "2001:db8:1::/48");
  EXPECT_FALSE(ra.prefixes[1].autonomous);
  EXPECT_EQ(ra.prefixes[1].valid_lifetime, 0xffffffffU);
  EXPECT_EQ(ra.source_ll->text().view(), "02:00:00:00:00:fe");
}

TEST(ndp, option_rules) {
  const auto ns = frame_of(bytes(pkt::ndp_ns));
  const auto ips = ns.msg.ips();
  const auto policy = checksum_policy::ignore;
  const auto base = copy(ns.msg.bytes);  // 24 bytes and an 8-byte source link-layer option
  const auto parse = [&](const bytes_vec& m) {
    return ndp_repr::parse(*icmpv6_view::checked(m), ips, policy);
  };
  auto zero = base;
  set_u8(zero, 25, 0);  // length 0: invalid, and a walk that would never advance
  EXPECT_EQ(parse(zero).error().code(), errc::corrupt);
  auto past = base;
  set_u8(past, 25, 2);  // 16 bytes in 8
  EXPECT_EQ(parse(past).error().code(), errc::corrupt);
  auto cut = base;
  cut.resize(25);  // a type without its length
  EXPECT_EQ(parse(cut).error().code(), errc::corrupt);
  auto wrong_ll = base;  // a link-layer option of 16 bytes
  set_u8(wrong_ll, 25, 2);
  wrong_ll.resize(40);
  EXPECT_EQ(parse(wrong_ll).error().code(), errc::corrupt);
  auto unknown = base;  // an unknown option type is skipped
  set_u8(unknown, 24, 200);
  const auto skipped = parse(unknown);
  ASSERT_TRUE(skipped.has_value());
  EXPECT_FALSE(skipped->source_ll.has_value());
  auto not_here = base;  // a target link-layer option in a solicitation is skipped
  set_u8(not_here, 24, 2);
  EXPECT_FALSE(parse(not_here)->target_ll.has_value());
  auto multicast = base;
  set_u8(multicast, 8, 0xff);
  EXPECT_EQ(parse(multicast).error().code(), errc::corrupt);
  auto code = base;
  set_u8(code, 1, 1);
  EXPECT_EQ(parse(code).error().code(), errc::corrupt);
  auto checksum = base;
  set_u8(checksum, 20, 1);
  EXPECT_EQ(ndp_repr::parse(*icmpv6_view::checked(checksum), ips).error().code(), errc::corrupt);
  auto redirect = base;
  redirect.resize(40);
  set_u8(redirect, 0, 137);
  EXPECT_EQ(parse(redirect).error().code(), errc::unsupported);
}

TEST(ndp, prefix_options) {
  const auto ra = frame_of(bytes(pkt::ndp_ra));
  const auto ips = ra.msg.ips();
  const auto base = copy(ra.msg.bytes);
  // The first prefix option starts at 16 + 8 + 8; its prefix length is at +2.
  auto long_prefix = base;
  set_u8(long_prefix, 34, 129);
  EXPECT_EQ(ndp_repr::parse(*icmpv6_view::checked(long_prefix), ips, checksum_policy::ignore)
                .error()
                .code(),
            errc::corrupt);
  auto short_option = base;
  set_u8(short_option, 33, 3);  // prefix information of 24 bytes
  EXPECT_EQ(ndp_repr::parse(*icmpv6_view::checked(short_option), ips, checksum_policy::ignore)
                .error()
                .code(),
            errc::corrupt);
  // Ten prefixes: eight are kept, two counted.
  auto r = *ndp_repr::parse(*icmpv6_view::checked(base), ips);
  bytes_vec many = base;
  const bytes_vec prefix(base.begin() + 32, base.begin() + 64);
  for (int i = 0; i < 8; ++i) many.insert(many.end(), prefix.begin(), prefix.end());
  const auto ten = ndp_repr::parse(*icmpv6_view::checked(many), ips, checksum_policy::ignore);
  ASSERT_TRUE(ten.has_value());
  EXPECT_EQ(ten->prefix_count, ndp_repr::max_prefixes);
  EXPECT_EQ(ten->prefixes_ignored, 2);
  r.prefix_count = 0;
  r.mtu.reset();
  bytes_vec out(r.buffer_len());
  r.emit(out, ips);
  EXPECT_EQ(*ndp_repr::parse(*icmpv6_view::checked(out), ips), r);
}

TEST(ndp, ip_level_rules) {
  const auto dad = frame_of(bytes(pkt::ndp_ns_dad));
  const auto ns = parse_ok(dad, false);
  auto ip = dad.ip;
  ip.hop_limit = 254;  // forwarded by a router: not from the link
  EXPECT_EQ(check_ndp_ip(ip, ns).error().code(), errc::corrupt);
  ip = dad.ip;
  ip.dst = ipv6_addr::all_nodes();  // DAD not to the solicited-node group
  EXPECT_EQ(check_ndp_ip(ip, ns).error().code(), errc::corrupt);
  auto with_ll = ns;
  with_ll.source_ll = mac_addr::broadcast();  // from :: with a link-layer address
  EXPECT_EQ(check_ndp_ip(dad.ip, with_ll).error().code(), errc::corrupt);

  const auto na_frame = frame_of(bytes(pkt::ndp_na));
  const auto na = parse_ok(na_frame);
  ip = na_frame.ip;
  ip.dst = ipv6_addr::all_nodes();  // solicited, but to all nodes
  EXPECT_EQ(check_ndp_ip(ip, na).error().code(), errc::corrupt);

  const auto ra_frame = frame_of(bytes(pkt::ndp_ra));
  const auto ra = parse_ok(ra_frame);
  ip = ra_frame.ip;
  ip.src = *ipv6_addr::parse("fd09::fe");  // not link-local
  EXPECT_EQ(check_ndp_ip(ip, ra).error().code(), errc::corrupt);

  const auto rs_frame = frame_of(bytes(pkt::ndp_rs));
  ip = rs_frame.ip;
  ip.src = ipv6_addr::any();
  EXPECT_EQ(check_ndp_ip(ip, parse_ok(rs_frame)).error().code(), errc::corrupt);
}

}  // namespace
}  // namespace atl::net
