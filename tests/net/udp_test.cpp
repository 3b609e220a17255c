// UDP: Linux's datagrams over IPv4 and IPv6, the zero-checksum rules,
// scattered payloads, offload, malformed lengths.
#include "net_test.hpp"
#include <atoll/net/wire/udp.hpp>

namespace atl::net {
namespace {

using namespace testing;

TEST(udp, linux_datagrams) {
  for (const auto frame : {bytes(pkt::ipv4_udp), bytes(pkt::ipv6_udp), bytes(pkt::vlan_udp),
                           bytes(pkt::ipv6_ext_chain), bytes(pkt::dhcp_offer)}) {
    const auto d = l4(frame);
    const auto v = udp_view::checked(d.bytes);
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->checksum_ok(d.ips()));
    const auto r = udp_repr::parse(*v, d.ips());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->payload_len, d.bytes.size() - 8);
    bytes_vec out(udp_repr::buffer_len());
    r->emit(out, d.ips(), v->payload());
    EXPECT_EQ(out, copy(d.bytes.first(8)));
  }
  const auto d = l4(bytes(pkt::ipv4_udp));
  const auto r = udp_repr::parse(*udp_view::checked(d.bytes), d.ips());
  EXPECT_EQ(r->dst_port, port(9));
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(d.bytes.data() + 8), r->payload_len),
            "nobody listens here");
}

TEST(udp, zero_checksum) {
  const auto d4 = l4(bytes(pkt::ipv4_udp));
  auto none = copy(d4.bytes);
  set_u16(none, 6, 0);  // "no checksum" is allowed over IPv4 ...
  EXPECT_TRUE(udp_repr::parse(*udp_view::checked(none), d4.ips()).has_value());
  const auto d6 = l4(bytes(pkt::ipv6_udp));
  auto none6 = copy(d6.bytes);
  set_u16(none6, 6, 0);  // ... not over IPv6, whatever the policy
  EXPECT_EQ(udp_repr::parse(*udp_view::checked(none6), d6.ips()).error().code(), errc::corrupt);
  EXPECT_EQ(
      udp_repr::parse(*udp_view::checked(none6), d6.ips(), checksum_policy::ignore).error().code(),
      errc::corrupt);
  // A computed checksum of 0 is sent as 0xffff. Find a 2-byte payload that makes it 0.
  const ip_pair ips(ipv4_addr(10, 0, 0, 1), ipv4_addr(10, 0, 0, 2));
  udp_repr r;
  r.src_port = port(1);
  r.dst_port = port(2);
  r.payload_len = 2;
  bytes_vec header(8);
  r.emit_partial(header, ips);
  const std::uint16_t partial = ones_sum(header);
  const auto fill = static_cast<std::uint16_t>(~partial);  // header + fill sums to 0xffff
  const bytes_vec payload = {static_cast<std::byte>(fill >> 8), static_cast<std::byte>(fill)};
  r.emit(header, ips, payload);
  EXPECT_EQ(wire::get_u16(header, 6), 0xffff);
  bytes_vec whole = header;
  whole.insert(whole.end(), payload.begin(), payload.end());
  EXPECT_TRUE(udp_view::checked(whole)->checksum_ok(ips));
}

TEST(udp, scattered_payload_and_offload) {
  const auto d = l4(bytes(pkt::ipv6_udp));
  const auto v = *udp_view::checked(d.bytes);
  const auto r = *udp_repr::parse(v, d.ips());
  const auto payload = v.payload();
  // The payload in three pieces of odd lengths.
  checksum_accumulator sum;
  sum.add(payload.first(3));
  sum.add(payload.subspan(3, 8));
  sum.add(payload.subspan(11));
  bytes_vec out(8);
  r.emit(out, d.ips(), sum.sum());
  EXPECT_EQ(out, copy(d.bytes.first(8)));
  // Offload: the device adds header and payload to the pseudo-header sum.
  r.emit_partial(out, d.ips());
  checksum_accumulator device;
  device.add(out);
  device.add(payload);
  const std::uint16_t finished = device.checksum();
  set_u16(out, 6, finished);
  EXPECT_EQ(out, copy(d.bytes.first(8)));
}

TEST(udp, malformed) {
  const auto d = l4(bytes(pkt::ipv4_udp));
  const auto base = copy(d.bytes);
  for (std::size_t n = 0; n < 8; ++n) {
    EXPECT_EQ(udp_view::checked(std::span(base).first(n)).error().code(), errc::corrupt) << n;
  }
  for (std::size_t n = 8; n < base.size(); ++n) {  // length field past the bytes
    EXPECT_EQ(udp_view::checked(std::span(base).first(n)).error().code(), errc::corrupt) << n;
  }
  for (const std::uint16_t length : {0, 1, 7}) {
    auto p = base;
    set_u16(p, 4, length);
    EXPECT_EQ(udp_view::checked(p).error().code(), errc::corrupt) << length;
  }
  auto shorter = base;  // a length below the bytes: the rest is not the datagram's
  set_u16(shorter, 4, 8);
  EXPECT_EQ(udp_view::checked(shorter)->payload().size(), 0U);
  auto flipped = base;
  set_u8(flipped, 9, u8(flipped, 9) ^ 0x40);
  EXPECT_EQ(udp_repr::parse(*udp_view::checked(flipped), d.ips()).error().code(), errc::corrupt);
  EXPECT_TRUE(udp_repr::parse(*udp_view::checked(flipped), d.ips(), checksum_policy::ignore));
  // The wrong addresses fail the checksum too.
  const ip_pair wrong(ipv4_addr(10, 9, 0, 1), ipv4_addr(10, 9, 0, 3));
  EXPECT_EQ(udp_repr::parse(*udp_view::checked(base), wrong).error().code(), errc::corrupt);
}

}  // namespace
}  // namespace atl::net
