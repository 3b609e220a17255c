// IPv6: Linux's packets, the extension header walker and its limits.
#include "net_test.hpp"
#include <atoll/net/wire/ipv6.hpp>

namespace atl::net {
namespace {

using namespace testing;

// An IPv6 packet from fd09::1 to fd09::2 whose payload is `ext` followed by
// an 8-byte UDP header (checksums do not matter to the walker).
bytes_vec packet_with(std::uint8_t first, const bytes_vec& ext) {
  ipv6_repr r;
  r.src = *ipv6_addr::parse("fd09::1");
  r.dst = *ipv6_addr::parse("fd09::2");
  r.next_header = static_cast<ip_protocol>(first);
  r.payload_len = static_cast<std::uint16_t>(ext.size() + 8);
  bytes_vec out(40);
  r.emit(out);
  out.insert(out.end(), ext.begin(), ext.end());
  out.resize(out.size() + 8);
  return out;
}

TEST(ipv6, linux_packets) {
  const auto v = ipv6_view::checked(l3(bytes(pkt::ipv6_tcp_syn)));
  ASSERT_TRUE(v.has_value());
  const auto r = ipv6_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->src.text().view(), "fd09::1");
  EXPECT_EQ(r->dst.text().view(), "fd09::2");
  EXPECT_EQ(r->next_header, ip_protocol::tcp);
  EXPECT_EQ(r->payload_len, 40);
  EXPECT_EQ(r->hop_limit, 64);
  for (const auto frame : {bytes(pkt::ipv6_tcp_syn), bytes(pkt::ipv6_udp), bytes(pkt::ndp_ns),
                           bytes(pkt::ipv6_frag_first), bytes(pkt::ipv6_hbh_mld_report)}) {
    const auto packet = l3(frame);
    const auto parsed = ipv6_repr::parse(*ipv6_view::checked(packet));
    ASSERT_TRUE(parsed.has_value());
    bytes_vec out(ipv6_repr::buffer_len());
    parsed->emit(out);
    EXPECT_EQ(out, copy(packet.first(40)));
  }
  const auto upper = walk_extensions(*v);
  ASSERT_TRUE(upper.has_value());
  EXPECT_EQ(upper->protocol, ip_protocol::tcp);
  EXPECT_EQ(upper->offset, 0U);
  EXPECT_EQ(upper->headers, 0U);
}

TEST(ipv6, hop_by_hop_router_alert) {
  // Linux's MLDv2 report: hop-by-hop with a router alert and PadN, then ICMPv6.
  const auto v = ipv6_view::checked(l3(bytes(pkt::ipv6_hbh_mld_report)));
  const auto upper = walk_extensions(*v);
  ASSERT_TRUE(upper.has_value());
  EXPECT_EQ(upper->protocol, ip_protocol::icmpv6);
  EXPECT_EQ(upper->offset, 8U);
  EXPECT_EQ(upper->headers, 1U);
}

TEST(ipv6, extension_chain) {
  const auto v = ipv6_view::checked(l3(bytes(pkt::ipv6_ext_chain)));
  const auto upper = walk_extensions(*v);
  ASSERT_TRUE(upper.has_value());
  EXPECT_EQ(upper->protocol, ip_protocol::udp);
  EXPECT_EQ(upper->offset, 40U);  // 8 + 8 + 24
  EXPECT_EQ(upper->headers, 3U);
  EXPECT_FALSE(upper->fragment.has_value());
  // With a limit of two headers it is refused.
  const auto limited = walk_extensions(*v, ipv6_ext_limits{2, 512});
  ASSERT_FALSE(limited.has_value());
  EXPECT_EQ(limited.error().code(), errc::limit_exceeded);
  const auto short_bytes = walk_extensions(*v, ipv6_ext_limits{8, 32});
  EXPECT_EQ(short_bytes.error().code(), errc::limit_exceeded);
}

TEST(ipv6, fragments) {
  const auto first = walk_extensions(*ipv6_view::checked(l3(bytes(pkt::ipv6_frag_first))));
  const auto middle = walk_extensions(*ipv6_view::checked(l3(bytes(pkt::ipv6_frag_middle))));
  const auto last = walk_extensions(*ipv6_view::checked(l3(bytes(pkt::ipv6_frag_last))));
  ASSERT_TRUE(first && middle && last);
  ASSERT_TRUE(first->fragment && middle->fragment && last->fragment);
  EXPECT_EQ(first->protocol, ip_protocol::udp);
  EXPECT_EQ(first->offset, 8U);
  EXPECT_EQ(first->fragment->offset, 0U);
  EXPECT_TRUE(first->fragment->more);
  EXPECT_TRUE(middle->fragment->more);
  EXPECT_FALSE(last->fragment->more);
  EXPECT_EQ(first->fragment->ident, last->fragment->ident);
  EXPECT_GT(last->fragment->offset, middle->fragment->offset);
}

TEST(ipv6, malformed_fixed_header) {
  const auto base = copy(l3(bytes(pkt::ipv6_udp)));
  for (std::size_t n = 0; n < base.size(); ++n) {
    const auto v = ipv6_view::checked(std::span(base).first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  auto version = base;
  set_u8(version, 0, 0x40);
  EXPECT_EQ(ipv6_repr::parse(*ipv6_view::checked(version)).error().code(), errc::corrupt);
  auto padded = base;
  padded.resize(base.size() + 6);
  EXPECT_EQ(ipv6_view::checked(padded)->bytes().size(), base.size());
  const auto cut = ipv6_view::checked_header(std::span(base).first(44));
  ASSERT_TRUE(cut.has_value());
  EXPECT_TRUE(cut->truncated());
  EXPECT_EQ(ipv6_view::checked_header(std::span(base).first(39)).error().code(), errc::corrupt);
}

TEST(ipv6, endless_extension_headers) {
  // Destination options headers, each pointing to the next: 100 of them.
  bytes_vec ext;
  for (int i = 0; i < 100; ++i) {
    const bytes_vec h = {std::byte{60}, std::byte{0}, std::byte{1}, std::byte{4},
                         std::byte{0},  std::byte{0}, std::byte{0}, std::byte{0}};
    ext.insert(ext.end(), h.begin(), h.end());
  }
  set_u8(ext, ext.size() - 8, 17);
  const auto p = packet_with(60, ext);
  const auto r = walk_extensions(*ipv6_view::checked(p));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::limit_exceeded);
  // Generous limits walk them all.
  const auto all = walk_extensions(*ipv6_view::checked(p), ipv6_ext_limits{100, 800});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->protocol, ip_protocol::udp);
  EXPECT_EQ(all->offset, 800U);
  // Hop-by-hop options with a length of zero (8 bytes) chained to itself:
  // the second hop-by-hop is an error, not a loop.
  const auto hbh = packet_with(0, hex("00 00 01 04 00 00 00 00  00 00 01 04 00 00 00 00"));
  EXPECT_EQ(walk_extensions(*ipv6_view::checked(hbh)).error().code(), errc::corrupt);
}

TEST(ipv6, malformed_extension_headers) {
  const struct {
    std::uint8_t first;
    const char* ext;
    errc code;
    const char* why;
  } cases[] = {
      {60, "11 02 01 04 00 00 00 00", errc::corrupt, "header longer than the payload"},
      {60, "11 00 01 05 00 00 00 00", errc::corrupt, "option past its header"},
      {60, "11 00 00 00 00 00 00 05", errc::corrupt, "option without its length byte"},
      {60, "11 00 c2 04 00 01 00 00", errc::unsupported, "jumbo payload (type 11xxxxxx)"},
      {60, "11 00 47 04 00 00 00 00", errc::unsupported, "unknown option, type 01xxxxxx"},
      {0, "3c 00 01 04 00 00 00 00  00 00 01 04 00 00 00 00", errc::corrupt,
       "hop-by-hop after destination options"},
      {43, "11 00 00 01 00 00 00 00", errc::unsupported, "routing type 0 with a segment left"},
      {44, "11 00 00 01 00 00 00 07", errc::corrupt, "fragment of 8 + 8 bytes, more, but..."},
  };
  for (const auto& c : cases) {
    auto ext = hex(c.ext);
    const auto p = packet_with(c.first, ext);
    const auto r = walk_extensions(*ipv6_view::checked(p));
    if (c.first == 44) {
      // The fragment's 8 data bytes are a multiple of 8: fine. Cut one off.
      ASSERT_TRUE(r.has_value()) << c.why;
      auto cut = p;
      cut.pop_back();
      set_u16(cut, 4, static_cast<std::uint16_t>(cut.size() - 40));
      const auto bad = walk_extensions(*ipv6_view::checked(cut));
      ASSERT_FALSE(bad.has_value());
      EXPECT_EQ(bad.error().code(), errc::corrupt);
      continue;
    }
    ASSERT_FALSE(r.has_value()) << c.why;
    EXPECT_EQ(r.error().code(), c.code) << c.why;
  }
  // An extension header cut short by the payload.
  auto cut = packet_with(60, hex("11 00 01 04 00 00 00 00"));
  cut.resize(40 + 4);
  set_u16(cut, 4, 4);
  EXPECT_EQ(walk_extensions(*ipv6_view::checked(cut)).error().code(), errc::corrupt);
  // A routing header with no segments left is skipped.
  const auto rt = packet_with(43, hex("11 00 04 00 00 00 00 00"));
  EXPECT_EQ(walk_extensions(*ipv6_view::checked(rt))->protocol, ip_protocol::udp);
  // "No next header" is returned as it is.
  const auto none = packet_with(59, {});
  EXPECT_EQ(walk_extensions(*ipv6_view::checked(none))->protocol, ip_protocol::ipv6_no_next);
}

TEST(ipv6, round_trip) {
  ipv6_repr r;
  r.src = *ipv6_addr::parse("2001:db8::1");
  r.dst = *ipv6_addr::parse("ff02::1:ff00:1");
  r.next_header = ip_protocol::icmpv6;
  r.payload_len = 0;
  r.hop_limit = 255;
  r.traffic_class = 0xb8;
  r.flow_label = 0xabcde;
  bytes_vec out(ipv6_repr::buffer_len());
  r.emit(out);
  EXPECT_EQ(*ipv6_repr::parse(*ipv6_view::checked(out)), r);
}

}  // namespace
}  // namespace atl::net
