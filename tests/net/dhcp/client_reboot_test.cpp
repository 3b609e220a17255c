// dhcp::client: INIT-REBOOT (asking to keep an earlier address), RELEASE and stop.
#include "dhcp_test.hpp"

namespace atl::net::dhcp {
namespace {

using namespace dhcp_testing;

constexpr ipv4_addr previous(10, 0, 0, 9);

TEST(dhcp_client_reboot, ack_binds_the_remembered_address) {
  client c = make("atoll");
  c.reboot(t0, previous, rnd(0x1234));
  EXPECT_EQ(c.state(), state::rebooting);
  const datagram d = take(c);
  EXPECT_EQ(d.source, ipv4_addr::any());
  EXPECT_EQ(d.destination, ipv4_addr::broadcast());
  const dhcp_repr r = parse(d);
  expect_common(r, dhcp_message_type::request, 0x1234);
  EXPECT_EQ(r.requested_ip, previous);
  EXPECT_FALSE(r.server_id.has_value());  // RFC 2131 4.3.2: none in INIT-REBOOT
  EXPECT_EQ(r.client_ip, ipv4_addr::any());
  EXPECT_EQ(c.next_deadline(), t0 + 4s);

  c.on_receive(t0 + 1s, reply(r, {.type = dhcp_message_type::ack, .your_ip = previous}), rnd(0));
  EXPECT_EQ(c.state(), state::bound);
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_acquired);
  EXPECT_EQ(e->lease.address.text().view(), "10.0.0.9/24");
  EXPECT_EQ(e->lease.server, server_a);
  EXPECT_EQ(e->lease.start, t0);
  EXPECT_EQ(e->lease.renew_at, t0 + 1800s);
}

TEST(dhcp_client_reboot, ack_without_server_id_or_lease_time_is_unusable) {
  client c = make();
  c.reboot(t0, previous, rnd(0x1234));
  const dhcp_repr r = parse(take(c));
  c.on_receive(t0 + 1s, reply(r, {.type = dhcp_message_type::ack, .server_id = false}), rnd(0));
  c.on_receive(t0 + 1s, reply(r, {.type = dhcp_message_type::ack, .lease_time = std::nullopt}),
               rnd(0));
  EXPECT_EQ(c.counters().unexpected, 2U);
  EXPECT_EQ(c.state(), state::rebooting);
  // An offer is not an answer to INIT-REBOOT either.
  c.on_receive(t0 + 1s, reply(r, {}), rnd(0));
  EXPECT_EQ(c.counters().unexpected, 3U);
  EXPECT_FALSE(c.poll_transmit().has_value());
}

TEST(dhcp_client_reboot, nak_goes_to_init) {
  client c = make();
  c.reboot(t0, previous, rnd(0x1234));
  const dhcp_repr r = parse(take(c));
  c.on_receive(t0 + 1s, reply(r, {.type = dhcp_message_type::nak}), rnd(0x5678));
  EXPECT_EQ(c.state(), state::selecting);
  EXPECT_FALSE(c.poll_event().has_value());
  const dhcp_repr discover = parse(take(c));
  expect_common(discover, dhcp_message_type::discover, 0x5678);
  EXPECT_FALSE(discover.requested_ip.has_value());
}

TEST(dhcp_client_reboot, no_answer_goes_to_init) {
  client c = make();
  c.reboot(t0, previous, rnd(0x1234));
  (void)take(c);
  for (int i = 1; i < static_cast<int>(client::max_request_attempts); ++i) {
    c.on_timer(c.next_deadline(), rnd(0x9999));
    const dhcp_repr r = parse(take(c));
    expect_common(r, dhcp_message_type::request, 0x1234);
    EXPECT_EQ(r.requested_ip, previous);
  }
  c.on_timer(c.next_deadline(), rnd(0x4321));
  EXPECT_EQ(c.state(), state::selecting);
  expect_common(parse(take(c)), dhcp_message_type::discover, 0x4321);
}

TEST(dhcp_client_reboot, reboot_while_bound_reports_the_lease_lost) {
  client c = make();
  const lease l = bind(c);
  c.reboot(t0 + 10s, l.address.address(), rnd(0x1));
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_lost);
  EXPECT_EQ(c.state(), state::rebooting);
}

TEST(dhcp_client_release, sends_release_and_stops) {
  client c = make("atoll");
  const lease l = bind(c);
  c.release(t0 + 100s, rnd(0xbeef));
  EXPECT_EQ(c.state(), state::init);
  EXPECT_EQ(c.next_deadline(), mono_never);
  const datagram d = take(c);
  EXPECT_EQ(d.source, offered);
  EXPECT_EQ(d.destination, server_a);
  const dhcp_repr r = parse(d);
  EXPECT_EQ(r.message_type, dhcp_message_type::release);
  EXPECT_EQ(r.xid, 0xbeefU);
  EXPECT_EQ(r.client_mac, our_mac);
  EXPECT_EQ(r.client_ip, offered);
  EXPECT_EQ(r.server_id, server_a);
  EXPECT_FALSE(r.requested_ip.has_value());
  EXPECT_FALSE(r.broadcast);
  EXPECT_EQ(r.parameter_count, 0);  // RFC 2131 table 5
  // No hostname (option 12) either: the options end after the server id.
  EXPECT_EQ(d.payload()[240 + 3 + 6], std::byte{255});
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_lost);
  EXPECT_EQ(e->lease.address, l.address);
  EXPECT_FALSE(c.current().has_value());
  // Timers do nothing in INIT; a late ACK is dropped.
  c.on_timer(l.expires_at, rnd(0));
  EXPECT_FALSE(c.poll_transmit().has_value());
  c.on_receive(t0 + 101s, reply(r, {.type = dhcp_message_type::ack}), rnd(0));
  EXPECT_EQ(c.state(), state::init);
  EXPECT_FALSE(c.poll_event().has_value());
}

TEST(dhcp_client_release, without_lease_sends_nothing) {
  client c = make();
  c.start(t0, rnd(1));
  (void)take(c);
  c.release(t0 + 1s, rnd(2));
  EXPECT_EQ(c.state(), state::init);
  EXPECT_FALSE(c.poll_transmit().has_value());
  EXPECT_FALSE(c.poll_event().has_value());
  EXPECT_EQ(c.next_deadline(), mono_never);
}

TEST(dhcp_client_release, stop_loses_the_lease_silently) {
  client c = make();
  (void)bind(c);
  c.stop();
  EXPECT_EQ(c.state(), state::init);
  EXPECT_FALSE(c.poll_transmit().has_value());
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_lost);
  EXPECT_EQ(to_string(c.state()), "init");
}

TEST(dhcp_client_events, queue_is_bounded) {
  client c = make();
  // Each bind and stop queues two events; none are taken.
  for (int i = 0; i < 3; ++i) {
    c.start(t0, rnd(0x1111));
    const dhcp_repr discover = parse(take(c));
    c.on_receive(t0 + 1s, reply(discover, {}), rnd(0x2222));
    const dhcp_repr request = parse(take(c));
    c.on_receive(t0 + 2s, reply(request, {.type = dhcp_message_type::ack}), rnd(0x3333));
    c.stop();
  }
  EXPECT_EQ(c.counters().events_dropped, 2U);
  for (std::size_t i = 0; i < client::max_events; ++i) {
    const auto e = c.poll_event();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->kind, i % 2 == 0 ? event_kind::lease_acquired : event_kind::lease_lost);
  }
  EXPECT_FALSE(c.poll_event().has_value());
}

}  // namespace
}  // namespace atl::net::dhcp
