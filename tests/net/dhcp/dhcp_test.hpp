// Helpers of the DHCP client tests: a scripted server built with the wire
// repr, the random bits a call gets, and the whole exchange up to BOUND.
#pragma once

#include <atoll/net/dhcp/client.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::dhcp::dhcp_testing {

// message: a received UDP payload (a fixed array: g++ -O3 sees a possibly
// null vector in byte edits and warns).
struct message {
  std::array<std::byte, datagram::max_len> bytes{};
  std::size_t len = 0;
  operator std::span<const std::byte>() const { return std::span(bytes).first(len); }
};

inline const mac_addr our_mac(mac_addr::octets_type{0x02, 0x00, 0x00, 0x00, 0x0a, 0x01});
inline const mac_addr other_mac(mac_addr::octets_type{0x02, 0x00, 0x00, 0x00, 0x0a, 0x02});
constexpr ipv4_addr server_a(10, 0, 0, 1);
constexpr ipv4_addr server_b(10, 0, 0, 2);
constexpr ipv4_addr offered(10, 0, 0, 5);
inline const mono_time t0 = mono_time{} + 1000s;

// rnd(xid, jitter): the random bits a call gets: the low 32 become a new
// xid, the high 32 the jitter (jitter % 2001 - 1000 ms; 1000 is none).
constexpr std::uint64_t rnd(std::uint32_t xid, std::uint32_t jitter = 1000) {
  return (std::uint64_t{jitter} << 32) | xid;
}

inline dhcp_repr parse(const datagram& d) {
  const auto v = dhcp_view::checked(d.payload());
  EXPECT_TRUE(v.has_value());
  if (!v) return {};
  const auto r = dhcp_repr::parse(*v);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? *r : dhcp_repr{};
}

// take(c): the one message the client has to send (a failure if none).
inline datagram take(client& c) {
  auto d = c.poll_transmit();
  EXPECT_TRUE(d.has_value()) << "nothing to send";
  if (!d) return {};
  EXPECT_EQ(d->source_port, port(68));
  EXPECT_EQ(d->destination_port, port(67));
  EXPECT_FALSE(c.poll_transmit().has_value()) << "a message is sent once";
  return *d;
}

inline message emit(const dhcp_repr& r) {
  message m;
  m.len = r.buffer_len();
  r.emit(std::span(m.bytes).first(m.len));
  return m;
}

// The scripted server's reply to `req`.
struct reply_spec {
  dhcp_message_type type = dhcp_message_type::offer;
  ipv4_addr server = server_a;
  ipv4_addr your_ip = offered;
  std::optional<std::uint32_t> lease_time = 3600;
  std::optional<std::uint32_t> t1{};
  std::optional<std::uint32_t> t2{};
  bool server_id = true;
};

inline message reply(const dhcp_repr& req, const reply_spec& s) {
  dhcp_repr r;
  r.op = dhcp_op::reply;
  r.message_type = s.type;
  r.xid = req.xid;
  r.client_mac = req.client_mac;
  r.broadcast = req.broadcast;
  if (s.type != dhcp_message_type::nak) {
    r.your_ip = s.your_ip;
    r.lease_time = s.lease_time;
    r.renewal_time = s.t1;
    r.rebinding_time = s.t2;
    r.subnet_mask = ipv4_addr(255, 255, 255, 0);
    r.router = ipv4_addr(10, 0, 0, 254);
    r.dns_servers[0] = ipv4_addr(10, 0, 0, 53);
    r.dns_servers[1] = ipv4_addr(9, 9, 9, 9);
    r.dns_count = 2;
  }
  if (s.server_id) r.server_id = s.server;
  return emit(r);
}

inline client make(std::string_view hostname = {}) {
  auto c = client::create({.mac = our_mac, .hostname = hostname, .broadcast_flag = true});
  EXPECT_TRUE(c.has_value());
  return *c;
}

inline void expect_common(const dhcp_repr& r, dhcp_message_type type, std::uint32_t xid) {
  EXPECT_EQ(r.op, dhcp_op::request);
  EXPECT_EQ(r.message_type, type);
  EXPECT_EQ(r.xid, xid);
  EXPECT_EQ(r.client_mac, our_mac);
  EXPECT_EQ(r.your_ip, ipv4_addr::any());
  EXPECT_EQ(r.server_ip, ipv4_addr::any());
  EXPECT_EQ(r.relay_ip, ipv4_addr::any());
  const std::vector<std::uint8_t> params(r.parameter_list().begin(), r.parameter_list().end());
  EXPECT_EQ(params, (std::vector<std::uint8_t>{1, 3, 6, 26, 51, 58, 59}));
}

// bind(c): DISCOVER at t0, OFFER and REQUEST at t0 + 1 s, ACK at t0 + 2 s.
// Returns the lease acquired.
inline lease bind(client& c, const reply_spec& ack = {.type = dhcp_message_type::ack}) {
  c.start(t0, rnd(0x1111));
  const dhcp_repr discover = parse(take(c));
  c.on_receive(t0 + 1s, reply(discover, {}), rnd(0x2222));
  const dhcp_repr request = parse(take(c));
  c.on_receive(t0 + 2s, reply(request, ack), rnd(0x3333));
  EXPECT_EQ(c.state(), state::bound);
  const auto e = c.poll_event();
  EXPECT_TRUE(e.has_value());
  if (!e) return {};
  EXPECT_EQ(e->kind, event_kind::lease_acquired);
  return e->lease;
}

}  // namespace atl::net::dhcp::dhcp_testing
