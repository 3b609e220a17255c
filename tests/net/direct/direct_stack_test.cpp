// The direct stack: two direct stacks joined by the in-memory switch, on
// virtual time. The stack conformance suite over IPv4 and IPv6, then ping,
// UDP, closed ports, bounds and errors, and bulk TCP transfers through
// lossy, reordering links.
#include "direct_pair.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace atl::net::testing {

/// direct_factory: the conformance suite's factory over a direct_pair.
struct direct_factory {
  using stack_type = direct;
  direct_pair env;

  engine& loop() { return env.loop; }
  std::array<direct*, 2> make_pair() const {
    if (!env.a) return {nullptr, nullptr};
    return {env.a.get(), env.b.get()};
  }
  bool has_family(ip_family) { return true; }
  ip_addr server_address(ip_family f) const {
    if (f == ip_family::v6) return ip_addr(*env.a->core().config().ipv6_address);
    return ip_addr(env.a->core().address());
  }
  std::size_t read_chunk() const { return env.a->core().config().read_chunk; }
  std::size_t buffer_bound() const {
    const auto& tcp = env.a->core().config().tcp;
    return tcp.send_buffer + tcp.receive_buffer;
  }
};

static_assert(stack<direct>);

}  // namespace atl::net::testing

namespace atl::conformance {
using direct_factories = ::testing::Types<net::testing::direct_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(direct_stack, stack_conformance, direct_factories);
}  // namespace atl::conformance

namespace atl::net::testing {
namespace {

task<result<void>> pause(engine& e, duration d) {
  co_await e.sleep_for(d);
  co_return ok();
}

TEST(direct_stack, answers_ping_after_resolving_the_peer) {
  direct_pair p;
  ASSERT_TRUE(p.a);
  ASSERT_OK(p.b->core().send_echo(p.a->core().address(), 7, 1));
  ASSERT_OK(p.run(pause(p.loop, 100ms)));
  EXPECT_EQ(p.b->stats().echo_replies, 1U);
  EXPECT_EQ(p.a->core().ip().stats().echo_replies, 1U);
  EXPECT_TRUE(p.b->core().arp().lookup(p.a->core().address()));
  // A second ping needs no ARP round trip.
  const auto requests = p.b->core().arp().stats().requests_sent;
  ASSERT_OK(p.b->core().send_echo(p.a->core().address(), 7, 2));
  ASSERT_OK(p.run(pause(p.loop, 100ms)));
  EXPECT_EQ(p.b->stats().echo_replies, 2U);
  EXPECT_EQ(p.b->core().arp().stats().requests_sent, requests);
}

TEST(direct_stack, a_datagram_to_a_closed_port_gets_port_unreachable) {
  direct_pair p;
  ASSERT_TRUE(p.a);
  auto u = p.b->udp_bind(ip_endpoint{ip_addr::any(ip_family::v4), {}});
  ASSERT_OK(u);
  ASSERT_OK(p.run(
      u->send_to(ip_endpoint{p.a->core().address(), port(9)}, conformance::stack_text("anyone?"))));
  ASSERT_OK(p.run(pause(p.loop, 100ms)));
  EXPECT_EQ(p.a->stats().udp_unreachable, 1U);
  EXPECT_EQ(p.a->core().ip().icmp().sent(), 1U);
}

TEST(direct_stack, udp_both_ways_with_sender_addresses) {
  direct_pair p;
  ASSERT_TRUE(p.a);
  auto ua = p.a->udp_bind(ip_endpoint{ip_addr(p.a->core().address()), port(5000)});
  auto ub = p.b->udp_bind(ip_endpoint{ip_addr::any(ip_family::v4), port(6000)});
  ASSERT_OK(ua);
  ASSERT_OK(ub);
  ASSERT_OK(p.run(ub->send_to(ua->local(), conformance::stack_text("to a"))));
  auto got = p.run(ua->receive());
  ASSERT_OK(got);
  EXPECT_EQ(got->payload.text(), "to a");
  EXPECT_EQ(got->from, (ip_endpoint{ip_addr(p.b->core().address()), port(6000)}));
  ASSERT_OK(p.run(ua->send_to(got->from, conformance::stack_text("to b"))));
  auto back = p.run(ub->receive());
  ASSERT_OK(back);
  EXPECT_EQ(back->payload.text(), "to b");
  EXPECT_EQ(back->from, ua->local());
  // An oversize datagram is refused, a foreign address cannot be bound.
  std::vector<std::byte> big(70000);
  EXPECT_ERRC(p.run(ua->send_to(got->from, conformance::stack_bufs(big, 8))),
              errc::invalid_argument);
  EXPECT_ERRC(p.a->udp_bind(ip_endpoint{ip_addr(ipv4_addr(10, 0, 0, 9)), {}}),
              errc::invalid_argument);
}

TEST(direct_stack, refuses_a_configuration_without_an_address) {
  sim_platform platform;
  engine loop{platform};
  memory_switch net_switch{loop};
  auto port_made = net_switch.add_port();
  ASSERT_OK(port_made);
  direct s(loop, **port_made, direct_config{});
  EXPECT_ERRC(s.start(), errc::invalid_argument);
  direct_config v6_off = config_for("10.0.0.1/24", "fd00::1", 1);
  v6_off.ipv6 = false;
  direct t(loop, **port_made, v6_off);
  EXPECT_ERRC(t.start(), errc::invalid_argument);
  // A stack without IPv6 takes no IPv6 endpoint.
  direct_config v4_only = v6_off;
  v4_only.ipv6_address.reset();
  direct u(loop, **port_made, v4_only);
  ASSERT_OK(u.start());
  EXPECT_ERRC(u.listen(ip_endpoint{ip_addr::any(ip_family::v6), {}}), errc::invalid_argument);
  EXPECT_ERRC(u.udp_bind(ip_endpoint{ip_addr::any(ip_family::v6), {}}), errc::invalid_argument);
}

task<result<std::vector<std::byte>>> transfer(direct& server, direct& client, ip_addr at,
                                              std::size_t total) {
  auto l = server.listen(ip_endpoint{at, port(80)});
  if (!l) co_return l.error();
  auto [accepted, connected] = co_await all(l->accept(), client.connect(l->local()));
  if (!accepted) co_return accepted.error();
  if (!connected) co_return connected.error();
  std::vector<std::byte> got;
  auto [w, r] = co_await all(conformance::write_pattern(*connected, total, 3, true),
                             conformance::read_all(*accepted, got, total + 1));
  if (!w) co_return w.error();
  if (!r) co_return r.error();
  co_return got;
}

TEST(direct_stack, several_megabytes_byte_exact_under_loss_and_reordering) {
  link_config link;
  link.loss = 0.01;
  link.reorder = 0.01;
  link.delay = 1ms;
  link.bandwidth = 1'000'000'000;
  direct_pair p(link);
  ASSERT_TRUE(p.a);
  constexpr std::size_t total = std::size_t{4} << 20;
  auto got = p.run(transfer(*p.a, *p.b, ip_addr(p.a->core().address()), total), 600s);
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), total);
  EXPECT_TRUE(*got == conformance::pattern(total, 3));
  // The link really lost and reordered frames.
  EXPECT_GT(p.net_switch.at(0).faults().lost + p.net_switch.at(1).faults().lost, 0U);
  EXPECT_GT(p.net_switch.at(0).faults().reordered + p.net_switch.at(1).faults().reordered, 0U);
}

TEST(direct_stack, two_megabytes_over_ipv6_under_loss_and_reordering) {
  link_config link;
  link.loss = 0.01;
  link.reorder = 0.01;
  link.delay = 1ms;
  direct_pair p(link);
  ASSERT_TRUE(p.a);
  constexpr std::size_t total = std::size_t{2} << 20;
  auto got = p.run(transfer(*p.a, *p.b, ip_addr(*p.a->core().config().ipv6_address), total), 600s);
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), total);
  EXPECT_TRUE(*got == conformance::pattern(total, 3));
  EXPECT_GT(p.a->core().ip6()->stats().rx_delivered, 0U);
  EXPECT_EQ(p.a->core().ip().stats().delivered, 0U);  // not one segment over IPv4
}

TEST(direct_stack, a_datagram_to_a_closed_ipv6_port_gets_port_unreachable) {
  direct_pair p;
  ASSERT_TRUE(p.a);
  auto u = p.b->udp_bind(ip_endpoint{ip_addr::any(ip_family::v6), {}});
  ASSERT_OK(u);
  const ip_addr to(*p.a->core().config().ipv6_address);
  ASSERT_OK(p.run(u->send_to(ip_endpoint{to, port(9)}, conformance::stack_text("anyone?"))));
  ASSERT_OK(p.run(pause(p.loop, 100ms)));
  EXPECT_EQ(p.a->stats().udp_unreachable, 1U);
  EXPECT_EQ(p.a->core().ip6()->stats().icmp_errors_sent, 1U);
  // A v6 socket does not send to a v4 address.
  EXPECT_ERRC(p.run(u->send_to(ip_endpoint{ip_addr(p.a->core().address()), port(9)},
                               conformance::stack_text("x"))),
              errc::invalid_argument);
}

TEST(direct_stack, connect_to_a_silent_or_unrouted_address_fails) {
  direct_pair p;
  ASSERT_TRUE(p.a);
  // Nobody answers ARP for 10.0.0.99: the SYN retries run out.
  auto f = p.run(p.b->connect(ip_endpoint{ip_addr(ipv4_addr(10, 0, 0, 99)), port(80)}), 600s);
  EXPECT_ERRC(f, errc::timed_out);
  EXPECT_EQ(p.b->stats().live_connections, 0U);
  // Off the subnet with no gateway: no route at all.
  auto g = p.run(p.b->connect(ip_endpoint{ip_addr(ipv4_addr(192, 0, 2, 1)), port(80)}));
  EXPECT_ERRC(g, errc::unreachable);
}

TEST(direct_stack, connections_past_the_limit_are_refused_as_values) {
  sim_platform platform;
  engine loop{platform};
  memory_switch net_switch{loop};
  auto pa = net_switch.add_port();
  auto pb = net_switch.add_port();
  ASSERT_OK(pa);
  ASSERT_OK(pb);
  direct_config ca = config_for("10.0.0.1/24", "fd00::1", 1);
  direct_config cb = config_for("10.0.0.2/24", "fd00::2", 2);
  cb.max_connections = 1;
  direct a(loop, **pa, ca);
  direct b(loop, **pb, cb);
  ASSERT_OK(a.start());
  ASSERT_OK(b.start());
  auto l = a.listen(ip_endpoint{ip_addr(a.core().address()), port(80)});
  ASSERT_OK(l);
  auto first = loop.run(with_timeout(loop, 10s, b.connect(l->local())));
  ASSERT_OK(first);
  EXPECT_ERRC(loop.run(with_timeout(loop, 10s, b.connect(l->local()))), errc::limit_exceeded);
  first->close();
  auto again = loop.run(with_timeout(loop, 10s, b.connect(l->local())));
  EXPECT_ERRC(again, errc::limit_exceeded);  // the closed one is still finishing
}

/// serve_dhcp(u, offered): a minimal DHCP server on a UDP socket bound to
/// port 67: answers one DISCOVER with an OFFER of `offered` and one REQUEST
/// with an ACK, both broadcast (the client has no address yet).
task<result<void>> serve_dhcp(direct_udp_socket& u, ipv4_addr offered) {
  for (int i = 0; i < 2; ++i) {
    auto got = co_await u.receive();
    if (!got) co_return got.error();
    auto view = dhcp_view::checked(got->payload.bytes());
    if (!view) co_return view.error();
    auto req = dhcp_repr::parse(*view);
    if (!req) co_return req.error();
    dhcp_repr r;
    r.op = dhcp_op::reply;
    r.message_type = req->message_type == dhcp_message_type::discover ? dhcp_message_type::offer
                                                                      : dhcp_message_type::ack;
    r.xid = req->xid;
    r.client_mac = req->client_mac;
    r.your_ip = offered;
    r.server_id = u.local().addr.is_unspecified() ? ipv4_addr(10, 0, 0, 1) : u.local().addr.v4();
    r.lease_time = 3600;
    r.subnet_mask = ipv4_addr(255, 255, 255, 0);
    auto b = buf::allocate(r.buffer_len());
    if (!b) co_return b.error();
    r.emit(b->mutable_bytes());
    auto sent = co_await u.send_to(ip_endpoint{ipv4_addr::broadcast(), dhcp::client_port},
                                   bufs(std::move(*b)));
    if (!sent) co_return sent.error();
  }
  co_return ok();
}

task<result<std::string>> talk(direct& server, direct& client) {
  auto l = server.listen(ip_endpoint{ip_addr(server.core().address()), port(7)});
  if (!l) co_return l.error();
  auto [accepted, connected] = co_await all(l->accept(), client.connect(l->local()));
  if (!accepted) co_return accepted.error();
  if (!connected) co_return connected.error();
  auto w = co_await connected->write(conformance::stack_text("over a leased address"));
  if (!w) co_return w.error();
  auto heard = co_await conformance::read_exactly(*accepted, 21);
  co_return heard;
}

TEST(direct_stack, dhcp_configures_the_interface_then_tcp_runs_on_the_lease) {
  sim_platform platform;
  engine loop{platform};
  memory_switch net_switch{loop};
  auto pa = net_switch.add_port();
  auto pb = net_switch.add_port();
  ASSERT_OK(pa);
  ASSERT_OK(pb);
  direct_config ca = config_for("10.0.0.1/24", "fd00::1", 1);
  direct_config cb;
  cb.dhcp = true;
  cb.seed = 2;
  direct a(loop, **pa, ca);
  direct b(loop, **pb, cb);
  ASSERT_OK(a.start());
  ASSERT_OK(b.start());
  EXPECT_TRUE(b.core().address().is_unspecified());
  auto u = a.udp_bind(ip_endpoint{ip_addr::any(ip_family::v4), dhcp::server_port});
  ASSERT_OK(u);
  ASSERT_OK(loop.run(with_timeout(loop, 30s, serve_dhcp(*u, ipv4_addr(10, 0, 0, 5)))));
  ASSERT_OK(loop.run(with_timeout(loop, 1s, pause(loop, 100ms))));
  EXPECT_EQ(b.stats().dhcp_leases, 1U);
  EXPECT_EQ(b.core().address(), ipv4_addr(10, 0, 0, 5));
  if (const dhcp::client* c = b.core().dhcp(); c != nullptr) {
    EXPECT_EQ(c->state(), dhcp::state::bound);
  } else {
    ADD_FAILURE() << "no DHCP client";
  }
  auto heard = loop.run(with_timeout(loop, 10s, talk(a, b)));
  ASSERT_OK(heard);
  EXPECT_EQ(*heard, "over a leased address");
}

}  // namespace
}  // namespace atl::net::testing
