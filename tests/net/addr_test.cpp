// Addresses: strict IPv4 text, RFC 4291 input and RFC 5952 output for IPv6,
// prefixes, the derived multicast and link-local addresses, ports.
#include <atoll/net/addr.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace atl::net {
namespace {

TEST(ipv4_addr, parse_and_text) {
  const auto a = ipv4_addr::parse("192.0.2.1");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->to_u32(), 0xc0000201U);
  EXPECT_EQ(a->text().view(), "192.0.2.1");
  EXPECT_EQ(ipv4_addr::parse("0.0.0.0")->text().view(), "0.0.0.0");
  EXPECT_EQ(ipv4_addr::parse("255.255.255.255")->text().view(), "255.255.255.255");
  EXPECT_EQ(ipv4_addr::from_u32(0x0a000001), ipv4_addr(10, 0, 0, 1));
}

TEST(ipv4_addr, rejects_malformed_text) {
  for (const std::string_view bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1..3.4", ".1.2.3",
        "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "a.b.c.d", "1.2.3.4/8", "99999.1.1.1",
        "1.2.3.0x4"}) {
    const auto r = ipv4_addr::parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(ipv4_addr, classes) {
  EXPECT_TRUE(ipv4_addr(224, 0, 0, 1).is_multicast());
  EXPECT_TRUE(ipv4_addr(239, 255, 255, 250).is_multicast());
  EXPECT_FALSE(ipv4_addr(240, 0, 0, 1).is_multicast());
  EXPECT_TRUE(ipv4_addr::broadcast().is_broadcast());
  EXPECT_TRUE(ipv4_addr::any().is_unspecified());
  EXPECT_TRUE(ipv4_addr(127, 1, 2, 3).is_loopback());
  EXPECT_TRUE(ipv4_addr(169, 254, 1, 1).is_link_local());
  EXPECT_EQ(ipv4_addr(239, 129, 2, 3).multicast_mac().text().view(), "01:00:5e:01:02:03");
}

// RFC 5952 section 4 and its examples; RFC 4291 section 2.2 inputs.
TEST(ipv6_addr, text_is_rfc5952) {
  const struct {
    std::string_view in;
    std::string_view out;
  } cases[] = {
      {"2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"},
      {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
      {"2001:DB8::1", "2001:db8::1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group: no "::"
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // a tie: the first run
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // the longest run
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"fe80::1", "fe80::1"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"ff02::1:ff00:1", "ff02::1:ff00:1"},
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
      {"::ffff:c000:201", "::ffff:192.0.2.1"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"abcd:ef01:2345:6789:abcd:ef01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
  };
  for (const auto& c : cases) {
    const auto a = ipv6_addr::parse(c.in);
    ASSERT_TRUE(a.has_value()) << c.in;
    EXPECT_EQ(a->text().view(), c.out) << c.in;
    EXPECT_EQ(*ipv6_addr::parse(a->text().view()), *a) << c.in;
  }
  // The longest possible text fits.
  const auto longest = ipv6_addr::parse("::ffff:255.255.255.255");
  EXPECT_EQ(longest->text().view(), "::ffff:255.255.255.255");
}

TEST(ipv6_addr, rejects_malformed_text) {
  for (const std::string_view bad : {"",
                                     ":",
                                     ":::",
                                     "1:2:3:4:5:6:7",
                                     "1:2:3:4:5:6:7:8:9",
                                     "1::2::3",
                                     "12345::",
                                     "g::",
                                     "1:2:3:4:5:6:7:8::",
                                     "::1:2:3:4:5:6:7:8",
                                     "fe80::1%eth0",
                                     "::1.2.3",
                                     "1.2.3.4::",
                                     "::1.2.3.4:5",
                                     ":1::",
                                     "1::2:",
                                     "1:::2",
                                     "::ffff:1.2.3.256",
                                     "1:2:3:4:5:6:7:1.2.3.4",
                                     "[::1]",
                                     " ::1"}) {
    const auto r = ipv6_addr::parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(ipv6_addr, derived_addresses) {
  const auto a = *ipv6_addr::parse("2001:db8::1234:5678");
  EXPECT_EQ(a.solicited_node().text().view(), "ff02::1:ff34:5678");
  EXPECT_TRUE(a.solicited_node().is_solicited_node());
  EXPECT_FALSE(a.is_solicited_node());
  EXPECT_EQ(ipv6_addr::all_nodes().multicast_mac().text().view(), "33:33:00:00:00:01");
  const auto mac = *mac_addr::parse("02:00:00:00:0b:02");
  EXPECT_EQ(ipv6_addr::link_local_from_mac(mac).text().view(), "fe80::ff:fe00:b02");
  EXPECT_TRUE(ipv6_addr::link_local_from_mac(mac).is_link_local());
  EXPECT_TRUE(ipv6_addr::parse("febf::1")->is_link_local());
  EXPECT_FALSE(ipv6_addr::parse("fec0::1")->is_link_local());
  EXPECT_TRUE(ipv6_addr::parse("ff05::2")->is_multicast());
  EXPECT_TRUE(ipv6_addr::loopback().is_loopback());
  EXPECT_TRUE(ipv6_addr::parse("::ffff:10.0.0.1")->is_v4_mapped());
}

TEST(prefix, ipv4) {
  const auto p = ipv4_prefix::parse("192.0.2.10/24");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->length(), 24);
  EXPECT_EQ(p->address().text().view(), "192.0.2.10");
  EXPECT_EQ(p->network().text().view(), "192.0.2.0");
  EXPECT_EQ(p->mask().text().view(), "255.255.255.0");
  EXPECT_EQ(p->broadcast().text().view(), "192.0.2.255");
  EXPECT_TRUE(p->contains(ipv4_addr(192, 0, 2, 200)));
  EXPECT_FALSE(p->contains(ipv4_addr(192, 0, 3, 1)));
  EXPECT_EQ(p->text().view(), "192.0.2.10/24");
  EXPECT_TRUE(ipv4_prefix::parse("0.0.0.0/0")->contains(ipv4_addr(8, 8, 8, 8)));
  EXPECT_EQ(ipv4_prefix::parse("10.1.2.3/32")->mask(), ipv4_addr::broadcast());
  for (const std::string_view bad : {"192.0.2.0", "192.0.2.0/33", "192.0.2.0/", "/24",
                                     "192.0.2.0/024", "192.0.2/24", "192.0.2.0/-1"}) {
    EXPECT_FALSE(ipv4_prefix::parse(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ipv4_prefix::create(ipv4_addr(), 33).has_value());
  EXPECT_EQ(*ipv4_prefix::length_of_mask(ipv4_addr(255, 255, 240, 0)), 20);
  EXPECT_EQ(*ipv4_prefix::length_of_mask(ipv4_addr(0, 0, 0, 0)), 0);
  EXPECT_EQ(*ipv4_prefix::length_of_mask(ipv4_addr::broadcast()), 32);
  EXPECT_FALSE(ipv4_prefix::length_of_mask(ipv4_addr(255, 0, 255, 0)).has_value());
}

TEST(prefix, ipv6) {
  const auto p = ipv6_prefix::parse("2001:db8:abcd:12ff::1/52");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->network().text().view(), "2001:db8:abcd:1000::");
  EXPECT_TRUE(p->contains(*ipv6_addr::parse("2001:db8:abcd:1fff::9")));
  EXPECT_FALSE(p->contains(*ipv6_addr::parse("2001:db8:abcd:2000::")));
  EXPECT_EQ(p->text().view(), "2001:db8:abcd:12ff::1/52");
  EXPECT_TRUE(ipv6_prefix::parse("::/0")->contains(ipv6_addr::loopback()));
  EXPECT_FALSE(ipv6_prefix::parse("2001:db8::/129").has_value());
  EXPECT_FALSE(ipv6_prefix::parse("2001:db8::").has_value());
  EXPECT_FALSE(ipv6_prefix::parse("2001:db8:::/64").has_value());
  EXPECT_FALSE(ipv6_prefix::create(ipv6_addr(), 129).has_value());
}

TEST(port, parse) {
  EXPECT_EQ(port::parse("0")->value(), 0);
  EXPECT_EQ(port::parse("65535")->value(), 65535);
  for (const std::string_view bad : {"", "65536", "-1", "+1", "08", "1a", "99999999"}) {
    EXPECT_FALSE(port::parse(bad).has_value()) << bad;
  }
  EXPECT_LT(port(1), port(2));
}

}  // namespace
}  // namespace atl::net
