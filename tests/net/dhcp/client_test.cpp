// dhcp::client against a scripted server built with the wire repr: the whole
// exchange, renewing, rebinding, expiry, NAK, retransmission times, replies
// that must be dropped, and the choice between two servers.
#include "dhcp_test.hpp"

namespace atl::net::dhcp {
namespace {

using namespace dhcp_testing;

TEST(dhcp_client, full_exchange) {
  client c = make();
  EXPECT_EQ(c.state(), state::init);
  EXPECT_EQ(c.next_deadline(), mono_never);

  c.start(t0, rnd(0x11111111));
  EXPECT_EQ(c.state(), state::selecting);
  const datagram d1 = take(c);
  EXPECT_EQ(d1.source, ipv4_addr::any());
  EXPECT_EQ(d1.destination, ipv4_addr::broadcast());
  EXPECT_EQ(d1.len, 300U);
  const dhcp_repr discover = parse(d1);
  expect_common(discover, dhcp_message_type::discover, 0x11111111);
  EXPECT_EQ(discover.secs, 0);
  EXPECT_TRUE(discover.broadcast);
  EXPECT_EQ(discover.client_ip, ipv4_addr::any());
  EXPECT_FALSE(discover.server_id.has_value());
  EXPECT_FALSE(discover.requested_ip.has_value());
  EXPECT_EQ(c.next_deadline(), t0 + 4s);

  c.on_receive(t0 + 1s, reply(discover, {}), rnd(0x22222222));
  EXPECT_EQ(c.state(), state::requesting);
  const datagram d2 = take(c);
  EXPECT_EQ(d2.source, ipv4_addr::any());
  EXPECT_EQ(d2.destination, ipv4_addr::broadcast());
  const dhcp_repr request = parse(d2);
  expect_common(request, dhcp_message_type::request, 0x11111111);  // the DISCOVER's xid
  EXPECT_EQ(request.secs, 1);
  EXPECT_TRUE(request.broadcast);
  EXPECT_EQ(request.client_ip, ipv4_addr::any());
  EXPECT_EQ(request.server_id, server_a);
  EXPECT_EQ(request.requested_ip, offered);
  EXPECT_EQ(c.next_deadline(), t0 + 5s);
  EXPECT_FALSE(c.poll_event().has_value());

  c.on_receive(t0 + 2s, reply(request, {.type = dhcp_message_type::ack}), rnd(0x33333333));
  EXPECT_EQ(c.state(), state::bound);
  EXPECT_FALSE(c.poll_transmit().has_value());
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_acquired);
  const lease& l = e->lease;
  EXPECT_EQ(l.address.text().view(), "10.0.0.5/24");
  EXPECT_EQ(l.server, server_a);
  EXPECT_EQ(l.gateway, ipv4_addr(10, 0, 0, 254));
  ASSERT_EQ(l.dns_list().size(), 2U);
  EXPECT_EQ(l.dns[0], ipv4_addr(10, 0, 0, 53));
  EXPECT_EQ(l.dns[1], ipv4_addr(9, 9, 9, 9));
  EXPECT_FALSE(l.infinite);
  EXPECT_EQ(l.lease_time, 3600s);
  EXPECT_EQ(l.t1, 1800s);  // 0.5 of the lease
  EXPECT_EQ(l.t2, 3150s);  // 0.875 of the lease
  // Times count from the first REQUEST (t0 + 1 s).
  EXPECT_EQ(l.start, t0 + 1s);
  EXPECT_EQ(l.renew_at, t0 + 1801s);
  EXPECT_EQ(l.rebind_at, t0 + 3151s);
  EXPECT_EQ(l.expires_at, t0 + 3601s);
  EXPECT_EQ(c.next_deadline(), l.renew_at);
  ASSERT_TRUE(c.current().has_value());
  EXPECT_EQ(c.current()->address, l.address);
  EXPECT_FALSE(c.poll_event().has_value());

  const ipv4_config config = l.config();
  EXPECT_EQ(config.address.text().view(), "10.0.0.5/24");
  EXPECT_EQ(config.gateway, ipv4_addr(10, 0, 0, 254));
  EXPECT_EQ(config.dns_count, 2);
  EXPECT_EQ(config.route_count, 0);
  EXPECT_EQ(c.counters().sent, 2U);
  EXPECT_EQ(c.counters().received, 2U);
}

TEST(dhcp_client, renews_at_t1_by_unicast) {
  client c = make();
  const lease l = bind(c);
  c.on_timer(l.renew_at - 1ns, rnd(0x4444));
  EXPECT_FALSE(c.poll_transmit().has_value());
  EXPECT_EQ(c.state(), state::bound);

  c.on_timer(l.renew_at, rnd(0x4444));
  EXPECT_EQ(c.state(), state::renewing);
  const datagram d = take(c);
  EXPECT_EQ(d.source, offered);
  EXPECT_EQ(d.destination, server_a);
  const dhcp_repr r = parse(d);
  expect_common(r, dhcp_message_type::request, 0x4444);
  EXPECT_EQ(r.client_ip, offered);
  EXPECT_FALSE(r.broadcast);
  EXPECT_FALSE(r.server_id.has_value());  // RFC 2131 table 5
  EXPECT_FALSE(r.requested_ip.has_value());
  // Retry after half the time to T2 (1350 s / 2).
  EXPECT_EQ(c.next_deadline(), l.renew_at + 675s);

  const mono_time now = l.renew_at + 1s;
  c.on_receive(now, reply(r, {.type = dhcp_message_type::ack}), rnd(0x5555));
  EXPECT_EQ(c.state(), state::bound);
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_renewed);
  EXPECT_EQ(e->lease.address, l.address);
  EXPECT_EQ(e->lease.start, l.renew_at);
  EXPECT_EQ(e->lease.expires_at, l.renew_at + 3600s);
  EXPECT_EQ(c.next_deadline(), l.renew_at + 1800s);
  EXPECT_FALSE(c.poll_transmit().has_value());
}

TEST(dhcp_client, rebinds_at_t2_by_broadcast_then_expires) {
  client c = make();
  const lease l = bind(c);
  c.on_timer(l.renew_at, rnd(0x4444));
  (void)take(c);
  // No answer: unicast retries, halving the time left, until T2.
  int retries = 0;
  while (c.next_deadline() < l.rebind_at) {
    const mono_time at = c.next_deadline();
    c.on_timer(at, rnd(0x9999));
    const datagram d = take(c);
    EXPECT_EQ(d.destination, server_a);
    EXPECT_EQ(parse(d).xid, 0x4444U);
    ++retries;
    ASSERT_LT(retries, 10);
  }
  EXPECT_GE(retries, 2);
  EXPECT_EQ(c.next_deadline(), l.rebind_at);

  c.on_timer(l.rebind_at, rnd(0x6666));
  EXPECT_EQ(c.state(), state::rebinding);
  const datagram d = take(c);
  EXPECT_EQ(d.source, offered);
  EXPECT_EQ(d.destination, ipv4_addr::broadcast());
  const dhcp_repr r = parse(d);
  expect_common(r, dhcp_message_type::request, 0x6666);
  EXPECT_EQ(r.client_ip, offered);
  EXPECT_FALSE(r.server_id.has_value());
  // Half the 450 s left to expiry.
  EXPECT_EQ(c.next_deadline(), l.rebind_at + 225s);

  // Still no answer: broadcast retries until the lease expires.
  while (c.next_deadline() < l.expires_at) {
    c.on_timer(c.next_deadline(), rnd(0x9999));
    EXPECT_EQ(take(c).destination, ipv4_addr::broadcast());
  }
  EXPECT_FALSE(c.poll_event().has_value());
  c.on_timer(l.expires_at, rnd(0x7777));
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_lost);
  EXPECT_EQ(e->lease.address, l.address);
  EXPECT_FALSE(c.current().has_value());
  // Back to INIT, and at once to SELECTING.
  EXPECT_EQ(c.state(), state::selecting);
  const datagram discover = take(c);
  EXPECT_EQ(discover.source, ipv4_addr::any());
  expect_common(parse(discover), dhcp_message_type::discover, 0x7777);
  EXPECT_GT(c.counters().retransmits, 2U);
}

TEST(dhcp_client, ack_while_rebinding_renews) {
  client c = make();
  const lease l = bind(c);
  // A late timer skips RENEWING.
  c.on_timer(l.rebind_at + 1s, rnd(0x6666));
  EXPECT_EQ(c.state(), state::rebinding);
  const dhcp_repr r = parse(take(c));
  c.on_receive(l.rebind_at + 2s, reply(r, {.type = dhcp_message_type::ack, .server = server_b}),
               rnd(0));
  EXPECT_EQ(c.state(), state::bound);
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_renewed);
  EXPECT_EQ(e->lease.server, server_b);  // another server may answer a broadcast
}

TEST(dhcp_client, nak_restarts) {
  client c = make();
  c.start(t0, rnd(0x1111));
  const dhcp_repr discover = parse(take(c));
  c.on_receive(t0 + 1s, reply(discover, {}), rnd(0));
  const dhcp_repr request = parse(take(c));
  c.on_receive(t0 + 2s, reply(request, {.type = dhcp_message_type::nak}), rnd(0x2222));
  EXPECT_EQ(c.state(), state::selecting);
  EXPECT_FALSE(c.poll_event().has_value());  // there was no lease
  const dhcp_repr again = parse(take(c));
  expect_common(again, dhcp_message_type::discover, 0x2222);
  EXPECT_EQ(again.secs, 0);
  EXPECT_EQ(c.next_deadline(), t0 + 6s);
}

TEST(dhcp_client, nak_while_renewing_loses_the_lease) {
  client c = make();
  const lease l = bind(c);
  c.on_timer(l.renew_at, rnd(0x4444));
  const dhcp_repr r = parse(take(c));
  c.on_receive(l.renew_at + 1s, reply(r, {.type = dhcp_message_type::nak}), rnd(0x5555));
  const auto e = c.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, event_kind::lease_lost);
  EXPECT_FALSE(c.current().has_value());
  EXPECT_EQ(c.state(), state::selecting);
  expect_common(parse(take(c)), dhcp_message_type::discover, 0x5555);
}

TEST(dhcp_client, retransmission_backoff_with_jitter) {
  client c = make();
  c.start(t0, rnd(0xabcd, 0));  // jitter -1 s
  (void)take(c);
  EXPECT_EQ(c.next_deadline(), t0 + 3s);
  // Waits 4, 8, 16, 32, 64, 64 s, each with the jitter the random bits give.
  const duration waits[] = {8s, 16s, 32s, 64s, 64s, 64s};
  const std::uint32_t jitters[] = {2000, 1000, 0, 1500, 2000 + 2001, 1};
  const duration offsets[] = {1s, 0s, -1s, 500ms, 1s, -999ms};
  mono_time now = c.next_deadline();
  for (std::size_t i = 0; i < std::size(waits); ++i) {
    c.on_timer(now, rnd(0x5a5a5a5a, jitters[i]));
    const dhcp_repr r = parse(take(c));
    expect_common(r, dhcp_message_type::discover, 0xabcd);  // retransmissions keep the xid
    EXPECT_EQ(r.secs, std::chrono::duration_cast<std::chrono::seconds>(now - t0).count());
    const duration wait = c.next_deadline() - now;
    EXPECT_EQ(wait, waits[i] + offsets[i]) << "retransmission " << i;
    EXPECT_GE(wait, waits[i] - 1s);
    EXPECT_LE(wait, waits[i] + 1s);
    now = c.next_deadline();
  }
  EXPECT_EQ(c.counters().retransmits, std::size(waits));
  // Early timers do nothing.
  c.on_timer(now - 1ms, rnd(0));
  EXPECT_FALSE(c.poll_transmit().has_value());
}

TEST(dhcp_client, request_gives_up_and_starts_over) {
  client c = make();
  c.start(t0, rnd(0x1111));
  c.on_receive(t0 + 1s, reply(parse(take(c)), {}), rnd(0x2222));
  (void)take(c);
  // REQUEST at +1 s, retransmitted at +5, +13, +29 s; then DISCOVER afresh.
  const mono_time expected[] = {t0 + 5s, t0 + 13s, t0 + 29s};
  for (const mono_time at : expected) {
    ASSERT_EQ(c.next_deadline(), at);
    c.on_timer(at, rnd(0x3333));
    const dhcp_repr r = parse(take(c));
    expect_common(r, dhcp_message_type::request, 0x1111);
    EXPECT_EQ(r.requested_ip, offered);
  }
  EXPECT_EQ(c.next_deadline(), t0 + 61s);
  c.on_timer(t0 + 61s, rnd(0x4444));
  EXPECT_EQ(c.state(), state::selecting);
  expect_common(parse(take(c)), dhcp_message_type::discover, 0x4444);
}

TEST(dhcp_client, drops_and_counts_foreign_and_malformed_replies) {
  client c = make();
  c.start(t0, rnd(0x1111));
  const dhcp_repr discover = parse(take(c));

  dhcp_repr wrong_xid = discover;
  wrong_xid.xid = 0x1112;
  c.on_receive(t0 + 1s, reply(wrong_xid, {}), rnd(0));
  EXPECT_EQ(c.counters().wrong_xid, 1U);

  dhcp_repr wrong_mac = discover;
  wrong_mac.client_mac = other_mac;
  c.on_receive(t0 + 1s, reply(wrong_mac, {}), rnd(0));
  EXPECT_EQ(c.counters().wrong_mac, 1U);

  const message good = reply(discover, {});
  message short_message = good;
  short_message.len = 200;
  c.on_receive(t0 + 1s, short_message, rnd(0));
  message bad_cookie = good;
  bad_cookie.bytes[236] = std::byte{0};
  c.on_receive(t0 + 1s, bad_cookie, rnd(0));
  message bad_option = good;
  ASSERT_EQ(bad_option.bytes[243], std::byte{51});  // lease time, after the message type
  bad_option.bytes[244] = std::byte{0xfe};          // a length past the end of the options
  c.on_receive(t0 + 1s, bad_option, rnd(0));
  // Our own DISCOVER looped back is a request, not a reply.
  c.on_receive(t0 + 1s, emit(discover), rnd(0));
  EXPECT_EQ(c.counters().malformed, 4U);

  // Valid replies the state does not take: an ACK in SELECTING, an offer
  // without a server identifier, an offer of 0.0.0.0.
  c.on_receive(t0 + 1s, reply(discover, {.type = dhcp_message_type::ack}), rnd(0));
  c.on_receive(t0 + 1s, reply(discover, {.server_id = false}), rnd(0));
  c.on_receive(t0 + 1s, reply(discover, {.your_ip = ipv4_addr::any()}), rnd(0));
  EXPECT_EQ(c.counters().unexpected, 3U);

  EXPECT_EQ(c.counters().received, 9U);
  EXPECT_EQ(c.state(), state::selecting);
  EXPECT_FALSE(c.poll_transmit().has_value());
  EXPECT_FALSE(c.poll_event().has_value());
  // The good offer is still taken afterwards.
  c.on_receive(t0 + 2s, good, rnd(0));
  EXPECT_EQ(c.state(), state::requesting);
}

TEST(dhcp_client, first_of_two_offers_is_taken) {
  client c = make();
  c.start(t0, rnd(0x1111));
  const dhcp_repr discover = parse(take(c));
  c.on_receive(t0 + 1s, reply(discover, {.server = server_b, .your_ip = ipv4_addr(10, 0, 0, 77)}),
               rnd(0));
  const dhcp_repr request = parse(take(c));
  EXPECT_EQ(request.server_id, server_b);
  EXPECT_EQ(request.requested_ip, ipv4_addr(10, 0, 0, 77));
  // The second offer comes too late.
  c.on_receive(t0 + 1s, reply(discover, {.server = server_a}), rnd(0));
  EXPECT_EQ(c.counters().unexpected, 1U);
  EXPECT_FALSE(c.poll_transmit().has_value());
  // An ACK from the server not chosen is ignored too.
  c.on_receive(t0 + 2s, reply(request, {.type = dhcp_message_type::ack, .server = server_a}),
               rnd(0));
  EXPECT_EQ(c.counters().unexpected, 2U);
  EXPECT_EQ(c.state(), state::requesting);
  c.on_receive(t0 + 2s,
               reply(request, {.type = dhcp_message_type::ack,
                               .server = server_b,
                               .your_ip = ipv4_addr(10, 0, 0, 77)}),
               rnd(0));
  EXPECT_EQ(c.state(), state::bound);
  ASSERT_TRUE(c.current().has_value());
  EXPECT_EQ(c.current()->server, server_b);
  EXPECT_EQ(c.current()->address.address(), ipv4_addr(10, 0, 0, 77));
}

TEST(dhcp_client, t1_t2_from_options_when_consistent) {
  {
    client c = make();
    const lease l =
        bind(c, {.type = dhcp_message_type::ack, .lease_time = 1000, .t1 = 600, .t2 = 900});
    EXPECT_EQ(l.t1, 600s);
    EXPECT_EQ(l.t2, 900s);
    EXPECT_EQ(c.next_deadline(), t0 + 601s);
  }
  {
    client c = make();
    const lease l =
        bind(c, {.type = dhcp_message_type::ack, .lease_time = 1000, .t1 = 900, .t2 = 600});
    EXPECT_EQ(l.t1, 500s);
    EXPECT_EQ(l.t2, 875s);
  }
  {
    client c = make();
    const lease l = bind(c, {.type = dhcp_message_type::ack, .lease_time = 0xffffffffU});
    EXPECT_TRUE(l.infinite);
    EXPECT_EQ(l.expires_at, mono_never);
    EXPECT_EQ(c.next_deadline(), mono_never);
  }
}

TEST(dhcp_client, address_changed_on_renewal) {
  client c = make();
  const lease l = bind(c);
  c.on_timer(l.renew_at, rnd(0x4444));
  const dhcp_repr r = parse(take(c));
  c.on_receive(l.renew_at + 1s,
               reply(r, {.type = dhcp_message_type::ack, .your_ip = ipv4_addr(10, 0, 0, 6)}),
               rnd(0));
  const auto lost = c.poll_event();
  const auto acquired = c.poll_event();
  ASSERT_TRUE(lost.has_value() && acquired.has_value());
  EXPECT_EQ(lost->kind, event_kind::lease_lost);
  EXPECT_EQ(lost->lease.address.address(), offered);
  EXPECT_EQ(acquired->kind, event_kind::lease_acquired);
  EXPECT_EQ(acquired->lease.address.address(), ipv4_addr(10, 0, 0, 6));
}

TEST(dhcp_client, hostname_is_sent) {
  client c = make("atoll-vm");
  c.start(t0, rnd(0x1111));
  const datagram d = take(c);
  EXPECT_EQ(d.len, 300U);
  expect_common(parse(d), dhcp_message_type::discover, 0x1111);
  // Find option 12 (the wire repr skips it), followed by End.
  const auto p = d.payload();
  std::size_t i = 240;
  bool found = false;
  while (i + 1 < p.size() && p[i] != std::byte{255}) {
    const auto code = std::to_integer<std::uint8_t>(p[i]);
    const auto len = std::to_integer<std::size_t>(p[i + 1]);
    if (code == 12) {
      ASSERT_EQ(len, 8U);
      const std::string_view name(reinterpret_cast<const char*>(p.data() + i + 2), len);
      EXPECT_EQ(name, "atoll-vm");
      EXPECT_EQ(p[i + 2 + len], std::byte{255});
      found = true;
    }
    i += 2 + len;
  }
  EXPECT_TRUE(found);
}

TEST(dhcp_client, create_checks_its_configuration) {
  const auto bad_name = client::create({.mac = our_mac, .hostname = "not a name"});
  ASSERT_FALSE(bad_name.has_value());
  EXPECT_EQ(bad_name.error().code(), errc::invalid_argument);
  EXPECT_EQ(bad_name.error().message(),
            "dhcp: hostname 'not a name' is not up to 63 letters, digits, '-' and '.'");
  const auto bad_mac = client::create({.mac = mac_addr::broadcast()});
  ASSERT_FALSE(bad_mac.has_value());
  EXPECT_EQ(bad_mac.error().message(),
            "dhcp: MAC address ff:ff:ff:ff:ff:ff is not a unicast address");
}

TEST(dhcp_client, replies_in_bound_are_dropped) {
  client c = make();
  const lease l = bind(c);
  dhcp_repr fake;
  fake.xid = 0x1111;
  fake.client_mac = our_mac;
  c.on_receive(t0 + 3s, reply(fake, {.type = dhcp_message_type::ack}), rnd(0));
  EXPECT_EQ(c.counters().wrong_xid, 1U);
  EXPECT_EQ(c.state(), state::bound);
  EXPECT_FALSE(c.poll_event().has_value());
  EXPECT_EQ(c.next_deadline(), l.renew_at);
}

}  // namespace
}  // namespace atl::net::dhcp
