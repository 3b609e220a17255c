// ipv4_core: the sans-I/O IPv4 layer of a host (RFC 791, RFC 1122 section
// 3.2.1, RFC 1191): input validation, reassembly, ICMP echo and
// "fragmentation needed", output with routing, fragmentation and the path
// MTU. It does not own ARP: packets to send come out with their next hop,
// for arp_cache::send().
//
// Input, beyond the wire layer's checked() and parse():
// - the destination must be ours: one of our addresses, 255.255.255.255,
//   the directed broadcast of one of our prefixes, or a multicast group we
//   joined (224.0.0.1 always);
// - the source must not be martian: one of our addresses, multicast,
//   broadcast (limited or one of our directed), loopback; 0.0.0.0 only to a
//   broadcast (a DHCP client's request);
// - TTL 0 is dropped (no router forwards it; RFC 1122 3.2.1.7 only forbids
//   dropping TTL 1);
// - options were validated by parse() and are skipped;
// - fragments go through ip::reassembler (key: src, dst, protocol, id).
// ICMP echo requests to a unicast address of ours are answered here
// (broadcast echo is ignored, as Linux does by default); a "fragmentation
// needed" lowers the path MTU; every other ICMP message and every other
// protocol is delivered to the caller.
//
// Output: send() routes (longest prefix match), takes the MTU as the least
// of the link's, the route's and the path's, and fragments to it unless
// DF is asked (TCP by default), in which case a packet too big is
// errc::limit_exceeded. Identifications come from a counter seeded by the
// caller (randomness is an input).
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/ip/fragment_buffer.hpp>
#include <atoll/net/ip/pmtu_table.hpp>
#include <atoll/net/ipv4/icmp.hpp>
#include <atoll/net/ipv4/route_table.hpp>
#include <atoll/net/wire/ipv4.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace atl::net::ipv4 {

struct ipv4_config {
  std::uint16_t link_mtu = 1500;
  std::uint8_t ttl = 64;
  std::uint16_t ident_seed = 0;  ///< first identification (pass a random value)
  std::size_t max_routes = 16;
  ip::reassembly_limits reassembly{};
  ip::pmtu_config pmtu{};
  icmp_error_config icmp{};
};

/// ipv4_drop: why received packets were dropped.
enum class ipv4_drop : std::uint8_t {
  malformed,   ///< checked() or parse() failed (corrupt)
  not_for_us,  ///< destination not ours
  martian,     ///< bad source address
  bad_ttl,     ///< TTL 0
  reassembly,  ///< a fragment refused by the reassembler (its stats say why)
  bad_icmp,    ///< an ICMP message that does not parse (given to no one)
  no_memory,
  count_,
};

struct ipv4_stats {
  std::uint64_t received = 0;
  std::uint64_t delivered = 0;
  std::uint64_t sent = 0;        ///< packets handed out, fragments counted one by one
  std::uint64_t fragmented = 0;  ///< datagrams sent in fragments
  std::uint64_t echo_replies = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(ipv4_drop::count_)> drops{};

  [[nodiscard]] std::uint64_t dropped(ipv4_drop why) const noexcept {
    return drops[static_cast<std::size_t>(why)];
  }
};

/// ipv4_delivery: a datagram for the transport layer. `payload` is the IP
/// payload (the reassembled datagram for fragments); `packet` is the whole
/// packet, header first, when it arrived unfragmented (what an ICMP error
/// about it quotes, with send_icmp_error), empty after reassembly.
struct ipv4_delivery {
  ip_protocol protocol;
  ipv4_addr src;
  ipv4_addr dst;
  buf payload;
  buf packet;
  /// to_group: sent to a broadcast or multicast address (no ICMP error about it).
  bool to_group = false;
};

/// ipv4_tx: a whole IPv4 packet (header first) and the next hop to resolve.
struct ipv4_tx {
  ipv4_addr next_hop;
  buf packet;
};

/// ipv4_actions: datagrams to deliver and packets to send; the caller
/// drains and clears it.
struct ipv4_actions {
  std::vector<ipv4_delivery> deliver;
  std::vector<ipv4_tx> send;

  void clear() noexcept {
    deliver.clear();
    send.clear();
  }
};

/// send_options: per-datagram choices; dont_fragment defaults to true for
/// TCP (it does its own path MTU discovery), false otherwise.
struct send_options {
  std::optional<bool> dont_fragment;
  std::optional<std::uint8_t> ttl;
  std::uint8_t dscp = 0;
};

class ipv4_core {
public:
  static constexpr std::size_t max_addresses = 4;
  static constexpr std::size_t max_groups = 16;

  explicit ipv4_core(const ipv4_config& config = {}) noexcept;

  /// add_address(prefix): an address of ours and its on-link prefix (a
  /// route to the prefix is added). errc::limit_exceeded past max_addresses
  /// or a full routing table; errc::invalid_argument for a non-unicast address.
  result<void> add_address(const ipv4_prefix& prefix);
  /// join(group) / leave(group): multicast groups to accept.
  /// errc::limit_exceeded past max_groups; errc::invalid_argument for a
  /// non-multicast address.
  result<void> join(const ipv4_addr& group);
  void leave(const ipv4_addr& group) noexcept;
  [[nodiscard]] bool is_own(const ipv4_addr& ip) const noexcept;
  /// is_broadcast(ip): 255.255.255.255 or the directed broadcast of one of our prefixes.
  [[nodiscard]] bool is_broadcast(const ipv4_addr& ip) const noexcept;
  [[nodiscard]] route_table& routes() noexcept { return routes_; }

  /// input(packet, now, out, link_broadcast): a received IPv4 packet (the
  /// Ethernet payload, link padding allowed). Deliveries and replies go to
  /// out. Errors (counted): errc::corrupt for malformed packets,
  /// errc::refused for packets not for us or martian, the reassembler's
  /// errors for refused fragments. A fragment kept for later is ok().
  result<void> input(const buf& packet, mono_time now, ipv4_actions& out);

  /// send(src, dst, protocol, payload, now, out, options): one datagram,
  /// fragmented as needed, into out.send. src 0.0.0.0 picks our address on
  /// the route (the first one otherwise). errc::unreachable without a route;
  /// errc::limit_exceeded for a DF datagram above the MTU (the caller lowers
  /// its segment size to mtu_to()); errc::invalid_argument for a payload
  /// over 65515 bytes; errc::no_memory.
  result<void> send(ipv4_addr src, const ipv4_addr& dst, ip_protocol protocol, buf payload,
                    mono_time now, ipv4_actions& out, const send_options& options = {});

  /// send_icmp_error(invoking, error, now, out, link_broadcast): an ICMP
  /// error about a received packet (header first), e.g. port unreachable
  /// from UDP. errc::refused when icmp.hpp's rules or the rate limit forbid it.
  result<void> send_icmp_error(std::span<const std::byte> invoking, const icmpv4_repr& error,
                               mono_time now, ipv4_actions& out, bool link_broadcast = false);

  /// mtu_to(dst, now): the MTU of the path to dst (link, route, path MTU).
  [[nodiscard]] std::uint16_t mtu_to(const ipv4_addr& dst, mono_time now) const noexcept;

  /// poll(now): expires reassembly and path MTU entries.
  void poll(mono_time now) noexcept;
  [[nodiscard]] mono_time next_deadline() const noexcept;

  [[nodiscard]] const ipv4_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const ip::reassembler& reassembly() const noexcept { return reassembler_; }
  [[nodiscard]] const ip::pmtu_table& pmtu() const noexcept { return pmtu_; }
  [[nodiscard]] const icmp_errors& icmp() const noexcept { return icmp_; }

private:
  result<void> deliver(const ipv4_repr& ip, buf payload, buf packet, bool to_group, mono_time now,
                       ipv4_actions& out);
  result<void> emit_packet(const ipv4_repr& header, const buf& payload, std::size_t offset,
                           std::size_t len, const ipv4_addr& next_hop, ipv4_actions& out);
  [[nodiscard]] ipv4_addr source_for(const ipv4_addr& dst) const noexcept;
  result<void> drop(ipv4_drop why, const error& e) noexcept {
    ++stats_.drops[static_cast<std::size_t>(why)];
    return e;
  }

  ipv4_config config_;
  std::vector<ipv4_prefix> addresses_;
  std::vector<ipv4_addr> groups_;
  route_table routes_;
  ip::pmtu_table pmtu_;
  ip::reassembler reassembler_;
  icmp_errors icmp_;
  std::uint16_t next_ident_;
  ipv4_stats stats_;
};

/// reassembly_key_of(src, dst, protocol, ident): the IPv4 reassembly key
/// (RFC 791: source, destination, protocol, identification).
[[nodiscard]] ip::reassembly_key reassembly_key_of(const ipv4_addr& src, const ipv4_addr& dst,
                                                   std::uint8_t protocol,
                                                   std::uint16_t ident) noexcept;

}  // namespace atl::net::ipv4
