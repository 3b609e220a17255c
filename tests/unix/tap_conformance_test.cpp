// The network conformance suite over two TAP devices on a Linux bridge, and
// the virtio-net header's transmit offloads checked end to end: Linux fills
// in a checksum and cuts a GSO frame into segments on the way from one TAP
// to the other (the receiving TAP has its offloads off, so Linux must).
#include "../devices/conformance/network_conformance.hpp"
#include "tap_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace atl::conformance {
using tap_factories = ::testing::Types<unix_target::testing::tap_pair_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(tap_bridge, network_conformance, tap_factories);
}  // namespace atl::conformance

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;

/// Internet checksum arithmetic (RFC 1071), independent of the device.
std::uint32_t sum16(std::span<const std::byte> bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    std::uint32_t word = std::to_integer<std::uint32_t>(bytes[i]) << 8;
    if (i + 1 < bytes.size()) word |= std::to_integer<std::uint32_t>(bytes[i + 1]);
    sum += word;
  }
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}
/// pseudo(src, dst, proto, length): the IPv4 pseudo-header sum.
std::uint32_t pseudo(std::uint32_t src, std::uint32_t dst, std::uint8_t proto, std::size_t length) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto +
         static_cast<std::uint32_t>(length);
}

constexpr std::uint32_t src_ip = 0xc000020a;  // 192.0.2.10
constexpr std::uint32_t dst_ip = 0xc0000214;  // 192.0.2.20
constexpr std::size_t l3 = ethernet_header_size;
constexpr std::size_t l4 = l3 + 20;

/// ipv4_frame(to, from, proto, l4_size): Ethernet + IPv4 header (with its
/// checksum) in front of `l4_size` zero bytes.
buf ipv4_frame(mac_addr to, mac_addr from, std::uint8_t proto, std::size_t l4_size) {
  auto made = buf::allocate(l4 + l4_size);
  EXPECT_TRUE(made);
  buf f = std::move(*made);
  to.write(f, 0);
  from.write(f, 6);
  f.set_u16(12, 0x0800);
  f.set_u8(l3, 0x45);
  f.set_u16(l3 + 2, static_cast<std::uint16_t>(20 + l4_size));
  f.set_u16(l3 + 4, 0x1234);
  f.set_u16(l3 + 6, 0x4000);  // don't fragment
  f.set_u8(l3 + 8, 64);
  f.set_u8(l3 + 9, proto);
  f.set_u32(l3 + 12, src_ip);
  f.set_u32(l3 + 16, dst_ip);
  f.set_u16(l3 + 10, static_cast<std::uint16_t>(~fold(sum16(f.bytes().subspan(l3, 20)))));
  return f;
}

task<result<rx_frame>> next_ipv4(engine& e, tap_network& dev) {
  for (int i = 0; i < 100; ++i) {
    auto got = co_await with_timeout(e, 2s, dev.receive());
    if (!got) co_return got.error();
    auto type = got->frame.read_u16(12);
    if (type && *type == 0x0800) co_return got;
  }
  co_return error(errc::timed_out, "no IPv4 frame among 100");
}

task<result<void>> send(tap_network& dev, bufs frame, tx_offload offload) {
  auto sent = co_await dev.write(std::move(frame), offload);
  co_return sent;
}

class tap_offload_test : public ::testing::Test {
protected:
  void SetUp() override {
    const auto pair = factory_.make_pair();
    if (IsSkipped()) return;
    a_ = pair[0];
    b_ = pair[1];
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }
  template <class T>
  T run(task<T> t) {
    return factory_.loop().run(std::move(t));
  }

  tap_pair_factory factory_;
  tap_network* a_ = nullptr;
  tap_network* b_ = nullptr;
};

TEST_F(tap_offload_test, linux_completes_a_requested_checksum) {
  constexpr std::size_t udp_size = 8 + 301;  // odd: the last byte is padded in the sum
  buf f = ipv4_frame(b_->mac(), a_->mac(), 17, udp_size);
  f.set_u16(l4, 40000);
  f.set_u16(l4 + 2, 9);
  f.set_u16(l4 + 4, static_cast<std::uint16_t>(udp_size));
  for (std::size_t i = 8; i < udp_size; ++i) f.set_u8(l4 + i, static_cast<std::uint8_t>(i * 7));
  const std::uint32_t pseudo_sum = pseudo(src_ip, dst_ip, 17, udp_size);
  const std::uint16_t expected = static_cast<std::uint16_t>(
      ~fold(sum16(f.bytes().subspan(l4), pseudo_sum)));  // checksum field still zero
  // As virtio asks: the field holds the folded pseudo-header sum, and the
  // device adds the rest.
  f.set_u16(l4 + 6, fold(pseudo_sum));
  tx_offload offload;
  offload.checksum = true;
  offload.csum_start = l4;
  offload.csum_offset = 6;
  ASSERT_TRUE(run(send(*a_, bufs(f), offload)));

  auto got = run(next_ipv4(factory_.loop(), *b_));
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_EQ(got->frame.size(), l4 + udp_size);
  EXPECT_EQ(got->frame.u16(l4 + 6), expected == 0 ? 0xffff : expected);
  EXPECT_EQ(fold(sum16(got->frame.bytes().subspan(l4), pseudo_sum)), 0xffff);  // verifies
  EXPECT_FALSE(got->info.checksum_partial);  // receive offloads are off: nothing left to do
}

TEST_F(tap_offload_test, linux_segments_a_gso_frame) {
  constexpr std::size_t mss = 1000;
  constexpr std::size_t payload = 3 * mss + 123;
  constexpr std::size_t tcp_size = 20 + payload;
  constexpr std::uint32_t first_seq = 0x01020304;
  buf f = ipv4_frame(b_->mac(), a_->mac(), 6, tcp_size);
  f.set_u16(l4, 40000);
  f.set_u16(l4 + 2, 9);
  f.set_u32(l4 + 4, first_seq);
  f.set_u32(l4 + 8, 1);
  f.set_u8(l4 + 12, 5 << 4);
  f.set_u8(l4 + 13, 0x18);  // PSH, ACK
  f.set_u16(l4 + 14, 65535);
  for (std::size_t i = 0; i < payload; ++i)
    f.set_u8(l4 + 20 + i, static_cast<std::uint8_t>(i % 251));
  f.set_u16(l4 + 16, fold(pseudo(src_ip, dst_ip, 6, tcp_size)));
  tx_offload offload;
  offload.checksum = true;
  offload.csum_start = l4;
  offload.csum_offset = 16;
  offload.gso = gso_type::tcpv4;
  offload.gso_size = mss;
  offload.hdr_len = l4 + 20;
  ASSERT_GT(f.size(), a_->mtu() + ethernet_header_size);  // too large but for GSO
  ASSERT_TRUE(run(send(*a_, bufs(f), offload)));

  std::vector<std::byte> joined;
  for (std::size_t segment = 0; segment < 4; ++segment) {
    auto got = run(next_ipv4(factory_.loop(), *b_));
    ASSERT_TRUE(got) << "segment " << segment << ": " << got.error().message();
    const buf& s = got->frame;
    const std::size_t piece = segment < 3 ? mss : payload - 3 * mss;
    ASSERT_EQ(s.size(), l4 + 20 + piece);
    EXPECT_LE(s.size(), b_->mtu() + ethernet_header_size);
    EXPECT_EQ(s.u16(l3 + 2), 40 + piece);                       // IPv4 total length
    EXPECT_EQ(fold(sum16(s.bytes().subspan(l3, 20))), 0xffff);  // IPv4 checksum
    EXPECT_EQ(s.u32(l4 + 4), first_seq + segment * mss);        // TCP sequence
    EXPECT_EQ(fold(sum16(s.bytes().subspan(l4), pseudo(src_ip, dst_ip, 6, 20 + piece))), 0xffff);
    const auto data = s.bytes().subspan(l4 + 20);
    joined.insert(joined.end(), data.begin(), data.end());
  }
  ASSERT_EQ(joined.size(), payload);
  for (std::size_t i = 0; i < payload; ++i) {
    ASSERT_EQ(std::to_integer<std::size_t>(joined[i]), i % 251) << "payload byte " << i;
  }
  EXPECT_EQ(a_->stats().tx_packets, 1u);
  EXPECT_EQ(b_->stats().rx_packets, 4u);
}

TEST_F(tap_offload_test, a_bad_offload_is_refused) {
  buf f = ipv4_frame(b_->mac(), a_->mac(), 17, 8);
  tx_offload outside;
  outside.checksum = true;
  outside.csum_start = static_cast<std::uint16_t>(f.size() - 1);
  outside.csum_offset = 0;
  auto sent = run(send(*a_, bufs(f), outside));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code(), errc::invalid_argument);
  tx_offload gso_without_checksum;
  gso_without_checksum.gso = gso_type::tcpv4;
  gso_without_checksum.gso_size = 500;
  gso_without_checksum.hdr_len = 54;
  auto refused = run(send(*a_, bufs(f), gso_without_checksum));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), errc::invalid_argument);
  EXPECT_EQ(a_->stats().tx_packets, 0u);
}

}  // namespace
}  // namespace atl::unix_target
