// Helpers of the net/ipv6 tests: packets built with the wire reprs, frames
// parsed back with checksums verified, and a host brought up on virtual time.
#pragma once

#include <atoll/net/ipv6/ipv6_host.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ipv6.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::testing {

using namespace std::chrono_literals;
using bytes_vec = std::vector<std::byte>;

inline const mono_time t0{std::chrono::seconds(1000)};
inline const mac_addr host_mac(mac_addr::octets_type{0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
inline const mac_addr peer_mac(mac_addr::octets_type{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef});

inline ipv6_addr ip6(const char* text) { return *ipv6_addr::parse(text); }

/// The host's EUI-64 link-local address: fe80::5054:ff:fe12:3456.
inline const ipv6_addr host_ll = ipv6_addr::link_local_from_mac(host_mac);
inline const ipv6_addr peer_ll = ipv6_addr::link_local_from_mac(peer_mac);

inline bytes_vec ip_packet(const ipv6_addr& src, const ipv6_addr& dst, ip_protocol proto,
                           std::span<const std::byte> payload, std::uint8_t hop_limit = 64) {
  bytes_vec out(40 + payload.size());
  ipv6_repr h{src, dst, proto, static_cast<std::uint16_t>(payload.size()), hop_limit, 0, 0};
  h.emit(std::span(out).first(40));
  std::copy(payload.begin(), payload.end(), out.begin() + 40);
  return out;
}

inline bytes_vec icmp_packet(const ipv6_addr& src, const ipv6_addr& dst, const icmpv6_repr& m,
                             std::uint8_t hop_limit = 64) {
  bytes_vec body(m.buffer_len());
  m.emit(body, ip_pair(src, dst));
  return ip_packet(src, dst, ip_protocol::icmpv6, body, hop_limit);
}

inline bytes_vec ndp_packet(const ipv6_addr& src, const ipv6_addr& dst, const ndp_repr& m) {
  bytes_vec body(m.buffer_len());
  m.emit(body, ip_pair(src, dst));
  return ip_packet(src, dst, ip_protocol::icmpv6, body, 255);
}

/// parsed: a frame's IPv6 header and, for ICMPv6, its message (checksum
/// verified). Move-only: icmp->data views `packet`, which a move keeps.
struct parsed {
  parsed() = default;
  parsed(parsed&&) = default;
  parsed& operator=(parsed&&) = default;
  parsed(const parsed&) = delete;
  parsed& operator=(const parsed&) = delete;

  ipv6_repr ip;
  std::optional<ndp_repr> ndp;
  std::optional<icmpv6_repr> icmp;
  bytes_vec packet;  // keeps icmp->data valid
};

inline parsed parse_frame(const ipv6_frame& frame) {
  parsed p;
  p.packet = frame.packet;
  auto view = ipv6_view::checked(p.packet);
  EXPECT_TRUE(view);
  if (!view) return p;
  p.ip = *ipv6_repr::parse(*view);
  if (p.ip.next_header != ip_protocol::icmpv6) return p;
  auto msg = icmpv6_view::checked(view->payload());
  EXPECT_TRUE(msg);
  if (!msg) return p;
  const ip_pair ips(p.ip.src, p.ip.dst);
  if (is_ndp(msg->type())) {
    auto n = ndp_repr::parse(*msg, ips, checksum_policy::verify);
    EXPECT_TRUE(n) << (n ? "" : n.error().message());
    if (n) p.ndp = *n;
  } else {
    auto m = icmpv6_repr::parse(*msg, ips, checksum_policy::verify);
    EXPECT_TRUE(m);
    if (m) p.icmp = *m;
  }
  return p;
}

/// ready_host: started at t0 with no delay, DAD of the link-local address
/// done, 2001:db8::1/64 configured and past DAD too; frames drained.
inline ipv6_host ready_host(ipv6_host_config config = {}) {
  ipv6_host host(host_mac, config);
  host.start(t0, 0s);
  EXPECT_TRUE(host.add_address(t0, ip6("2001:db8::1"), 64));
  host.poll(t0 + 1s);
  EXPECT_TRUE(host.addresses().is_assigned(host_ll));
  EXPECT_TRUE(host.addresses().is_assigned(ip6("2001:db8::1")));
  (void)host.take_frames();
  return host;
}

/// resolve(host, ip, mac, now): teach the host a neighbour (an NS from it).
inline void learn_neighbor(ipv6_host& host, const ipv6_addr& ip, const mac_addr& mac,
                           const ipv6_addr& ours, mono_time now) {
  ndp_repr ns;
  ns.type = icmpv6_type::neighbor_solicit;
  ns.target = ours;
  ns.source_ll = mac;
  (void)host.input(now, ndp_packet(ip, ours.solicited_node(), ns));
  (void)host.take_frames();
}

}  // namespace atl::net::testing
