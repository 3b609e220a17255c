// The direct stack against the Linux kernel over a TAP, in a private
// network namespace: ping both ways over IPv4 and IPv6, an IPv4 lease from
// a dnsmasq the test starts, an IPv6 address from a radvd's router
// advertisement. (TCP transfers: direct_tap_tcp_test.cpp.)
#include "direct_tap_fixture.hpp"
#include <atoll/net/addr.hpp>
#include <atoll/net/ip_config.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;
using net::ipv4_addr;
using net::ipv6_addr;

net::direct_config config_v4(const char* address) {
  net::direct_config c;
  auto a = net::parse_ipv4_interface(address);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  return c;
}

ipv6_addr v6(const char* text) {
  auto a = ipv6_addr::parse(text);
  EXPECT_TRUE(a);
  return a ? *a : ipv6_addr();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class direct_tap_linux : public direct_tap_test {
protected:
  /// linux_pings(tag, args): `ping <args>` exits 0 while the engine runs.
  void linux_pings(const std::string& tag, const std::string& family, const std::string& to) {
    auto ping = spawn(tag, {"ping", family, "-c", "3", "-i", "0.2", "-W", "2", to});
    ASSERT_TRUE(ping);
    auto status = env_.run_child(*ping, 15s);
    ASSERT_TRUE(status) << status.error().message();
    EXPECT_TRUE(exited_ok(*status)) << ping->describe() << "; stdout: " << read_file(out_of(tag));
  }
};

TEST_F(direct_tap_linux, ipv4_ping_both_ways) {
  ASSERT_TRUE(env_.start("p4", config_v4("10.77.0.2/24"), "ip addr add 10.77.0.1/24 dev IF"));
  linux_pings("ping", "-4", "10.77.0.2");
  EXPECT_GE(env_.core().ip().stats().echo_replies, 3u);

  const ipv4_addr linux_side(10, 77, 0, 1);
  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    auto sent = env_.core().send_echo(linux_side, 0x77, seq);
    ASSERT_TRUE(sent) << sent.error().message();
  }
  auto replies = env_.run_until([&] { return env_.stack().stats().echo_replies >= 3; }, 5s);
  EXPECT_TRUE(replies) << "echo replies: " << env_.stack().stats().echo_replies;
  EXPECT_TRUE(env_.core().arp().lookup(linux_side));
}

TEST_F(direct_tap_linux, ipv6_ping_both_ways) {
  net::direct_config c = config_v4("10.77.0.2/24");
  c.ipv6 = true;
  c.ipv6_address = v6("fd77::2");
  ASSERT_TRUE(env_.start(
      "p6", c, "sysctl -qw net.ipv6.conf.IF.accept_dad=0 && ip addr add fd77::1/64 dev IF nodad"));
  // The direct stack answers for fd77::2 once its DAD is over (up to 2 s).
  auto dad =
      env_.run_until([&] { return env_.core().ip6()->addresses().is_assigned(v6("fd77::2")); }, 5s);
  ASSERT_TRUE(dad) << "DAD of fd77::2 did not finish";
  linux_pings("ping6", "-6", "fd77::2");
  EXPECT_GE(env_.core().ip6()->stats().echo_replies, 3u);  // replies it sent

  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    auto sent = env_.core().send_echo6(v6("fd77::1"), 0x77, seq);
    ASSERT_TRUE(sent) << sent.error().message();
  }
  auto replies = env_.run_until([&] { return env_.stack().stats().echo6_replies >= 3; }, 5s);
  EXPECT_TRUE(replies) << "echo replies: " << env_.stack().stats().echo6_replies;
}

TEST_F(direct_tap_linux, send_echo6_needs_ipv6) {
  ASSERT_TRUE(env_.start("n6", config_v4("10.77.0.2/24"), "ip addr add 10.77.0.1/24 dev IF"));
  auto sent = env_.core().send_echo6(v6("fd77::1"), 1, 1);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code(), errc::invalid_argument);
}

TEST_F(direct_tap_linux, dhcp_lease_from_dnsmasq) {
  ASSERT_TRUE(env_.open("dh", "ip addr add 10.78.0.1/24 dev IF"));
  // --no-ping: dnsmasq would otherwise ping an address for 3 s before
  // offering it; --port=0: no DNS service.
  auto dnsmasq =
      spawn("dnsmasq", {"dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                        "--interface=" + env_.name(), "--bind-interfaces",
                        "--dhcp-range=10.78.0.50,10.78.0.60,255.255.255.0,2m",
                        "--dhcp-leasefile=" + (tmp_ / "leases"), "--pid-file=" + (tmp_ / "pid"),
                        "--user=root", "--group=root", "--log-dhcp", "--no-ping"});
  ASSERT_TRUE(dnsmasq);
  // Start the client once dnsmasq listens, so the first DISCOVER counts.
  const std::string log = tmp_ / "dnsmasq.err";
  auto up = env_.run_until(
      [&] {
        return read_file(log).find("DHCP, IP range") != std::string::npos ||
               dnsmasq->poll().has_value();  // or it has given up
      },
      5s);
  ASSERT_TRUE(up && dnsmasq->running()) << dnsmasq->describe();

  net::direct_config c;
  c.dhcp = true;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(env_.start_stack(c));
  auto leased = env_.run_until([&] { return env_.stack().stats().dhcp_leases == 1; }, 20s);
  ASSERT_TRUE(leased) << "no lease; " << dnsmasq->describe();
  std::printf("[ direct ] DHCP lease after %.2f s\n", seconds_since(t0));
  const ipv4_addr got = env_.core().address();
  EXPECT_GE(got.to_u32(), ipv4_addr(10, 78, 0, 50).to_u32());
  EXPECT_LE(got.to_u32(), ipv4_addr(10, 78, 0, 60).to_u32());
  EXPECT_EQ(env_.core().config().ipv4.address.length(), 24u);
  EXPECT_NE(read_file(tmp_ / "leases").find(std::string(got.text().view())), std::string::npos);

  auto ping = spawn(
      "ping", {"ping", "-4", "-c", "2", "-i", "0.2", "-W", "2", std::string(got.text().view())});
  ASSERT_TRUE(ping);
  auto status = env_.run_child(*ping, 10s);
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_TRUE(exited_ok(*status)) << ping->describe();
  EXPECT_TRUE(dnsmasq->running()) << dnsmasq->describe();
}

TEST_F(direct_tap_linux, slaac_from_a_router_advertisement) {
  const std::string conf = tmp_ / "radvd.conf";
  ASSERT_TRUE(env_.open("ra",
                        "sysctl -qw net.ipv6.conf.all.forwarding=1 "
                        "net.ipv6.conf.IF.accept_dad=0 && "
                        "ip addr add fd78::1/64 dev IF nodad"));
  {
    std::ofstream out(conf);
    out << "interface " << env_.name()
        << " {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n"
           "  prefix fd78::/64 { AdvOnLink on; AdvAutonomous on; };\n};\n";
  }
  auto radvd = spawn(
      "radvd", {"radvd", "-n", "-C", conf, "-p", tmp_ / "radvd.pid", "-m", "stderr", "-d", "1"});
  ASSERT_TRUE(radvd);

  net::direct_config c = config_v4("10.79.0.2/24");
  c.ipv6 = true;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(env_.start_stack(c));
  const auto prefix = net::ipv6_prefix::parse("fd78::/64");
  ASSERT_TRUE(prefix);
  std::optional<ipv6_addr> slaac;
  auto formed = env_.run_until(
      [&] {
        for (const net::ipv6_if_addr& a : env_.core().ip6()->addresses().addresses()) {
          if (a.autoconf && a.state == net::addr_state::preferred && prefix->contains(a.addr)) {
            slaac = a.addr;
          }
        }
        return slaac.has_value();
      },
      20s);
  ASSERT_TRUE(formed) << "no SLAAC address; " << radvd->describe();
  std::printf("[ direct ] SLAAC address %s after %.2f s\n",
              std::string(slaac->text().view()).c_str(), seconds_since(t0));
  EXPECT_FALSE(env_.core().ip6()->addresses().routers().empty());

  const std::string to(slaac->text().view());
  auto ping = spawn("ping", {"ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", to});
  ASSERT_TRUE(ping);
  auto status = env_.run_child(*ping, 10s);
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_TRUE(exited_ok(*status)) << ping->describe();
  EXPECT_TRUE(radvd->running()) << radvd->describe();
}

}  // namespace
}  // namespace atl::unix_target
