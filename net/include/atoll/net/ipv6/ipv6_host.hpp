// ipv6_host: the IPv6 layer of a host on one Ethernet link, sans-I/O. It
// ties together the neighbour cache, the address configuration (DAD,
// SLAAC, router solicitation), the path MTU table and the ICMPv6 policy:
//
// - input(now, packet): validates a received IPv6 packet (the Ethernet
//   payload), walks its extension headers with limits, answers neighbour
//   discovery and echo requests itself, applies packet too big, and hands
//   back what an upper layer must see (TCP, UDP, ICMPv6 echo replies and
//   errors) as an ipv6_delivery viewing the caller's bytes. Refused
//   packets are counted, and answered with an ICMPv6 error where RFC 8200
//   and RFC 4443 say so.
// - send(now, src, dst, protocol, payload): routes (on-link or a default
//   router), fragments above the path MTU, resolves the next hop, and
//   queues the frames.
// - poll(now) runs every timer; next_deadline() says when it is due.
// - take_frames() hands the frames to write (Ethernet header to add) to
//   the caller; at most max_out wait, more are dropped and counted.
//
// Nothing here reads a clock or draws random numbers: the start delay,
// a stable interface identifier and the first fragment identification
// come in through the config.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/ip/fragment_buffer.hpp>
#include <atoll/net/ip/pmtu_table.hpp>
#include <atoll/net/ip/token_bucket.hpp>
#include <atoll/net/ipv6/address_config.hpp>
#include <atoll/net/ipv6/ext_policy.hpp>
#include <atoll/net/ipv6/frame.hpp>
#include <atoll/net/ipv6/neighbor_cache.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net {

/// ipv6_reassembly_limits: the shared reassembler's defaults with IPv6's
/// 60 s timeout (RFC 8200 section 4.5).
inline ip::reassembly_limits ipv6_reassembly_limits() noexcept {
  ip::reassembly_limits limits;
  limits.timeout = std::chrono::seconds(60);
  return limits;
}

/// ipv6_min_mtu: the smallest link MTU IPv6 allows (RFC 8200 section 5).
inline constexpr std::uint32_t ipv6_min_mtu = 1280;

/// ipv6_pmtu_config: the shared path MTU table's defaults with IPv6's
/// floor of 1280 bytes (RFC 8201 section 4); the host never goes lower.
inline ip::pmtu_config ipv6_pmtu_config() noexcept {
  ip::pmtu_config config;
  config.min_mtu = ipv6_min_mtu;
  return config;
}

struct ipv6_host_config {
  std::uint32_t link_mtu = 1500;
  std::uint8_t hop_limit = 64;  ///< until a router advertisement says otherwise
  ipv6_ext_limits ext_limits;
  neighbor_config neighbors;
  addr_config_limits addresses;
  ip::pmtu_config pmtu = ipv6_pmtu_config();
  ip::reassembly_limits reassembly = ipv6_reassembly_limits();
  /// iid: a stable random interface identifier; EUI-64 from the MAC when empty.
  std::optional<std::array<std::uint8_t, 8>> iid;
  /// ICMPv6 errors: a burst, then one per interval (RFC 4443 2.4 (f)).
  std::uint32_t icmp_error_burst = 10;
  duration icmp_error_interval = std::chrono::milliseconds(100);
  std::size_t max_out = 256;           ///< frames waiting for take_frames()
  std::uint32_t first_frag_ident = 1;  ///< random, from the owner
  /// Upper layers present: packets for others get a parameter problem.
  bool deliver_tcp = true;
  bool deliver_udp = true;
};

/// ipv6_delivery: a packet for an upper layer. `payload` and `packet` view
/// the bytes given to input(), valid as long as they are; or, for a
/// reassembled packet, the host's own buffer, valid until the next input().
struct ipv6_delivery {
  ip_protocol protocol = ip_protocol::ipv6_no_next;
  ipv6_addr src;
  ipv6_addr dst;
  std::uint8_t hop_limit = 0;
  std::span<const std::byte> payload;  ///< upper-layer header and data
  std::span<const std::byte> packet;   ///< the whole IPv6 packet
};

struct ipv6_host_stats {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_malformed = 0;    ///< bad header, bad chain, bad ICMPv6/NDP
  std::uint64_t rx_not_ours = 0;     ///< destination not ours, or source multicast
  std::uint64_t rx_ext_refused = 0;  ///< extension headers refused or past limits
  std::uint64_t rx_unknown_protocol = 0;
  std::uint64_t rx_fragments = 0;          ///< fragments received
  std::uint64_t rx_reassembled = 0;        ///< packets reassembled from fragments
  std::uint64_t rx_fragments_dropped = 0;  ///< refused by the reassembler (its stats say why)
  std::uint64_t reassembly_timeouts = 0;   ///< time exceeded messages due (first fragment seen)
  std::uint64_t rx_delivered = 0;
  std::uint64_t echo_replies = 0;
  std::uint64_t ndp_received = 0;
  std::uint64_t na_sent = 0;
  std::uint64_t pmtu_updates = 0;
  std::uint64_t icmp_errors_sent = 0;
  std::uint64_t icmp_errors_suppressed = 0;  ///< not allowed (error, multicast, bad source)
  std::uint64_t icmp_errors_rate_limited = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_fragments = 0;
  std::uint64_t tx_no_route = 0;
  std::uint64_t tx_queue_full = 0;
};

class ipv6_host {
public:
  explicit ipv6_host(const mac_addr& mac, const ipv6_host_config& config = {});

  /// start(now, delay): link-local address, DAD and router solicitation,
  /// the first ones `delay` from now (random, at most 1 s, from the owner).
  void start(mono_time now, duration delay);
  /// add_address(now, addr, prefix_len): a static address (DAD first).
  result<void> add_address(mono_time now, const ipv6_addr& addr, std::uint8_t prefix_len);

  /// input(now, packet): one received IPv6 packet; see the top of this header.
  std::optional<ipv6_delivery> input(mono_time now, std::span<const std::byte> packet);

  /// send(now, src, dst, protocol, payload): sends `payload` (an upper-layer
  /// message whose checksum the caller computed for src and dst) in an IPv6
  /// packet. errc::unreachable without a route or source, errc::invalid_argument
  /// for a payload over 65535 bytes, errc::limit_exceeded when dropped at a
  /// bound. Waiting for address resolution is success.
  result<void> send(mono_time now, const ipv6_addr& src, const ipv6_addr& dst, ip_protocol protocol,
                    std::span<const std::byte> payload);
  /// send_error(now, error, invoking): an ICMPv6 error about the received
  /// packet `invoking` (e.g. port unreachable from UDP), subject to RFC 4443
  /// 2.4 (e) and the rate limit. `error` quotes `invoking` (its data is
  /// replaced by it). Returns whether it was sent.
  bool send_error(mono_time now, icmpv6_repr error, std::span<const std::byte> invoking,
                  bool to_multicast_allowed = false);
  /// confirm_reachable(now, neighbor): an upper layer saw progress.
  void confirm_reachable(mono_time now, const ipv6_addr& neighbor) noexcept;

  void poll(mono_time now);
  [[nodiscard]] mono_time next_deadline() const noexcept;
  /// take_frames: the frames to write, oldest first; the queue is emptied.
  std::vector<ipv6_frame> take_frames() noexcept;

  /// source_for(dst): the source address to use for dst.
  [[nodiscard]] std::optional<ipv6_addr> source_for(const ipv6_addr& dst) const noexcept {
    return addresses_.source_for(dst);
  }
  [[nodiscard]] std::uint8_t hop_limit() const noexcept { return hop_limit_; }
  [[nodiscard]] const mac_addr& mac() const noexcept { return mac_; }
  [[nodiscard]] const address_config& addresses() const noexcept { return addresses_; }
  [[nodiscard]] const neighbor_cache& neighbors() const noexcept { return neighbors_; }
  [[nodiscard]] const ip::pmtu_table& pmtu() const noexcept { return pmtu_; }
  /// link_mtu: the link's MTU (the device's, or a router advertisement's
  /// smaller one), at least 1280.
  [[nodiscard]] std::uint32_t link_mtu() const noexcept { return link_mtu_; }
  /// path_mtu(now, dst): the MTU for packets to dst: the link's, lowered by
  /// packet too big messages (ip/pmtu_table.hpp).
  [[nodiscard]] std::uint32_t path_mtu(mono_time now, const ipv6_addr& dst) const noexcept {
    return pmtu_.mtu(dst, now, link_mtu_);
  }
  [[nodiscard]] const ipv6_host_stats& stats() const noexcept { return stats_; }

  [[nodiscard]] const ip::reassembler& reassembler() const noexcept { return reassembler_; }

private:
  static constexpr std::uint8_t ndp_hop_limit = 255;
  /// make_packet(header, payload_len): a packet with `header` emitted (its
  /// payload length set) and payload_len zero bytes after it.
  static std::vector<std::byte> make_packet(const ipv6_repr& header, std::size_t payload_len);

  std::optional<ipv6_delivery> input_packet(mono_time now, std::span<const std::byte> bytes,
                                            bool reassembled);
  std::optional<ipv6_delivery> input_fragment(mono_time now, const ipv6_repr& ip,
                                              const ipv6_upper& upper,
                                              std::span<const std::byte> data,
                                              std::span<const std::byte> packet);
  std::optional<ipv6_delivery> input_icmp(mono_time now, const ipv6_repr& ip,
                                          std::span<const std::byte> message,
                                          std::span<const std::byte> packet);
  void input_ndp(mono_time now, const ipv6_repr& ip, const icmpv6_view& view);
  void refuse(mono_time now, std::span<const std::byte> packet, const ipv6_param_problem& p);
  result<void> route(mono_time now, const ipv6_addr& dst, std::vector<std::byte> packet);
  void send_icmp(mono_time now, const ipv6_addr& src, const ipv6_addr& dst,
                 const icmpv6_repr& message);
  void send_ndp(const ipv6_addr& src, const ipv6_addr& dst, const mac_addr& dst_mac,
                const ndp_repr& message);
  void send_ns(const ns_request& request);
  void send_dad_ns(const ipv6_addr& target);
  void send_rs();
  void apply(neighbor_actions& actions);
  void apply(mono_time now, addr_actions& actions);
  void push(ipv6_frame frame);

  mac_addr mac_;
  ipv6_host_config config_;
  std::uint8_t hop_limit_;
  std::uint32_t device_mtu_;
  neighbor_cache neighbors_;
  address_config addresses_;
  std::uint32_t link_mtu_;
  ip::pmtu_table pmtu_;
  ip::token_bucket icmp_bucket_;
  std::uint32_t next_ident_;
  ip::reassembler reassembler_;
  std::vector<std::byte> reassembled_;  ///< the last reassembled packet
  // Datagrams in reassembly, for the time exceeded message of RFC 8200
  // 4.5 (sent on timeout only once the first fragment came, quoting it).
  // The shared reassembler does not say which datagrams it timed out, so
  // this mirrors it: at most reassembly.max_datagrams entries.
  struct partial {
    ip::reassembly_key key;
    mono_time deadline;
    std::vector<std::byte> first;  ///< the offset-0 fragment, at most 1232 bytes
  };
  std::vector<partial> partials_;
  void track_fragment(mono_time now, const ip::reassembly_key& key, bool first,
                      std::span<const std::byte> packet);
  void forget_fragment(const ip::reassembly_key& key) noexcept;
  void expire_fragments(mono_time now);
  std::vector<ipv6_frame> out_;
  ipv6_host_stats stats_;
};

}  // namespace atl::net
