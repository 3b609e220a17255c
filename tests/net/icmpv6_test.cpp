// ICMPv6 echo and errors: Linux's messages, "packet too big", malformed ones.
#include "net_test.hpp"
#include <atoll/net/wire/icmpv6.hpp>

namespace atl::net {
namespace {

using namespace testing;

TEST(icmpv6, linux_echo) {
  const auto request = l4(bytes(pkt::icmpv6_echo_request));
  const auto v = icmpv6_view::checked(request.bytes);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->checksum_ok(request.ips()));
  const auto r = icmpv6_repr::parse(*v, request.ips());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, icmpv6_type::echo_request);
  EXPECT_EQ(r->ident, 0x4321);
  EXPECT_EQ(r->seq, 1);
  const auto reply = l4(bytes(pkt::icmpv6_echo_reply));
  const auto made = icmpv6_repr::echo_reply(r->ident, r->seq, r->data);
  bytes_vec out(made.buffer_len());
  made.emit(out, reply.ips());
  EXPECT_EQ(out, copy(reply.bytes));
  // The checksum covers the addresses.
  const ip_pair other(*ipv6_addr::parse("fd09::1"), *ipv6_addr::parse("fd09::3"));
  EXPECT_FALSE(icmpv6_view::checked(reply.bytes)->checksum_ok(other));
  EXPECT_EQ(icmpv6_repr::parse(*icmpv6_view::checked(reply.bytes), other).error().code(),
            errc::corrupt);
}

TEST(icmpv6, linux_port_unreachable) {
  for (const auto frame :
       {bytes(pkt::icmpv6_port_unreachable), bytes(pkt::icmpv6_port_unreachable_1280)}) {
    const auto msg = l4(frame);
    const auto r = icmpv6_repr::parse(*icmpv6_view::checked(msg.bytes), msg.ips());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->type, icmpv6_type::dest_unreachable);
    EXPECT_EQ(r->code, 4);  // port unreachable
    const auto invoking = r->invoking();
    ASSERT_TRUE(invoking.has_value());
    EXPECT_EQ(invoking->header.dst.text().view(), "fd09::2");
    bytes_vec out(r->buffer_len());
    r->emit(out, msg.ips());
    EXPECT_EQ(out, copy(msg.bytes));
  }
  // Linux keeps the error within the minimum MTU, as RFC 4443 says.
  EXPECT_EQ(l3(bytes(pkt::icmpv6_port_unreachable_1280)).size(), 1280U);
  const auto big = l4(bytes(pkt::icmpv6_port_unreachable_1280));
  EXPECT_EQ(big.bytes.size(), 8 + icmpv6_repr::max_invoking_len);
  const auto r = icmpv6_repr::parse(*icmpv6_view::checked(big.bytes), big.ips());
  EXPECT_TRUE(ipv6_view::checked_header(r->data)->truncated());
}

TEST(icmpv6, packet_too_big) {
  const auto msg = l4(bytes(pkt::icmpv6_packet_too_big));
  const auto r = icmpv6_repr::parse(*icmpv6_view::checked(msg.bytes), msg.ips());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, icmpv6_type::packet_too_big);
  EXPECT_EQ(r->mtu, 1280U);
  EXPECT_EQ(r->invoking()->header.next_header, ip_protocol::udp);
  const auto made = icmpv6_repr::packet_too_big(1280, r->data);
  bytes_vec out(made.buffer_len());
  made.emit(out, msg.ips());
  EXPECT_EQ(out, copy(msg.bytes));
}

TEST(icmpv6, factories_and_round_trip) {
  bytes_vec invoking(3000);
  ipv6_repr ip;
  ip.payload_len = 2960;
  ip.emit(std::span(invoking).first(40));
  const ip_pair ips(*ipv6_addr::parse("fd09::fe"), *ipv6_addr::parse("fd09::1"));
  for (const auto& r :
       {icmpv6_repr::dest_unreachable(1, invoking), icmpv6_repr::time_exceeded(0, invoking),
        icmpv6_repr::parameter_problem(0, 6, invoking), icmpv6_repr::packet_too_big(1400, invoking),
        icmpv6_repr::echo_request(7, 8, std::span(invoking).first(56))}) {
    EXPECT_LE(r.buffer_len(), 1240U);
    bytes_vec out(r.buffer_len());
    r.emit(out, ips);
    const auto back = icmpv6_repr::parse(*icmpv6_view::checked(out), ips);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, r);
  }
}

TEST(icmpv6, malformed) {
  const auto echo = l4(bytes(pkt::icmpv6_echo_request));
  const auto ips = echo.ips();
  const auto policy = checksum_policy::ignore;
  for (std::size_t n = 0; n < 8; ++n) {
    EXPECT_EQ(icmpv6_view::checked(echo.bytes.first(n)).error().code(), errc::corrupt) << n;
  }
  auto code = copy(echo.bytes);
  set_u8(code, 1, 3);
  EXPECT_EQ(icmpv6_repr::parse(*icmpv6_view::checked(code), ips, policy).error().code(),
            errc::corrupt);
  auto mld = copy(echo.bytes);
  set_u8(mld, 0, 143);
  EXPECT_EQ(icmpv6_repr::parse(*icmpv6_view::checked(mld), ips, policy).error().code(),
            errc::unsupported);
  const auto unreachable = copy(l4(bytes(pkt::icmpv6_port_unreachable)).bytes);
  for (const std::size_t n : {8, 20, 47}) {  // the quoted header cut short
    EXPECT_EQ(
        icmpv6_repr::parse(*icmpv6_view::checked(std::span(unreachable).first(n)), ips, policy)
            .error()
            .code(),
        errc::corrupt)
        << n;
  }
  EXPECT_TRUE(
      icmpv6_repr::parse(*icmpv6_view::checked(std::span(unreachable).first(48)), ips, policy));
  // Neighbour discovery types need their fixed body to be viewed at all.
  auto ns = copy(l4(bytes(pkt::ndp_ns)).bytes);
  for (std::size_t n = 8; n < 24; ++n) {
    EXPECT_EQ(icmpv6_view::checked(std::span(ns).first(n)).error().code(), errc::corrupt) << n;
  }
  EXPECT_EQ(icmpv6_repr::parse(*icmpv6_view::checked(ns), ips, policy).error().code(),
            errc::unsupported);
}

}  // namespace
}  // namespace atl::net
