// DHCPv4: discover, offer, request and ack, option overload and
// concatenation, the option cursor's bounds, malformed messages.
#include "net_test.hpp"
#include <atoll/net/wire/dhcpv4.hpp>

namespace atl::net {
namespace {

using namespace testing;

bytes_vec message(std::span<const std::byte> frame) { return copy(l4(frame).bytes.subspan(8)); }

dhcp_repr parse_ok(const bytes_vec& m) {
  const auto v = dhcp_view::checked(m);
  EXPECT_TRUE(v.has_value());
  const auto r = dhcp_repr::parse(*v);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return *r;
}

TEST(dhcp, discover) {
  const auto m = message(bytes(pkt::dhcp_discover));
  const auto r = parse_ok(m);
  EXPECT_EQ(r.op, dhcp_op::request);
  EXPECT_EQ(r.message_type, dhcp_message_type::discover);
  EXPECT_EQ(r.xid, 0x3903f326U);
  EXPECT_TRUE(r.broadcast);
  EXPECT_EQ(r.client_mac.text().view(), "02:00:00:00:0a:01");
  EXPECT_EQ(r.max_message_size, 1500);
  const std::uint8_t expect[] = {1, 3, 6, 15, 51, 58, 59};
  ASSERT_EQ(r.parameter_count, sizeof expect);
  for (std::size_t i = 0; i < sizeof expect; ++i) EXPECT_EQ(r.parameters[i], expect[i]);
  // The emitted message is byte for byte the reference (padded to 300).
  bytes_vec out(r.buffer_len());
  EXPECT_EQ(out.size(), 300U);
  r.emit(out);
  EXPECT_EQ(out, m);
}

TEST(dhcp, offer) {
  const auto r = parse_ok(message(bytes(pkt::dhcp_offer)));
  EXPECT_EQ(r.op, dhcp_op::reply);
  EXPECT_EQ(r.message_type, dhcp_message_type::offer);
  EXPECT_EQ(r.your_ip, ipv4_addr(10, 9, 0, 1));
  EXPECT_EQ(r.server_id, ipv4_addr(10, 9, 0, 254));
  EXPECT_EQ(r.lease_time, 3600U);
  EXPECT_EQ(r.renewal_time, 1800U);
  EXPECT_EQ(r.rebinding_time, 3150U);
  EXPECT_EQ(r.subnet_mask, ipv4_addr(255, 255, 255, 0));
  EXPECT_EQ(r.router, ipv4_addr(10, 9, 0, 254));
  ASSERT_EQ(r.dns_count, 2);
  EXPECT_EQ(r.dns_servers[1], ipv4_addr(10, 9, 0, 54));
}

TEST(dhcp, request_concatenates_split_options) {
  const auto r = parse_ok(message(bytes(pkt::dhcp_request)));
  EXPECT_EQ(r.message_type, dhcp_message_type::request);
  EXPECT_EQ(r.requested_ip, ipv4_addr(10, 9, 0, 1));
  EXPECT_EQ(r.server_id, ipv4_addr(10, 9, 0, 254));
  ASSERT_EQ(r.parameter_count, 4);  // 55 appears twice (RFC 3396)
  EXPECT_EQ(r.parameters[3], 15);
}

TEST(dhcp, ack_with_overload) {
  const auto r = parse_ok(message(bytes(pkt::dhcp_ack)));
  EXPECT_EQ(r.message_type, dhcp_message_type::ack);
  EXPECT_EQ(r.router, ipv4_addr(10, 9, 0, 254));  // the first of two
  ASSERT_EQ(r.dns_count, 2);                      // one in options, one in the file field
  EXPECT_EQ(r.dns_servers[0], ipv4_addr(10, 9, 0, 53));
  EXPECT_EQ(r.dns_servers[1], ipv4_addr(10, 9, 0, 54));
  EXPECT_EQ(r.subnet_mask, ipv4_addr(255, 255, 255, 0));  // from the file field
}

TEST(dhcp, round_trip) {
  for (const auto frame : {bytes(pkt::dhcp_discover), bytes(pkt::dhcp_offer),
                           bytes(pkt::dhcp_request), bytes(pkt::dhcp_ack)}) {
    const auto r = parse_ok(message(frame));
    bytes_vec out(r.buffer_len());
    r.emit(out);
    EXPECT_EQ(parse_ok(out), r);
  }
  dhcp_repr full;
  full.op = dhcp_op::reply;
  full.message_type = dhcp_message_type::ack;
  full.dns_count = 4;
  full.parameter_count = 255;
  for (std::size_t i = 0; i < 255; ++i) full.parameters[i] = static_cast<std::uint8_t>(i);
  full.lease_time = 0xffffffff;
  bytes_vec out(full.buffer_len());
  full.emit(out);
  EXPECT_EQ(parse_ok(out), full);
}

TEST(dhcp, malformed) {
  const auto base = message(bytes(pkt::dhcp_offer));
  for (const std::size_t n : {0, 1, 100, 236, 239}) {
    EXPECT_EQ(dhcp_view::checked(std::span(base).first(n)).error().code(), errc::corrupt) << n;
  }
  const auto parse = [](const bytes_vec& m) { return dhcp_repr::parse(*dhcp_view::checked(m)); };
  // Cut anywhere in the options: an option running past the end is an
  // error; a cut between options is a message without End, accepted.
  const std::size_t options_end = base.size() - 1;   // the End byte
  for (std::size_t n = 243; n < options_end; ++n) {  // after the message type
    const auto r = parse(bytes_vec(base.begin(), base.begin() + static_cast<long>(n)));
    if (!r) {
      EXPECT_EQ(r.error().code(), errc::corrupt) << n;
    }
  }
  EXPECT_EQ(parse(bytes_vec(base.begin(), base.begin() + 242)).error().code(), errc::corrupt);
  const auto patched = [&](std::size_t at, std::initializer_list<std::uint8_t> values) {
    auto m = base;
    std::size_t i = at;
    for (const std::uint8_t v : values) set_u8(m, i++, v);
    return m;
  };
  // Options start at 240: 35 01 02 (message type), 36 04 ... (server id).
  EXPECT_EQ(parse(patched(241, {2})).error().code(), errc::corrupt);      // type of length 2
  EXPECT_EQ(parse(patched(242, {9})).error().code(), errc::unsupported);  // message type 9
  EXPECT_EQ(parse(patched(244, {3})).error().code(), errc::corrupt);      // server id of 3 bytes
  EXPECT_EQ(parse(patched(236, {0})).error().code(), errc::unsupported);  // no magic cookie
  EXPECT_EQ(parse(patched(240, {0, 0, 0})).error().code(), errc::unsupported);  // no type
  EXPECT_EQ(parse(patched(0, {3})).error().code(), errc::corrupt);              // op 3
  EXPECT_EQ(parse(patched(1, {6})).error().code(), errc::unsupported);          // IEEE 802 hardware
  EXPECT_EQ(parse(patched(240, {52, 1, 4})).error().code(), errc::corrupt);     // overload 4
  EXPECT_EQ(parse(patched(240, {1, 4, 255, 0, 255, 0})).error().code(), errc::corrupt);  // mask
  EXPECT_EQ(parse(patched(240, {6, 0})).error().code(), errc::corrupt);            // empty DNS list
  EXPECT_EQ(parse(patched(240, {57, 2, 1, 0})).error().code(), errc::corrupt);     // max size 256
  EXPECT_EQ(parse(patched(240, {3, 3, 10, 9, 0})).error().code(), errc::corrupt);  // router
  // An option of length 255 (the most a length byte says) past the end.
  EXPECT_EQ(parse(patched(240, {12, 255})).error().code(), errc::corrupt);
  // Pad is one byte and End stops the walk, whatever follows.
  auto pads = base;
  pads.resize(240);
  for (const std::uint8_t b : {0, 0, 53, 1, 5, 0, 255, 99, 99}) pads.push_back(std::byte{b});
  EXPECT_EQ(parse(pads)->message_type, dhcp_message_type::ack);
  // Overloaded fields are walked with the same bounds: an option in the
  // file field that runs past its 128 bytes.
  auto overload = base;
  overload.resize(240);
  for (const std::uint8_t b : {53, 1, 5, 52, 1, 1, 255}) overload.push_back(std::byte{b});
  set_u8(overload, 108 + 126, 12);
  set_u8(overload, 108 + 127, 5);
  EXPECT_EQ(parse(overload).error().code(), errc::corrupt);
}

}  // namespace
}  // namespace atl::net
