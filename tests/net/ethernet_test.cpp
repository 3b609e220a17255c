// Ethernet II frames: Linux's frames, an 802.1Q tag, every truncation.
#include "net_test.hpp"
#include <atoll/net/wire/ethernet.hpp>

namespace atl::net {
namespace {

using namespace testing;

TEST(ethernet, linux_frames) {
  const auto v = ethernet_view::checked(bytes(pkt::arp_request));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->dst(), mac_addr::broadcast());
  EXPECT_EQ(v->src().text().view(), "02:00:00:00:0a:01");
  EXPECT_EQ(v->type(), ethertype::arp);
  EXPECT_FALSE(v->tagged());
  EXPECT_EQ(v->header_len(), 14U);
  EXPECT_EQ(v->payload().size(), pkt::arp_request.size() - 14);
  const auto r = ethernet_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->buffer_len(), 14U);
  bytes_vec out(r->buffer_len());
  r->emit(out);
  EXPECT_EQ(out, copy(bytes(pkt::arp_request).first(14)));

  const auto v6 = ethernet_view::checked(bytes(pkt::ndp_ns));
  EXPECT_EQ(v6->type(), ethertype::ipv6);
  EXPECT_EQ(v6->dst().text().view(), "33:33:ff:00:00:02");
}

TEST(ethernet, vlan_tag) {
  const auto v = ethernet_view::checked(bytes(pkt::vlan_udp));
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->tagged());
  EXPECT_EQ(v->header_len(), 18U);
  EXPECT_EQ(v->type(), ethertype::ipv4);
  EXPECT_EQ(v->tag().id, 42);
  EXPECT_EQ(v->tag().priority, 5);
  EXPECT_FALSE(v->tag().drop_eligible);
  const auto r = ethernet_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->tag.has_value());
  bytes_vec out(r->buffer_len());
  r->emit(out);
  EXPECT_EQ(out, copy(bytes(pkt::vlan_udp).first(18)));
  // parse -> emit -> parse is the identity.
  EXPECT_EQ(*ethernet_repr::parse(*ethernet_view::checked(out)), *r);
}

TEST(ethernet, every_truncation_is_rejected) {
  for (std::size_t n = 0; n < 14; ++n) {
    const auto v = ethernet_view::checked(bytes(pkt::arp_request).first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  for (std::size_t n = 14; n < 18; ++n) {
    const auto v = ethernet_view::checked(bytes(pkt::vlan_udp).first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  // A header and nothing else is a frame with an empty payload.
  EXPECT_TRUE(ethernet_view::checked(bytes(pkt::vlan_udp).first(18)).has_value());
}

TEST(ethernet, unsupported_types) {
  auto frame = copy(bytes(pkt::arp_request));
  set_u16(frame, 12, 0x05dc);  // an 802.3 length
  const auto r = ethernet_repr::parse(*ethernet_view::checked(frame));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::unsupported);
  auto qinq = copy(bytes(pkt::vlan_udp));
  set_u16(qinq, 16, 0x8100);  // a second tag
  const auto q = ethernet_repr::parse(*ethernet_view::checked(qinq));
  ASSERT_FALSE(q.has_value());
  EXPECT_EQ(q.error().code(), errc::unsupported);
}

}  // namespace
}  // namespace atl::net
