// ip_config: static IPv4 settings as a user writes them, good and bad, and
// the same settings through the key set.
#include <atoll/core/keys.hpp>
#include <atoll/net/ip_config.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace atl::net {
namespace {

ipv4_config parse_ok(const ipv4_settings& s) {
  const auto c = parse_ipv4_config(s);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message());
  if (!c || !c->has_value()) {
    ADD_FAILURE() << "no configuration";
    return {};
  }
  return **c;
}

// The error message of a failing parse (and a test failure if it succeeds).
std::string parse_error(const ipv4_settings& s) {
  const auto c = parse_ipv4_config(s);
  EXPECT_FALSE(c.has_value());
  if (c) return "";
  EXPECT_EQ(c.error().code(), errc::invalid_argument);
  return std::string(c.error().message());
}

TEST(ip_config, full_static_configuration) {
  const ipv4_config c =
      parse_ok({.address = "10.0.0.2/24",
                .gateway = "10.0.0.1",
                .routes = "192.168.0.0/16 via 10.0.0.254, 172.16.0.0/12 via 10.0.0.253",
                .dns = " 10.0.0.1 ,9.9.9.9",
                .mtu = "1400"});
  EXPECT_EQ(c.address.address(), ipv4_addr(10, 0, 0, 2));
  EXPECT_EQ(c.address.length(), 24);
  EXPECT_EQ(c.gateway, ipv4_addr(10, 0, 0, 1));
  ASSERT_EQ(c.route_list().size(), 2U);
  EXPECT_EQ(c.routes[0].destination.text().view(), "192.168.0.0/16");
  EXPECT_EQ(c.routes[0].gateway, ipv4_addr(10, 0, 0, 254));
  EXPECT_EQ(c.routes[1].destination.text().view(), "172.16.0.0/12");
  EXPECT_EQ(c.routes[1].gateway, ipv4_addr(10, 0, 0, 253));
  ASSERT_EQ(c.dns_list().size(), 2U);
  EXPECT_EQ(c.dns[0], ipv4_addr(10, 0, 0, 1));
  EXPECT_EQ(c.dns[1], ipv4_addr(9, 9, 9, 9));
  EXPECT_EQ(c.mtu, 1400);
}

TEST(ip_config, address_only_and_nothing) {
  const ipv4_config c = parse_ok({.address = "192.0.2.7/32"});
  EXPECT_EQ(c.address.length(), 32);
  EXPECT_FALSE(c.gateway.has_value());
  EXPECT_EQ(c.route_count, 0);
  EXPECT_EQ(c.dns_count, 0);
  EXPECT_FALSE(c.mtu.has_value());
  // /31: both addresses are hosts' (RFC 3021).
  EXPECT_EQ(parse_ok({.address = "10.0.0.0/31"}).address.length(), 31);
  // Nothing given: no static configuration (DHCP).
  const auto none = parse_ipv4_config({});
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST(ip_config, bad_addresses_are_named) {
  EXPECT_EQ(parse_error({.address = "10.0.0.2"}),
            "ipv4 address '10.0.0.2' has no prefix length (write it as 10.0.0.2/24)");
  EXPECT_EQ(parse_error({.address = "10.0.0.256/24"}),
            "ipv4 address '10.0.0.256/24' is not address/length");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/33"}),
            "ipv4 address '10.0.0.2/33' is not address/length");
  EXPECT_EQ(parse_error({.address = "10.0.0.0/24"}),
            "ipv4 address '10.0.0.0/24' is its subnet's network or broadcast address");
  EXPECT_EQ(parse_error({.address = "10.0.0.255/24"}),
            "ipv4 address '10.0.0.255/24' is its subnet's network or broadcast address");
  EXPECT_EQ(parse_error({.address = "224.0.0.1/24"}),
            "ipv4 address '224.0.0.1/24' is not a unicast address");
  EXPECT_EQ(parse_error({.address = "0.0.0.0/0"}),
            "ipv4 address '0.0.0.0/0' is not a unicast address");
}

TEST(ip_config, bad_gateways_and_routes_are_named) {
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .gateway = "10.1.0.1"}),
            "ipv4 gateway '10.1.0.1' is not on 10.0.0.2/24");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .gateway = "10.0.0.2"}),
            "ipv4 gateway '10.0.0.2' is not on 10.0.0.2/24");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .gateway = "gateway"}),
            "ipv4 gateway 'gateway' is not an address");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .routes = "192.168.0.0/16"}),
            "ipv4 route '192.168.0.0/16' is not 'destination/length via gateway'");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .routes = "192.168.1.0/16 via 10.0.0.9"}),
            "ipv4 route destination '192.168.1.0/16' has host bits set (network is 192.168.0.0)");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .routes = "192.168.0.0 via 10.0.0.9"}),
            "ipv4 route destination '192.168.0.0' is not address/length");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .routes = "192.168.0.0/16 via 10.9.0.9"}),
            "ipv4 route gateway '10.9.0.9' is not on 10.0.0.2/24");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .routes = "192.168.0.0/16 via 10.0.0.9,"}),
            "ipv4 routes: an empty item");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .dns = "10.0.0.1,,9.9.9.9"}),
            "ipv4 dns: an empty item");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .dns = "255.255.255.255"}),
            "ipv4 dns server '255.255.255.255' is not a unicast address");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .mtu = "67"}),
            "ipv4 mtu '67' is not a number of 68 to 65535");
  EXPECT_EQ(parse_error({.address = "10.0.0.2/24", .mtu = "big"}),
            "ipv4 mtu 'big' is not a number of 68 to 65535");
  EXPECT_EQ(parse_error({.gateway = "10.0.0.1"}),
            "ipv4 gateway, routes, dns or mtu given without an address");
}

TEST(ip_config, lists_are_bounded) {
  std::string routes;
  for (int i = 0; i <= static_cast<int>(ipv4_config::max_routes); ++i) {
    if (i != 0) routes += ",";
    routes += "192.168." + std::to_string(i) + ".0/24 via 10.0.0.1";
  }
  const auto c = parse_ipv4_config({.address = "10.0.0.2/24", .routes = routes});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), errc::limit_exceeded);
  EXPECT_EQ(c.error().message(), "ipv4: more than 8 routes");
  const auto d = parse_ipv4_config(
      {.address = "10.0.0.2/24", .dns = "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5"});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message(), "ipv4: more than 4 DNS servers");
}

TEST(ip_config, through_keys) {
  ipv4_settings s;
  key_set keys("app");
  register_ipv4_keys(keys, s);
  EXPECT_EQ(keys.size(), 5U);
  const std::array<std::string_view, 4> args = {"--ipv4=10.0.0.2/24", "--ipv4-gateway", "10.0.0.1",
                                                "--ipv4-routes=10.8.0.0/16 via 10.0.0.3"};
  const auto outcome = keys.parse(args);
  ASSERT_TRUE(outcome.has_value()) << outcome.error().message();
  const ipv4_config c = parse_ok(s);
  EXPECT_EQ(c.address.text().view(), "10.0.0.2/24");
  EXPECT_EQ(c.gateway, ipv4_addr(10, 0, 0, 1));
  ASSERT_EQ(c.route_count, 1);
  EXPECT_EQ(c.routes[0].destination.text().view(), "10.8.0.0/16");
}

TEST(ip_config, equality) {
  const ipv4_config a = parse_ok({.address = "10.0.0.2/24", .dns = "10.0.0.1"});
  ipv4_config b = a;
  EXPECT_EQ(a, b);
  b.dns[1] = ipv4_addr(1, 2, 3, 4);  // past dns_count: not part of the value
  EXPECT_EQ(a, b);
  ASSERT_TRUE(b.add_dns(ipv4_addr(1, 2, 3, 4)).has_value());
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace atl::net
