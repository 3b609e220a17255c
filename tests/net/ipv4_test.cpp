// IPv4 headers: Linux's packets, fragments, options, and every malformed case.
#include "net_test.hpp"
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/options.hpp>

namespace atl::net {
namespace {

using namespace testing;

// Sets the header checksum of a mutated header right again.
void fix_checksum(bytes_vec& packet) {
  const std::size_t ihl = std::size_t{u8(packet, 0) & 0x0fU} * 4U;
  set_u16(packet, 10, 0);
  set_u16(packet, 10, internet_checksum(std::span(packet).first(ihl)));
}

TEST(ipv4, linux_packets) {
  const auto v = ipv4_view::checked(l3(bytes(pkt::ipv4_tcp_syn)));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version(), 4);
  EXPECT_EQ(v->header_len(), 20U);
  EXPECT_EQ(v->total_len(), 60);
  EXPECT_TRUE(v->dont_fragment());
  EXPECT_TRUE(v->checksum_ok());
  EXPECT_EQ(v->payload().size(), 40U);
  const auto r = ipv4_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->src, ipv4_addr(10, 9, 0, 1));
  EXPECT_EQ(r->dst, ipv4_addr(10, 9, 0, 2));
  EXPECT_EQ(r->protocol, ip_protocol::tcp);
  EXPECT_EQ(r->ttl, 64);
  EXPECT_EQ(r->payload_len, 40);
  // Emitting the repr gives Linux's header, checksum included.
  for (const auto frame :
       {bytes(pkt::ipv4_tcp_syn), bytes(pkt::ipv4_udp), bytes(pkt::icmpv4_echo_reply),
        bytes(pkt::icmpv4_port_unreachable), bytes(pkt::ipv4_frag_middle)}) {
    const auto packet = l3(frame);
    const auto parsed = ipv4_repr::parse(*ipv4_view::checked(packet));
    ASSERT_TRUE(parsed.has_value());
    bytes_vec out(ipv4_repr::buffer_len());
    parsed->emit(out);
    EXPECT_EQ(out, copy(packet.first(20)));
  }
}

TEST(ipv4, fragments) {
  const auto first = ipv4_repr::parse(*ipv4_view::checked(l3(bytes(pkt::ipv4_frag_first))));
  const auto middle = ipv4_repr::parse(*ipv4_view::checked(l3(bytes(pkt::ipv4_frag_middle))));
  const auto last = ipv4_repr::parse(*ipv4_view::checked(l3(bytes(pkt::ipv4_frag_last))));
  ASSERT_TRUE(first && middle && last);
  EXPECT_TRUE(first->more_fragments);
  EXPECT_EQ(first->fragment_offset, 0U);
  EXPECT_EQ(middle->fragment_offset, first->payload_len);
  EXPECT_EQ(last->fragment_offset, first->payload_len + middle->payload_len);
  EXPECT_FALSE(last->more_fragments);
  EXPECT_EQ(first->ident, last->ident);
  // 3072 bytes of data and an 8-byte UDP header.
  EXPECT_EQ(last->fragment_offset + last->payload_len, 3080U);
}

TEST(ipv4, options_are_walked_and_skipped) {
  const auto v = ipv4_view::checked(l3(bytes(pkt::ipv4_options)));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->header_len(), 28U);
  EXPECT_EQ(v->options().size(), 8U);
  option_walker walker(v->options());
  const auto alert = walker.next();
  ASSERT_TRUE(alert.has_value() && alert->has_value());
  EXPECT_EQ((*alert)->kind, 148);
  EXPECT_EQ((*alert)->data.size(), 2U);
  EXPECT_FALSE(walker.next()->has_value());  // NOP NOP EOL
  const auto r = ipv4_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->payload_len, v->total_len() - 28);
  // The repr is emitted without options and parses back equal.
  bytes_vec out(ipv4_repr::buffer_len());
  r->emit(out);
  EXPECT_EQ(out.size(), 20U);
  const auto header_only = ipv4_view::checked_header(out);
  EXPECT_EQ(*ipv4_repr::parse(*header_only), *r);
}

TEST(ipv4, malformed_options) {
  const auto base = copy(l3(bytes(pkt::ipv4_options)));
  const struct {
    std::uint8_t b[4];
    const char* why;
  } cases[] = {
      {{7, 0, 0, 0}, "length 0"},
      {{7, 1, 0, 0}, "length 1"},
      {{148, 9, 0, 0}, "past the header"},
      {{1, 1, 1, 68}, "no length byte at the end"},
  };
  for (const auto& c : cases) {
    auto p = base;
    // Options start at 20; the second word (24..27) is NOP NOP NOP EOL; put
    // the case at 24 so an overrun goes past the 28-byte header.
    for (std::size_t i = 0; i < 4; ++i) set_u8(p, 24 + i, c.b[i]);
    set_u8(p, 20, 1);
    set_u8(p, 21, 1);
    set_u8(p, 22, 1);
    set_u8(p, 23, 1);
    fix_checksum(p);
    const auto r = ipv4_repr::parse(*ipv4_view::checked(p));
    ASSERT_FALSE(r.has_value()) << c.why;
    EXPECT_EQ(r.error().code(), errc::corrupt) << c.why;
  }
}

TEST(ipv4, malformed_lengths) {
  const auto base = copy(l3(bytes(pkt::ipv4_udp)));
  for (std::size_t n = 0; n < 20; ++n) {
    const auto v = ipv4_view::checked(std::span(base).first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  // Truncated anywhere in the payload: the total length exceeds the bytes.
  for (std::size_t n = 20; n < base.size(); ++n) {
    const auto v = ipv4_view::checked(std::span(base).first(n));
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error().code(), errc::corrupt);
  }
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {  // IHL below 5
    auto p = base;
    set_u8(p, 0, static_cast<std::uint8_t>(0x40 | ihl));
    EXPECT_EQ(ipv4_view::checked(p).error().code(), errc::corrupt) << int{ihl};
  }
  auto long_header = copy(std::span(base).first(24));  // IHL 15 in 24 bytes
  set_u8(long_header, 0, 0x4f);
  EXPECT_EQ(ipv4_view::checked(long_header).error().code(), errc::corrupt);
  auto short_total = base;
  set_u16(short_total, 2, 19);  // total below the header
  EXPECT_EQ(ipv4_view::checked(short_total).error().code(), errc::corrupt);
  EXPECT_EQ(ipv4_view::checked_header(short_total).error().code(), errc::corrupt);
  // Link padding after the total length is not part of the packet.
  auto padded = base;
  padded.resize(base.size() + 20);
  const auto v = ipv4_view::checked(padded);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->bytes().size(), base.size());
  // checked_header accepts a cut payload and says so.
  const auto cut = ipv4_view::checked_header(std::span(base).first(30));
  ASSERT_TRUE(cut.has_value());
  EXPECT_TRUE(cut->truncated());
  EXPECT_EQ(cut->payload().size(), 10U);
}

TEST(ipv4, semantic_errors) {
  const auto base = copy(l3(bytes(pkt::ipv4_udp)));
  auto version = base;
  set_u8(version, 0, 0x65);
  fix_checksum(version);
  EXPECT_EQ(ipv4_repr::parse(*ipv4_view::checked(version)).error().code(), errc::corrupt);
  auto checksum = base;
  set_u8(checksum, 8, 63);  // TTL changed, checksum not
  EXPECT_EQ(ipv4_repr::parse(*ipv4_view::checked(checksum)).error().code(), errc::corrupt);
  EXPECT_TRUE(ipv4_repr::parse(*ipv4_view::checked(checksum), checksum_policy::ignore));
  // A non-final fragment whose length is not a multiple of 8 (the datagram is 47 bytes).
  auto odd_fragment = base;
  set_u16(odd_fragment, 6, 0x2000);
  fix_checksum(odd_fragment);
  EXPECT_EQ(ipv4_repr::parse(*ipv4_view::checked(odd_fragment)).error().code(), errc::corrupt);
  // A fragment ending past 65535 ("ping of death").
  auto too_far = base;
  set_u16(too_far, 6, 0x1fff);
  fix_checksum(too_far);
  EXPECT_EQ(ipv4_repr::parse(*ipv4_view::checked(too_far)).error().code(), errc::corrupt);
  // The reserved flag is ignored.
  auto evil = base;
  set_u8(evil, 6, static_cast<std::uint8_t>(u8(evil, 6) | 0x80));
  fix_checksum(evil);
  EXPECT_TRUE(ipv4_repr::parse(*ipv4_view::checked(evil)).has_value());
}

TEST(ipv4, round_trip) {
  ipv4_repr r;
  r.src = ipv4_addr(192, 0, 2, 1);
  r.dst = ipv4_addr(198, 51, 100, 7);
  r.protocol = ip_protocol::tcp;
  r.payload_len = 1480;
  r.ttl = 1;
  r.dscp = 46;
  r.ecn = 2;
  r.ident = 0xbeef;
  r.more_fragments = true;
  r.fragment_offset = 2960;
  bytes_vec out(ipv4_repr::buffer_len() + r.payload_len);
  r.emit(std::span(out).first(ipv4_repr::buffer_len()));
  const auto v = ipv4_view::checked(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*ipv4_repr::parse(*v), r);
}

}  // namespace
}  // namespace atl::net
