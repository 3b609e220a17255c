// ARP: Linux's request and reply, emit byte for byte, malformed packets.
#include "net_test.hpp"
#include <atoll/net/wire/arp.hpp>

namespace atl::net {
namespace {

using namespace testing;

TEST(arp, linux_request_and_reply) {
  const auto v = arp_view::checked(l3(bytes(pkt::arp_request)));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->len(), 28U);
  const auto r = arp_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->operation, arp_operation::request);
  EXPECT_EQ(r->sender_mac.text().view(), "02:00:00:00:0a:01");
  EXPECT_EQ(r->sender_ip, ipv4_addr(10, 9, 0, 1));
  EXPECT_EQ(r->target_ip, ipv4_addr(10, 9, 0, 2));
  bytes_vec out(arp_repr::buffer_len());
  r->emit(out);
  EXPECT_EQ(out, copy(l3(bytes(pkt::arp_request)).first(28)));

  const auto reply = arp_repr::parse(*arp_view::checked(l3(bytes(pkt::arp_reply))));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->operation, arp_operation::reply);
  EXPECT_EQ(reply->sender_mac.text().view(), "02:00:00:00:0b:02");
  EXPECT_EQ(reply->target_mac.text().view(), "02:00:00:00:0a:01");
  r->emit(out);
  reply->emit(out);
  EXPECT_EQ(out, copy(l3(bytes(pkt::arp_reply)).first(28)));
}

TEST(arp, truncation_and_lengths) {
  const auto packet = l3(bytes(pkt::arp_request)).first(28);
  for (std::size_t n = 0; n < 28; ++n) {
    const auto v = arp_view::checked(packet.first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  // Address lengths that run past the bytes.
  auto big = copy(packet);
  set_u8(big, 4, 255);
  set_u8(big, 5, 255);
  EXPECT_EQ(arp_view::checked(big).error().code(), errc::corrupt);
  // Other lengths are readable by the view but not an Ethernet/IPv4 repr.
  auto odd = copy(packet);
  set_u8(odd, 4, 4);
  set_u8(odd, 5, 4);
  const auto v = arp_view::checked(odd);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->len(), 24U);
  EXPECT_EQ(v->target_protocol().size(), 4U);
  EXPECT_EQ(arp_repr::parse(*v).error().code(), errc::unsupported);
}

TEST(arp, unsupported) {
  const auto packet = l3(bytes(pkt::arp_request)).first(28);
  auto hw = copy(packet);
  set_u16(hw, 0, 6);  // IEEE 802
  EXPECT_EQ(arp_repr::parse(*arp_view::checked(hw)).error().code(), errc::unsupported);
  auto proto = copy(packet);
  set_u16(proto, 2, 0x86dd);
  EXPECT_EQ(arp_repr::parse(*arp_view::checked(proto)).error().code(), errc::unsupported);
  auto op = copy(packet);
  set_u16(op, 6, 3);  // RARP request
  EXPECT_EQ(arp_repr::parse(*arp_view::checked(op)).error().code(), errc::unsupported);
}

TEST(arp, round_trip) {
  arp_repr r;
  r.operation = arp_operation::reply;
  r.sender_mac = *mac_addr::parse("02:00:5e:10:00:01");
  r.sender_ip = ipv4_addr(192, 0, 2, 1);
  r.target_mac = *mac_addr::parse("02:00:5e:10:00:02");
  r.target_ip = ipv4_addr(192, 0, 2, 2);
  bytes_vec out(arp_repr::buffer_len());
  r.emit(out);
  EXPECT_EQ(*arp_repr::parse(*arp_view::checked(out)), r);
}

}  // namespace
}  // namespace atl::net
