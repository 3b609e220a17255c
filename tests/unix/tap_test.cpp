// tap_network against the Linux kernel: an ARP request sent through the TAP
// is answered by Linux, and the answer comes back through receive().
#include "tap_fixture.hpp"
#include <atoll/core/budget.hpp>
#include <atoll/core/when.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;

constexpr std::uint32_t linux_ip = 0xc0000201;  // 192.0.2.1 (TEST-NET-1)
constexpr std::uint32_t our_ip = 0xc0000202;    // 192.0.2.2

/// arp_request(from, sender_ip, target_ip): a 42-byte ARP who-has, built by hand.
bufs arp_request(mac_addr from, std::uint32_t sender_ip, std::uint32_t target_ip) {
  auto made = buf::allocate(42);
  EXPECT_TRUE(made);
  buf f = std::move(*made);
  mac_addr::broadcast().write(f, 0);
  from.write(f, 6);
  f.set_u16(12, 0x0806);  // EtherType ARP
  f.set_u16(14, 1);       // hardware: Ethernet
  f.set_u16(16, 0x0800);  // protocol: IPv4
  f.set_u8(18, 6);
  f.set_u8(19, 4);
  f.set_u16(20, 1);  // request
  from.write(f, 22);
  f.set_u32(28, sender_ip);
  f.set_u32(38, target_ip);  // target hardware address (32..37) stays zero
  return bufs(std::move(f));
}

struct arp_reply {
  mac_addr sender;
  std::uint32_t sender_ip = 0;
  mac_addr target;
  std::uint32_t target_ip = 0;
};

/// parse_arp_reply(frame, to): the reply in `frame` if it is an ARP reply
/// addressed to `to`.
std::optional<arp_reply> parse_arp_reply(const buf& frame, mac_addr to) {
  auto dst = mac_addr::read(frame, 0);
  auto type = frame.read_u16(12);
  auto op = frame.read_u16(20);
  if (!dst || *dst != to || !type || *type != 0x0806 || !op || *op != 2) return std::nullopt;
  if (frame.size() < 42) return std::nullopt;
  return arp_reply{*mac_addr::read(frame, 22), frame.u32(28), *mac_addr::read(frame, 32),
                   frame.u32(38)};
}

task<result<arp_reply>> wait_arp_reply(tap_network& dev, int& frames_seen) {
  for (;;) {
    auto got = co_await dev.receive();
    if (!got) co_return got.error();
    ++frames_seen;
    if (auto reply = parse_arp_reply(got->frame, dev.mac())) co_return *reply;
  }
}

task<result<arp_reply>> ask(engine& e, tap_network& dev, std::uint32_t target, int& frames_seen) {
  auto sent = co_await dev.write(arp_request(dev.mac(), our_ip, target));
  if (!sent) co_return sent.error();
  auto reply = co_await with_timeout(e, 3s, wait_arp_reply(dev, frames_seen));
  co_return reply;
}

class tap_test : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string why = tap_unavailable(); !why.empty()) {
      GTEST_SKIP() << "TAP tests need /dev/net/tun and CAP_NET_ADMIN: " << why;
    }
    netns_ = enter_private_netns();
    ASSERT_TRUE(platform_);
  }

  /// up(name): brings the interface up with Linux at 192.0.2.1/24.
  static bool up(const std::string& name) {
    (void)sh("sysctl -qw net.ipv6.conf." + name + ".disable_ipv6=1 2>/dev/null");
    return sh("ip link set dev " + name + " up && ip addr add 192.0.2.1/24 dev " + name);
  }

  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }

  bool netns_ = false;
  result<epoll_platform> platform_ = epoll_platform::create();
  engine engine_{*platform_};
};

class tap_arp_test : public tap_test, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(tap_arp_test, linux_answers_an_arp_request_through_the_tap) {
  const std::string name = "atl-test-" + std::to_string(::getpid());
  interface_guard guard(name);
  tap_options options;
  options.vnet_header_size = GetParam();
  auto dev = tap_network::create(engine_, *platform_, name, options);
  ASSERT_TRUE(dev) << dev.error().message();
  EXPECT_EQ(dev->name(), name);
  ASSERT_TRUE(up(name));
  const auto linux_side = linux_mac(name);
  ASSERT_TRUE(linux_side);
  EXPECT_NE(*linux_side, dev->mac());
  EXPECT_TRUE(dev->mac().is_local());
  EXPECT_EQ(dev->mtu(), 1500u);
  const long long linux_rx_before = linux_rx_packets(name);

  int frames_seen = 0;
  auto reply = run(ask(engine_, *dev, linux_ip, frames_seen));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(reply->sender, *linux_side);
  EXPECT_EQ(reply->sender_ip, linux_ip);
  EXPECT_EQ(reply->target, dev->mac());
  EXPECT_EQ(reply->target_ip, our_ip);

  const network_stats stats = dev->stats();
  EXPECT_EQ(stats.tx_packets, 1u);
  EXPECT_EQ(stats.tx_bytes, 42u);
  EXPECT_EQ(stats.rx_packets, static_cast<std::uint64_t>(frames_seen));
  EXPECT_GE(stats.rx_bytes, 42u);  // an ARP reply is at least 42 bytes
  EXPECT_EQ(stats.tx_errors + stats.rx_errors + stats.rx_drops, 0u);
  EXPECT_EQ(linux_rx_packets(name), linux_rx_before + 1);  // Linux saw our request
}

INSTANTIATE_TEST_SUITE_P(vnet_header_sizes, tap_arp_test,
                         ::testing::Values(std::size_t{10}, std::size_t{12}),
                         [](const auto& p) { return "header_" + std::to_string(p.param); });

TEST_F(tap_test, nobody_answers_for_an_address_linux_does_not_have) {
  const std::string name = iface_name("x");
  interface_guard guard(name);
  auto dev = tap_network::create(engine_, *platform_, name);
  ASSERT_TRUE(dev) << dev.error().message();
  ASSERT_TRUE(up(name));
  int frames_seen = 0;
  auto reply = run(ask(engine_, *dev, 0xc0000263, frames_seen));  // 192.0.2.99: nobody
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), errc::timed_out);
}

TEST_F(tap_test, attaches_to_an_existing_interface_and_takes_its_mtu) {
  const std::string name = iface_name("old");
  interface_guard guard(name);
  ASSERT_TRUE(
      sh("ip tuntap add dev " + name + " mode tap && ip link set dev " + name + " mtu 1400"));
  {
    auto dev = tap_network::create(engine_, *platform_, name);
    ASSERT_TRUE(dev) << dev.error().message();
    EXPECT_EQ(dev->mtu(), 1400u);
    EXPECT_EQ(dev->rx_capacity(), 1400u + 18u);
    // A frame one byte over the MTU is refused before it reaches Linux.
    auto big = buf::allocate(1400 + ethernet_header_size + 1);
    ASSERT_TRUE(big);
    auto sent = run(dev->write(bufs(*big)));
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code(), errc::invalid_argument);
    EXPECT_EQ(dev->stats().tx_packets, 0u);
  }
  // A persistent interface outlives the device that attached to it.
  EXPECT_TRUE(sh("ip link show dev " + name + " >/dev/null"));
}

TEST_F(tap_test, an_interface_it_made_goes_with_it) {
  const std::string name = iface_name("tmp");
  interface_guard guard(name);
  {
    auto dev = tap_network::create(engine_, *platform_, name);
    ASSERT_TRUE(dev) << dev.error().message();
    EXPECT_TRUE(sh("ip link show dev " + name + " >/dev/null"));
  }
  EXPECT_FALSE(sh("ip link show dev " + name + " >/dev/null 2>&1"));
}

TEST_F(tap_test, options_are_checked) {
  tap_options mtu;
  mtu.mtu = 1280;
  const std::string name = iface_name("mtu");
  interface_guard guard(name);
  auto dev = tap_network::create(engine_, *platform_, name, mtu);
  ASSERT_TRUE(dev) << dev.error().message();
  EXPECT_EQ(dev->mtu(), 1280u);  // the key wins over the interface's 1500
  const mac_addr chosen = *mac_addr::parse("02:00:5e:00:53:01");
  tap_options with_mac;
  with_mac.mac = chosen;
  const std::string other = iface_name("mac");
  interface_guard other_guard(other);
  auto dev2 = tap_network::create(engine_, *platform_, other, with_mac);
  ASSERT_TRUE(dev2) << dev2.error().message();
  EXPECT_EQ(dev2->mac(), chosen);

  auto long_name = tap_network::create(engine_, *platform_, "a-name-of-16-bytes");
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().code(), errc::invalid_argument);
  tap_options odd_header;
  odd_header.vnet_header_size = 11;
  auto odd = tap_network::create(engine_, *platform_, iface_name("odd"), odd_header);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code(), errc::invalid_argument);
  tap_options tiny;
  tiny.mtu = 67;
  auto small = tap_network::create(engine_, *platform_, iface_name("odd"), tiny);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().code(), errc::invalid_argument);
}

TEST_F(tap_test, a_frame_sent_while_the_interface_is_down_is_dropped) {
  const std::string name = iface_name("down");
  interface_guard guard(name);
  auto dev = tap_network::create(engine_, *platform_, name);
  ASSERT_TRUE(dev) << dev.error().message();
  ASSERT_TRUE(run(dev->write(arp_request(dev->mac(), our_ip, linux_ip))));  // not up yet
  EXPECT_EQ(dev->stats().tx_drops, 1u);
  EXPECT_EQ(dev->stats().tx_packets, 0u);
  EXPECT_EQ(dev->stats().tx_errors, 0u);
  // Once it is up, the same frame goes out and is answered.
  ASSERT_TRUE(up(name));
  int frames_seen = 0;
  auto reply = run(ask(engine_, *dev, linux_ip, frames_seen));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(dev->stats().tx_packets, 1u);
}

TEST_F(tap_test, two_devices_cannot_hold_one_interface) {
  const std::string name = iface_name("two");
  interface_guard guard(name);
  auto first = tap_network::create(engine_, *platform_, name);
  ASSERT_TRUE(first) << first.error().message();
  auto second = tap_network::create(engine_, *platform_, name);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), errc::busy) << second.error().message();
}

task<result<rx_frame>> receive_within(engine& e, tap_network& dev, duration d) {
  auto got = co_await with_timeout(e, d, dev.receive());
  co_return got;
}

// A budget with room for one receive buffer: while the first reply is held,
// the second is read and dropped (counted); once the first is released,
// frames are received again.
TEST_F(tap_test, a_spent_budget_drops_frames_and_counts_them) {
  const std::string name = iface_name("bud");
  interface_guard guard(name);
  memory_budget budget("tap rx", 1518 + 100);  // one buffer and buf's overhead, not two
  tap_options options;
  options.budget = &budget;
  auto dev = tap_network::create(engine_, *platform_, name, options);
  ASSERT_TRUE(dev) << dev.error().message();
  ASSERT_EQ(dev->rx_capacity(), 1518u);
  ASSERT_TRUE(up(name));

  int frames_seen = 0;
  std::optional<rx_frame> held;
  {
    ASSERT_TRUE(run(dev->write(arp_request(dev->mac(), our_ip, linux_ip))));
    auto first = run(receive_within(engine_, *dev, 3s));
    ASSERT_TRUE(first) << first.error().message();
    ASSERT_TRUE(parse_arp_reply(first->frame, dev->mac()));
    held = std::move(*first);
  }
  ASSERT_TRUE(run(dev->write(arp_request(dev->mac(), our_ip, linux_ip))));
  auto second = run(receive_within(engine_, *dev, 500ms));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), errc::timed_out);
  EXPECT_EQ(dev->stats().rx_drops, 1u);
  EXPECT_EQ(dev->stats().rx_packets, 1u);
  EXPECT_GE(budget.refused(), 1u);

  held.reset();  // the budget is free again
  auto third = run(ask(engine_, *dev, linux_ip, frames_seen));
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ(dev->stats().rx_packets, 2u);
}

}  // namespace
}  // namespace atl::unix_target
