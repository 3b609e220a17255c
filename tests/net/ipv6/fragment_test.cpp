// Fragmentation on send and reassembly on input (through the shared
// ip::reassembler): round trips at MTU 1280, overlap, timeout, limits.
#include "ipv6_test_util.hpp"
#include <atoll/net/ipv6/fragmenter.hpp>

namespace atl::net::testing {
namespace {

const ipv6_addr me = ip6("2001:db8::1");
const ipv6_addr peer = ip6("2001:db8::2");

bytes_vec pattern(std::size_t n) {
  bytes_vec v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 7 + i / 251);
  return v;
}

std::vector<bytes_vec> fragments_of(std::size_t payload_len, std::uint32_t ident) {
  const ipv6_repr h{peer, me, ip_protocol::udp, 0, 64, 0, 0};
  return ipv6_fragment_packet(h, pattern(payload_len), 1280, ident);
}

TEST(Ipv6Fragment, SplitsAtMtu1280) {
  const auto frags = fragments_of(3000, 0xabcd);
  ASSERT_EQ(frags.size(), 3U);  // 1232 + 1232 + 536
  bytes_vec joined;
  for (std::size_t i = 0; i < frags.size(); ++i) {
    EXPECT_LE(frags[i].size(), 1280U);
    auto view = ipv6_view::checked(frags[i]);
    ASSERT_TRUE(view);
    auto upper = walk_extensions(*view);
    ASSERT_TRUE(upper);
    ASSERT_TRUE(upper->fragment);
    EXPECT_EQ(upper->protocol, ip_protocol::udp);
    EXPECT_EQ(upper->fragment->ident, 0xabcdU);
    EXPECT_EQ(upper->fragment->offset, joined.size());
    EXPECT_EQ(upper->fragment->more, i + 1 < frags.size());
    const auto data = view->payload().subspan(upper->offset);
    if (upper->fragment->more) {
      EXPECT_EQ(data.size() % 8, 0U);
    }
    joined.insert(joined.end(), data.begin(), data.end());
  }
  EXPECT_EQ(joined, pattern(3000));
}

TEST(Ipv6Fragment, HostToHostRoundTrip) {
  ipv6_host_config mtu1280;
  mtu1280.link_mtu = 1280;
  auto small = ready_host(mtu1280);
  learn_neighbor(small, peer, peer_mac, me, t0 + 1s);
  const auto payload = pattern(5000);
  ASSERT_TRUE(small.send(t0 + 2s, me, peer, ip_protocol::udp, payload));
  auto frames = small.take_frames();
  ASSERT_EQ(frames.size(), 5U);
  EXPECT_EQ(small.stats().tx_fragments, 5U);
  // A second host, 2001:db8::2, receives them.
  ipv6_host other(peer_mac);
  other.start(t0, 0s);
  ASSERT_TRUE(other.add_address(t0, peer, 64));
  other.poll(t0 + 1s);
  // Out of order, last first.
  std::optional<ipv6_delivery> delivered;
  for (std::size_t i = frames.size(); i-- > 0;) {
    EXPECT_LE(frames[i].packet.size(), 1280U);
    auto d = other.input(t0 + 3s, frames[i].packet);
    if (i != 0) {
      EXPECT_FALSE(d);
    } else {
      delivered = d;
    }
  }
  ASSERT_TRUE(delivered);
  EXPECT_EQ(delivered->protocol, ip_protocol::udp);
  EXPECT_EQ(delivered->src, me);
  EXPECT_EQ(delivered->dst, peer);
  EXPECT_EQ(bytes_vec(delivered->payload.begin(), delivered->payload.end()), payload);
  EXPECT_EQ(other.stats().rx_reassembled, 1U);
  EXPECT_EQ(other.reassembler().in_progress(), 0U);
}

TEST(Ipv6Fragment, AtomicFragmentProcessedAlone) {
  auto host = ready_host();
  const auto frags = fragments_of(100, 5);
  ASSERT_EQ(frags.size(), 1U);
  auto d = host.input(t0 + 2s, frags[0]);
  ASSERT_TRUE(d);
  EXPECT_EQ(bytes_vec(d->payload.begin(), d->payload.end()), pattern(100));
  EXPECT_EQ(host.reassembler().stats().fragments, 0U);
}

TEST(Ipv6Fragment, OverlapDiscardsDatagram) {
  auto host = ready_host();
  const auto frags = fragments_of(3000, 9);
  EXPECT_FALSE(host.input(t0 + 2s, frags[0]));
  // A fragment overlapping the first (offset 8) with the same identification.
  auto overlap = frags[1];
  overlap[40 + 2] = std::byte{0};
  overlap[40 + 3] = std::byte{8 | 1};
  EXPECT_FALSE(host.input(t0 + 2s, overlap));
  EXPECT_EQ(host.stats().rx_fragments_dropped, 1U);
  EXPECT_FALSE(host.input(t0 + 2s, frags[1]));
  EXPECT_FALSE(host.input(t0 + 2s, frags[2]));  // the datagram is gone: never completes
  EXPECT_EQ(host.stats().rx_reassembled, 0U);
}

TEST(Ipv6Fragment, IncompleteDatagramTimesOutAfter60s) {
  auto host = ready_host();
  const auto frags = fragments_of(3000, 11);
  EXPECT_FALSE(host.input(t0 + 2s, frags[0]));
  EXPECT_EQ(host.reassembler().in_progress(), 1U);
  EXPECT_EQ(host.reassembler().next_deadline(), t0 + 62s);
  EXPECT_LE(host.next_deadline(), t0 + 62s);
  host.poll(t0 + 61s);
  EXPECT_EQ(host.reassembler().in_progress(), 1U);
  host.poll(t0 + 62s);
  EXPECT_EQ(host.reassembler().in_progress(), 0U);
  EXPECT_EQ(host.reassembler().stats().dropped(ip::reassembly_drop::timeout), 1U);
}

TEST(Ipv6Fragment, TimeExceededOnlyWhenFirstFragmentCame) {
  auto host = ready_host();
  learn_neighbor(host, peer, peer_mac, ip6("2001:db8::1"), t0 + 1s);
  const auto with_first = fragments_of(3000, 21);
  const auto without_first = fragments_of(3000, 22);
  EXPECT_FALSE(host.input(t0 + 2s, with_first[0]));
  EXPECT_FALSE(host.input(t0 + 2s, with_first[1]));
  EXPECT_FALSE(host.input(t0 + 2s, without_first[1]));
  (void)host.take_frames();
  host.poll(t0 + 62s);
  EXPECT_EQ(host.reassembler().in_progress(), 0U);
  EXPECT_EQ(host.stats().reassembly_timeouts, 1U);
  std::vector<parsed> errors;
  for (const auto& f : host.take_frames()) {
    auto p = parse_frame(f);
    if (p.icmp) errors.push_back(std::move(p));
  }
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].icmp->type, icmpv6_type::time_exceeded);
  EXPECT_EQ(errors[0].icmp->code, 1);
  EXPECT_EQ(errors[0].ip.dst, peer);
  const auto quoted = errors[0].icmp->data;
  ASSERT_EQ(quoted.size(), 1232U);  // as much of the first fragment as fits
  EXPECT_TRUE(std::equal(quoted.begin(), quoted.end(), with_first[0].begin()));
}

TEST(Ipv6Fragment, ReassemblyBounded) {
  ipv6_host_config config;
  config.reassembly.max_datagrams = 4;
  config.reassembly.max_per_source = 2;
  auto host = ready_host(config);
  for (std::uint32_t id = 0; id < 50; ++id) {
    (void)host.input(t0 + 2s, fragments_of(3000, id)[0]);
  }
  EXPECT_LE(host.reassembler().in_progress(), 2U);
  EXPECT_GT(host.stats().rx_fragments_dropped, 0U);
}

}  // namespace
}  // namespace atl::net::testing
