// ICMPv4: Linux's echo and port unreachable, "fragmentation needed", the
// quoted invoking packet, malformed messages.
#include "net_test.hpp"
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/udp.hpp>

namespace atl::net {
namespace {

using namespace testing;

TEST(icmpv4, linux_echo) {
  const auto request = l4(bytes(pkt::icmpv4_echo_request)).bytes;
  const auto v = icmpv4_view::checked(request);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->checksum_ok());
  const auto r = icmpv4_repr::parse(*v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, icmpv4_type::echo_request);
  EXPECT_EQ(r->ident, 0x1234);
  EXPECT_EQ(r->seq, 1);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(r->data.data()), r->data.size()),
            "atoll ping v4 0123456789abcdef");
  // Linux's reply is the request turned around: emit the same from the repr.
  const auto reply_bytes = l4(bytes(pkt::icmpv4_echo_reply)).bytes;
  const auto reply = icmpv4_repr::echo_reply(r->ident, r->seq, r->data);
  bytes_vec out(reply.buffer_len());
  reply.emit(out);
  EXPECT_EQ(out, copy(reply_bytes));
  EXPECT_EQ(*icmpv4_repr::parse(*icmpv4_view::checked(reply_bytes)), reply);
}

TEST(icmpv4, linux_port_unreachable) {
  for (const auto frame :
       {bytes(pkt::icmpv4_port_unreachable), bytes(pkt::icmpv4_port_unreachable_576)}) {
    const auto msg = l4(frame).bytes;
    const auto r = icmpv4_repr::parse(*icmpv4_view::checked(msg));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->type, icmpv4_type::dest_unreachable);
    EXPECT_EQ(r->code, icmpv4_unreachable::port);
    const auto invoking = r->invoking();
    ASSERT_TRUE(invoking.has_value());
    EXPECT_EQ(invoking->header.protocol, ip_protocol::udp);
    EXPECT_EQ(invoking->header.dst, ipv4_addr(10, 9, 0, 2));
    // The ports of the datagram that was refused.
    const auto udp = invoking->payload;
    EXPECT_EQ(wire::get_u16(udp, 2), 9);
    bytes_vec out(r->buffer_len());
    r->emit(out);
    EXPECT_EQ(out, copy(msg));
  }
  // Linux quotes as much as fits in 576 bytes, as RFC 1812 says.
  EXPECT_EQ(l3(bytes(pkt::icmpv4_port_unreachable_576)).size(), 576U);
  EXPECT_EQ(l4(bytes(pkt::icmpv4_port_unreachable_576)).bytes.size(),
            8 + icmpv4_repr::max_invoking_len);
}

TEST(icmpv4, frag_needed) {
  const auto msg = l4(bytes(pkt::icmpv4_frag_needed)).bytes;
  const auto r = icmpv4_repr::parse(*icmpv4_view::checked(msg));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, icmpv4_unreachable::frag_needed);
  EXPECT_EQ(r->next_hop_mtu, 1400);
  EXPECT_EQ(r->invoking()->header.protocol, ip_protocol::tcp);
  EXPECT_EQ(r->invoking()->payload.size(), 8U);
  // Made with the factory from the invoking packet: the same bytes.
  const auto made = icmpv4_repr::dest_unreachable(icmpv4_unreachable::frag_needed, r->data, 1400);
  bytes_vec out(made.buffer_len());
  made.emit(out);
  EXPECT_EQ(out, copy(msg));
}

TEST(icmpv4, errors_quote_at_most_548_bytes) {
  bytes_vec invoking(2000);
  ipv4_repr ip;
  ip.protocol = ip_protocol::udp;
  ip.payload_len = 1980;
  ip.emit(std::span(invoking).first(20));
  const auto r = icmpv4_repr::time_exceeded(icmpv4_time_exceeded::ttl, invoking);
  EXPECT_EQ(r.data.size(), 548U);
  bytes_vec out(r.buffer_len());
  r.emit(out);
  const auto back = icmpv4_repr::parse(*icmpv4_view::checked(out));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(ipv4_view::checked_header(back->data)->truncated());
  const auto problem = icmpv4_repr::parameter_problem(9, invoking);
  out.resize(problem.buffer_len());
  problem.emit(out);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(out))->pointer, 9);
}

TEST(icmpv4, malformed) {
  const auto echo = copy(l4(bytes(pkt::icmpv4_echo_request)).bytes);
  for (std::size_t n = 0; n < 8; ++n) {
    EXPECT_EQ(icmpv4_view::checked(std::span(echo).first(n)).error().code(), errc::corrupt) << n;
  }
  auto bad_sum = echo;
  set_u8(bad_sum, 10, u8(bad_sum, 10) ^ 1);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(bad_sum)).error().code(), errc::corrupt);
  EXPECT_TRUE(icmpv4_repr::parse(*icmpv4_view::checked(bad_sum), checksum_policy::ignore));

  const auto policy = checksum_policy::ignore;
  auto code = echo;
  set_u8(code, 1, 1);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(code), policy).error().code(), errc::corrupt);
  auto redirect = echo;
  set_u8(redirect, 0, 5);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(redirect), policy).error().code(),
            errc::unsupported);

  const auto unreachable = copy(l4(bytes(pkt::icmpv4_port_unreachable)).bytes);
  // The quoted packet cut inside its header, or with fewer than 8 payload bytes.
  for (const std::size_t n : {8, 9, 27, 28, 35}) {
    const auto r =
        icmpv4_repr::parse(*icmpv4_view::checked(std::span(unreachable).first(n)), policy);
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code(), errc::corrupt) << n;
  }
  EXPECT_TRUE(icmpv4_repr::parse(*icmpv4_view::checked(std::span(unreachable).first(36)), policy));
  auto quoted_v6 = unreachable;
  set_u8(quoted_v6, 8, 0x65);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(quoted_v6), policy).error().code(),
            errc::corrupt);
  auto bad_code = unreachable;
  set_u8(bad_code, 1, 16);
  EXPECT_EQ(icmpv4_repr::parse(*icmpv4_view::checked(bad_code), policy).error().code(),
            errc::corrupt);
  EXPECT_EQ(icmpv4_repr::echo_request(1, 2, {}).invoking().error().code(), errc::invalid_argument);
}

}  // namespace
}  // namespace atl::net
