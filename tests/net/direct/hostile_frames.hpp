// hostile_frames: a generator of malformed and hostile Ethernet frames for
// a stack under attack (hostile_input_test.cpp). Each frame is built with
// the wire layer's emitters, valid as far as the attack needs, and then
// corrupted where the attack lies: truncated headers, bad lengths and
// checksums, bogus TCP options, overlapping and never-ending fragments, SYN
// floods from spoofed sources, blind RSTs and ACKs into a live connection,
// ARP replies that claim someone else's address, and random bytes.
//
// All randomness comes from one seeded splitmix64 generator, so a run is
// the same every time. The generator holds no frame: make() appends whole
// frames (Ethernet header first) to the caller's vector.
#pragma once

#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace atl::net::testing {

/// hostile_kind: the classes of hostile input, one per make() call.
enum class hostile_kind : std::uint8_t {
  random_bytes,          ///< random length and bytes, often to the victim's MAC
  truncated_ethernet,    ///< fewer than 14 bytes
  truncated_arp,         ///< an ARP packet cut short
  truncated_ip,          ///< an IPv4 or IPv6 header cut short
  truncated_tcp,         ///< a valid IP packet with a cut TCP header
  truncated_udp,         ///< a valid IP packet with a cut UDP header
  truncated_icmp,        ///< a valid IP packet with a cut ICMP/ICMPv6 header
  ipv4_bad_ihl,          ///< header length under 20 or past the packet
  ipv4_bad_total_len,    ///< total length past the frame or under the header
  ipv4_bad_checksum,     ///< header checksum off by one bit
  ipv6_bad_payload_len,  ///< payload length past the frame
  tcp_bad_checksum,      ///< a SYN to the listening port with a wrong checksum
  tcp_bad_offset,        ///< data offset under 5 or past the segment
  tcp_zero_length_option,
  tcp_option_past_header,
  tcp_repeated_options,  ///< MSS and window scale twice, with a correct checksum
  tcp_huge_wscale,       ///< window scale 255 (RFC 7323: taken as 14)
  udp_bad_checksum,
  udp_bad_length,  ///< length field past the datagram or under 8
  overlapping_fragments,
  endless_fragments,  ///< never-complete datagrams, many identifications and sources
  tiny_fragments,     ///< 8-byte fragments, more than a datagram may hold
  syn_flood,          ///< SYNs from spoofed sources to the listening port
  syn_to_closed_port,
  blind_rst,  ///< RST with a random sequence number, spoofing the client
  blind_ack,  ///< ACK with random numbers and data, spoofing the client
  blind_syn,  ///< a SYN into the live connection's 4-tuple, spoofing the client
  count_,
};

/// hostile_scene: who is attacked and who is impersonated.
struct hostile_scene {
  bool ipv6 = false;  ///< IP-level attacks over IPv6 (ARP and Ethernet ones stay)
  mac_addr victim_mac;
  ipv4_addr victim4;
  ipv6_addr victim6;
  port listening;  ///< a port the victim listens on
  port closed;     ///< a port nobody listens on
  mac_addr attacker_mac;
  /// spoofed sources: spoof4_base + i and spoof6_base + i for i < spoof_count
  ipv4_addr spoof4_base;
  ipv6_addr spoof6_base;
  std::uint32_t spoof_count = 64;
  /// the live connection to disturb: the client's side of it
  mac_addr client_mac;
  ipv4_addr client4;
  ipv6_addr client6;
  port client_port;
};

using frame_bytes = std::vector<std::byte>;

class hostile_frames {
public:
  hostile_frames(const hostile_scene& scene, std::uint64_t seed) noexcept
      : scene_(scene), rng_(seed) {}

  /// make(kind, out): appends the frames of one attack of `kind` to out.
  void make(hostile_kind kind, std::vector<frame_bytes>& out);
  /// arp_claim(ip, mac, to): an ARP reply saying `ip` is at `mac`, sent
  /// from `mac` to `to` (a cache-poisoning attempt when ip is not mac's).
  [[nodiscard]] static frame_bytes arp_claim(const ipv4_addr& ip, const mac_addr& mac,
                                             const mac_addr& to_mac, const ipv4_addr& to_ip);

  [[nodiscard]] const hostile_scene& scene() const noexcept { return scene_; }
  /// next(): the generator's next 64 random bits.
  std::uint64_t next() noexcept;
  /// below(n): a random number in [0, n), n > 0.
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(next() % n); }

  // Builders (valid packets, to be corrupted by make()).
  /// ethernet(dst, src, type, payload): a frame.
  static frame_bytes ethernet(const mac_addr& dst, const mac_addr& src, std::uint16_t type,
                              std::span<const std::byte> payload);
  /// tcp_segment(ips, h, payload): a TCP segment with a correct checksum.
  static frame_bytes tcp_segment(const ip_pair& ips, const tcp_repr& h,
                                 std::span<const std::byte> payload);
  /// fix_tcp_checksum(ips, segment): recomputes the checksum after an edit.
  static void fix_tcp_checksum(const ip_pair& ips, std::span<std::byte> segment);

  /// ip_frame(ips, protocol, payload, src_mac): an IPv4 or IPv6 packet in a
  /// frame to the victim.
  frame_bytes ip_frame(const ip_pair& ips, ip_protocol protocol, std::span<const std::byte> payload,
                       const mac_addr& src_mac);
  /// client_pair: the live connection's addresses, client to victim.
  [[nodiscard]] ip_pair client_pair() const noexcept;

private:
  // From the attacker (or a spoofed client) to the victim, in the scene's family.
  [[nodiscard]] ip_pair spoofed_pair() noexcept;
  [[nodiscard]] ip_pair attacker_pair() const noexcept;
  frame_bytes fragment(const ip_pair& ips, std::uint32_t ident, std::uint32_t offset, bool more,
                       std::span<const std::byte> data) const;
  frame_bytes random_payload(std::size_t n);
  tcp_repr syn_to(port to) noexcept;
  void truncate_header(std::vector<frame_bytes>& out);
  void bad_tcp_options(hostile_kind kind, std::vector<frame_bytes>& out);
  void fragments(hostile_kind kind, std::vector<frame_bytes>& out);
  void blind(hostile_kind kind, std::vector<frame_bytes>& out);

  hostile_scene scene_;
  std::uint64_t rng_;
  std::uint32_t next_ident_ = 0x4000;
};

}  // namespace atl::net::testing
