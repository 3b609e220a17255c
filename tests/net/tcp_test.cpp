// TCP: Linux's handshake and data over IPv4 and IPv6 (emitted byte for byte,
// options in Linux's layout), SACK, option layouts, malformed options.
#include "net_test.hpp"
#include <atoll/net/wire/tcp.hpp>

namespace atl::net {
namespace {

using namespace testing;

tcp_repr parse_ok(const l4_of& seg) {
  const auto v = tcp_view::checked(seg.bytes);
  EXPECT_TRUE(v.has_value());
  const auto r = tcp_repr::parse(*v, seg.ips());
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return *r;
}

TEST(tcp, linux_handshake) {
  const auto syn_seg = l4(bytes(pkt::ipv4_tcp_syn));
  const auto syn = parse_ok(syn_seg);
  EXPECT_EQ(syn.flags, tcp_flags(tcp_flags::syn));
  EXPECT_EQ(syn.dst_port, port(7777));
  EXPECT_EQ(syn.mss, 1460);
  EXPECT_TRUE(syn.sack_permitted);
  ASSERT_TRUE(syn.timestamps.has_value());
  EXPECT_EQ(syn.timestamps->echo, 0U);
  EXPECT_EQ(syn.window_scale, 10);
  EXPECT_EQ(syn.payload_len, 0);

  const auto synack_seg = l4(bytes(pkt::ipv4_tcp_synack));
  const auto synack = parse_ok(synack_seg);
  EXPECT_TRUE(synack.flags.has(tcp_flags::syn | tcp_flags::ack));
  EXPECT_EQ(synack.ack, syn.seq + 1);
  EXPECT_EQ(synack.timestamps->echo, syn.timestamps->value);

  const auto data = parse_ok(l4(bytes(pkt::ipv4_tcp_data)));
  EXPECT_TRUE(data.flags.has(tcp_flags::psh | tcp_flags::ack));
  EXPECT_EQ(data.payload_len, 11);
  EXPECT_FALSE(data.mss.has_value());
  EXPECT_TRUE(data.timestamps.has_value());
  const auto fin = parse_ok(l4(bytes(pkt::ipv4_tcp_fin)));
  EXPECT_TRUE(fin.flags.has(tcp_flags::fin));

  const auto syn6 = parse_ok(l4(bytes(pkt::ipv6_tcp_syn)));
  EXPECT_EQ(syn6.mss, 1440);
}

TEST(tcp, emits_linux_bytes) {
  for (const auto frame :
       {bytes(pkt::ipv4_tcp_syn), bytes(pkt::ipv4_tcp_synack), bytes(pkt::ipv4_tcp_data),
        bytes(pkt::ipv4_tcp_fin), bytes(pkt::ipv6_tcp_syn), bytes(pkt::ipv6_tcp_synack),
        bytes(pkt::ipv6_tcp_data), bytes(pkt::ipv6_tcp_fin), bytes(pkt::ipv4_tcp_sack)}) {
    const auto seg = l4(frame);
    const auto r = parse_ok(seg);
    const auto v = *tcp_view::checked(seg.bytes);
    ASSERT_EQ(r.buffer_len(), v.header_len());
    bytes_vec out(r.buffer_len());
    r.emit(out, seg.ips(), v.payload());
    EXPECT_EQ(out, copy(seg.bytes.first(v.header_len())));
  }
}

TEST(tcp, sack_blocks) {
  const auto r = parse_ok(l4(bytes(pkt::ipv4_tcp_sack)));
  ASSERT_EQ(r.sack_count, 3);
  EXPECT_EQ(r.sack_blocks()[0], (sack_block{100, 200}));
  EXPECT_EQ(r.sack_blocks()[2], (sack_block{500, 600}));
  EXPECT_EQ(r.timestamps, (tcp_timestamps{1000, 2000}));
}

TEST(tcp, option_layouts) {
  const ip_pair ips(ipv4_addr(10, 0, 0, 1), ipv4_addr(10, 0, 0, 2));
  const auto round_trip = [&](const tcp_repr& r) {
    bytes_vec out(r.buffer_len());
    r.emit(out, ips, std::span<const std::byte>());
    const auto back = tcp_repr::parse(*tcp_view::checked(out), ips);
    EXPECT_TRUE(back.has_value());
    return *back;
  };
  tcp_repr r;
  r.flags = tcp_flags(tcp_flags::ack);
  r.sack_count = 4;
  for (std::uint32_t i = 0; i < 4; ++i) r.sack[i] = {i * 10, i * 10 + 5};
  EXPECT_EQ(r.options_len(), 36U);  // NOP NOP SACK(34)
  EXPECT_EQ(round_trip(r), r);
  r.timestamps = tcp_timestamps{1, 2};
  EXPECT_EQ(r.sack_blocks_sent(), 3U);  // 12 + 4 + 24 = 40
  EXPECT_EQ(r.options_len(), 40U);
  auto sent = r;
  sent.sack_count = 3;
  EXPECT_EQ(round_trip(r), sent);
  // MSS, SACK-permitted and four blocks fit only packed (4 + 2 + 34 = 40).
  tcp_repr p;
  p.mss = 1400;
  p.sack_permitted = true;
  p.sack_count = 4;
  EXPECT_EQ(p.sack_blocks_sent(), 4U);
  EXPECT_EQ(p.options_len(), 40U);
  EXPECT_EQ(round_trip(p), p);
  // Everything a SYN carries, plus window scale.
  tcp_repr s;
  s.flags = tcp_flags(tcp_flags::syn);
  s.mss = 1460;
  s.sack_permitted = true;
  s.timestamps = tcp_timestamps{7, 0};
  s.window_scale = 14;
  s.window = 65535;
  s.seq = 0xfffffff0;
  EXPECT_EQ(s.options_len(), 20U);
  EXPECT_EQ(round_trip(s), s);
  tcp_repr bare;
  EXPECT_EQ(bare.buffer_len(), 20U);
  EXPECT_EQ(round_trip(bare), bare);
}

TEST(tcp, malformed) {
  const auto seg = l4(bytes(pkt::ipv4_tcp_syn));
  const auto base = copy(seg.bytes);  // options: MSS SACKP TS NOP WS
  const auto ips = seg.ips();
  for (std::size_t n = 0; n < 40; ++n) {
    EXPECT_EQ(tcp_view::checked(std::span(base).first(n)).error().code(), errc::corrupt) << n;
  }
  for (std::uint8_t off = 0; off < 5; ++off) {
    auto p = base;
    set_u8(p, 12, static_cast<std::uint8_t>(off << 4));
    EXPECT_EQ(tcp_view::checked(p).error().code(), errc::corrupt) << int{off};
  }
  const auto parse = [&](const bytes_vec& p) {
    return tcp_repr::parse(*tcp_view::checked(p), ips, checksum_policy::ignore);
  };
  const struct {
    std::size_t at;
    std::uint8_t b[4];
    const char* why;
  } cases[] = {
      {20, {2, 0, 0, 0}, "an option of length 0"},
      {20, {2, 1, 0, 0}, "an option of length 1"},
      {20, {99, 0, 0, 0}, "an unknown option of length 0"},
      {36, {1, 1, 1, 99}, "an unknown option without its length byte"},
      {36, {1, 1, 3, 5}, "window scale running past the header"},
      {20, {2, 3, 5, 0}, "MSS of length 3"},
      {36, {1, 3, 4, 7}, "window scale of length 4"},
      {20, {1, 1, 4, 3}, "SACK-permitted of length 3"},
      {24, {8, 9, 0, 0}, "timestamps of length 9"},
      {20, {5, 2, 1, 1}, "SACK without blocks"},
      {24, {5, 11, 0, 0}, "SACK of 11 bytes"},
  };
  for (const auto& c : cases) {
    auto p = base;
    for (std::size_t i = 0; i < 4; ++i) set_u8(p, c.at + i, c.b[i]);
    const auto r = parse(p);
    ASSERT_FALSE(r.has_value()) << c.why;
    EXPECT_EQ(r.error().code(), errc::corrupt) << c.why;
  }
  // An unknown option with a valid length is skipped; EOL ends the list.
  auto unknown = base;
  set_u8(unknown, 20, 30);  // MSS becomes kind 30, length 4
  EXPECT_FALSE(parse(unknown)->mss.has_value());
  EXPECT_TRUE(parse(unknown)->sack_permitted);
  auto eol = base;
  set_u8(eol, 24, 0);  // EOL before timestamps
  EXPECT_FALSE(parse(eol)->timestamps.has_value());
  EXPECT_EQ(parse(eol)->mss, 1460);
  // A window scale above 14 is taken as 14 (RFC 7323 section 2.3).
  auto big_scale = base;
  set_u8(big_scale, 39, 15);
  EXPECT_EQ(parse(big_scale)->window_scale, 14);
  // The checksum.
  auto flipped = base;
  set_u8(flipped, 4, u8(flipped, 4) ^ 1);
  EXPECT_EQ(tcp_repr::parse(*tcp_view::checked(flipped), ips).error().code(), errc::corrupt);
  // A zero checksum is not special in TCP.
  auto zero = base;
  set_u16(zero, 16, 0);
  EXPECT_EQ(tcp_repr::parse(*tcp_view::checked(zero), ips).error().code(), errc::corrupt);
}

}  // namespace
}  // namespace atl::net
