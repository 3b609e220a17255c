// arp_cache::frame: the Ethernet header goes into the packet's headroom
// when it can (one buf, the packet's block), and into a buf of its own when
// it cannot; the frame's bytes are the same either way.
#include <atoll/net/ipv4/arp_cache.hpp>
#include <atoll/net/wire/ethernet.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <vector>

namespace atl::net::ipv4 {
namespace {

const mac_addr ours(mac_addr::octets_type{0x02, 0, 0, 0, 0x0a, 0x01});
const mac_addr theirs(mac_addr::octets_type{0x02, 0, 0, 0, 0x0b, 0x02});

arp_cache cache() {
  arp_config c;
  c.mac = ours;
  return arp_cache(c);
}

buf packet(std::size_t headroom) {
  auto b = buf::allocate(20, headroom);
  EXPECT_TRUE(b);
  for (std::size_t i = 0; i < 20; ++i) b->set_u8(i, static_cast<std::uint8_t>(0x40 + i));
  return *b;
}

// expect_frame(f, p): f is an Ethernet header to `theirs` from `ours`
// (IPv4), then exactly the bytes of p.
void expect_frame(const bufs& f, const buf& p) {
  std::vector<std::byte> bytes(f.size());
  f.copy_to(bytes);
  ASSERT_EQ(bytes.size(), 14 + p.size());
  auto view = ethernet_view::checked(bytes);
  ASSERT_TRUE(view);
  auto eth = ethernet_repr::parse(*view);
  ASSERT_TRUE(eth);
  EXPECT_EQ(eth->dst, theirs);
  EXPECT_EQ(eth->src, ours);
  EXPECT_EQ(eth->type, ethertype::ipv4);
  EXPECT_FALSE(eth->tag);
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_EQ(bytes[14 + i], p.data()[i]) << i;
}

TEST(ArpFrame, HeaderGoesIntoTheHeadroom) {
  const arp_cache c = cache();
  const buf p = packet(18);
  auto f = c.frame(theirs, ethertype::ipv4, p);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->segments(), 1U);
  EXPECT_TRUE((*f)[0].shares_block(p));  // not copied
  EXPECT_EQ((*f)[0].data() + 14, p.data());
  expect_frame(*f, p);
}

TEST(ArpFrame, WithoutHeadroomTheHeaderIsABufOfItsOwn) {
  const arp_cache c = cache();
  const buf p = packet(0);
  auto f = c.frame(theirs, ethertype::ipv4, p);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->segments(), 2U);
  EXPECT_TRUE((*f)[1].shares_block(p));
  expect_frame(*f, p);
}

TEST(ArpFrame, HeadroomAnotherViewClaimedIsLeftAlone) {
  const arp_cache c = cache();
  const buf p = packet(18);
  buf other = p;
  ASSERT_TRUE(other.prepend(4));  // another layer's header, in the same room
  for (std::size_t i = 0; i < 4; ++i) other.set_u8(i, 0xee);
  auto f = c.frame(theirs, ethertype::ipv4, p);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->segments(), 2U);
  expect_frame(*f, p);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(other.u8(i), 0xee);  // not overwritten
}

TEST(ArpFrame, TheSamePacketFramedTwice) {
  // A queued packet framed once, then again (the cache re-sends): the
  // second frame cannot reuse the room the first one took.
  const arp_cache c = cache();
  const buf p = packet(18);
  auto first = c.frame(theirs, ethertype::ipv4, p);
  auto second = c.frame(theirs, ethertype::ipv4, p);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->segments(), 1U);
  EXPECT_EQ(second->segments(), 2U);
  expect_frame(*first, p);
  expect_frame(*second, p);
}

TEST(ArpFrame, BorrowedPacketIsNotWrittenTo) {
  static const std::array<std::byte, 20> bytes{};
  const arp_cache c = cache();
  const buf p = buf::borrow(bytes);
  auto f = c.frame(theirs, ethertype::ipv4, p);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->segments(), 2U);
  expect_frame(*f, p);
}

}  // namespace
}  // namespace atl::net::ipv4
