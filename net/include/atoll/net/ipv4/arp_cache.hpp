// arp_cache: the sans-I/O ARP core of an Ethernet/IPv4 host (RFC 826,
// RFC 1122 section 2.3.2, RFC 5227 announcements).
//
// It maps next-hop IPv4 addresses to Ethernet addresses, answers requests
// for its own addresses, and turns outgoing IPv4 packets into Ethernet
// frames once their next hop is known. Time comes in as `now`; what to send
// goes out in an arp_actions the caller drains after each call.
//
// Entries and their life:
// - incomplete: a request was broadcast; packets wait in a queue (at most
//   max_queue_per_entry per entry and max_queued over all: new packets past
//   a bound are dropped and counted). The request is repeated every
//   retry_interval up to max_tries; then the entry goes and its packets are
//   handed back in arp_actions::failed (the caller reports errc::unreachable).
// - reachable: heard from within reachable_time (a reply, or any ARP packet
//   from it: a request refreshes the entry).
// - stale: older than that; still used, but the first use sends a unicast
//   request (probe) to refresh it; a probe unanswered max_tries times
//   removes the entry, and a stale entry unused for stale_time is removed.
// At max_entries, a new entry evicts the least recently used one.
//
// Input rules: ARP with a broadcast or multicast sender MAC, or a multicast
// or broadcast sender IP, is ignored; ARP claiming one of our addresses from
// another MAC is ignored and counted as a conflict. Following RFC 826's
// merge, a sender already in the cache is updated whatever the target;
// a sender is added only when the packet is addressed to one of our
// addresses. Requests are answered for our addresses only.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/wire/arp.hpp>
#include <atoll/net/wire/ethernet.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::ipv4 {

/// arp_config: the host's MAC and the bounds and timers of the cache.
struct arp_config {
  mac_addr mac;
  std::size_t max_entries = 128;
  std::size_t max_queue_per_entry = 4;  ///< packets waiting for one next hop
  std::size_t max_queued = 64;          ///< packets waiting, all next hops
  duration reachable_time = std::chrono::seconds(30);
  duration stale_time = std::chrono::seconds(600);    ///< a stale entry unused this long is removed
  duration retry_interval = std::chrono::seconds(1);  ///< between requests for one address
  unsigned max_tries = 3;                             ///< requests before giving up
  unsigned announcements = 2;  ///< gratuitous ARPs per new address (RFC 5227)
  duration announce_interval = std::chrono::seconds(2);
};

/// arp_state: what the cache knows of an address.
enum class arp_state : std::uint8_t { none, incomplete, reachable, stale, probe };

/// arp_drop: why ARP packets or queued IPv4 packets were dropped.
enum class arp_drop : std::uint8_t {
  malformed,     ///< an ARP packet that does not parse (corrupt)
  unsupported,   ///< an ARP packet for other hardware or protocols
  bad_sender,    ///< broadcast/multicast sender MAC or IP
  conflict,      ///< our address claimed by another MAC
  queue_full,    ///< a packet past max_queue_per_entry
  queue_total,   ///< a packet past max_queued
  unresolved,    ///< a queued packet whose next hop never answered
  evicted,       ///< a queued packet of an incomplete entry evicted for a new one
  bad_next_hop,  ///< send() to the unspecified address
  count_,
};

/// arp_stats: counters of an arp_cache.
struct arp_stats {
  std::uint64_t requests_sent = 0;
  std::uint64_t replies_sent = 0;
  std::uint64_t announcements_sent = 0;
  std::uint64_t received = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(arp_drop::count_)> drops{};

  [[nodiscard]] std::uint64_t dropped(arp_drop why) const noexcept {
    return drops[static_cast<std::size_t>(why)];
  }
};

/// arp_failed: a packet given up on, and the next hop that did not answer.
struct arp_failed {
  ipv4_addr next_hop;
  buf packet;
};

/// arp_actions: what a call asks the caller to do: write `frames` (whole
/// Ethernet frames: header, then the ARP or IPv4 packet) and report
/// `failed` packets as errc::unreachable. The caller clears it.
struct arp_actions {
  std::vector<bufs> frames;
  std::vector<arp_failed> failed;

  void clear() noexcept {
    frames.clear();
    failed.clear();
  }
};

/// arp_send: what send() did with a packet.
enum class arp_send : std::uint8_t { sent, queued, dropped };

class arp_cache {
public:
  static constexpr std::size_t max_addresses = 8;

  /// arp_cache(config): the table is reserved now (max_entries entries).
  explicit arp_cache(const arp_config& config) noexcept;

  /// add_address(ip, now, out): ip is ours from now on; gratuitous ARP
  /// announcements of it start now (the first is in out).
  /// errc::limit_exceeded past max_addresses; errc::invalid_argument for
  /// an unspecified, broadcast or multicast address.
  result<void> add_address(const ipv4_addr& ip, mono_time now, arp_actions& out);
  /// remove_address(ip): ip is no longer ours (no effect if it was not).
  void remove_address(const ipv4_addr& ip) noexcept;
  /// is_own(ip): ip is one of our addresses.
  [[nodiscard]] bool is_own(const ipv4_addr& ip) const noexcept;

  /// input(packet, now, out): an ARP packet (the Ethernet payload) received.
  /// Errors (counted): errc::corrupt or errc::unsupported from the wire
  /// layer; errc::refused for a packet ignored by the input rules above.
  result<void> input(std::span<const std::byte> packet, mono_time now, arp_actions& out);

  /// send(next_hop, packet, now, out): an IPv4 packet (header first) for
  /// next_hop: framed into out at once when the MAC is known (broadcast and
  /// multicast next hops map directly), queued while it is being resolved,
  /// or dropped (counted) at a queue bound or an unspecified next hop.
  arp_send send(const ipv4_addr& next_hop, buf packet, mono_time now, arp_actions& out);

  /// poll(now, out): runs the timers due by now (retries, probes, aging,
  /// announcements).
  void poll(mono_time now, arp_actions& out);
  /// next_deadline: when poll() has something to do next, or mono_never.
  [[nodiscard]] mono_time next_deadline() const noexcept;

  /// lookup(ip): the MAC of ip when known (reachable, stale or probing).
  [[nodiscard]] std::optional<mac_addr> lookup(const ipv4_addr& ip) const noexcept;
  [[nodiscard]] arp_state state(const ipv4_addr& ip) const noexcept;
  /// entries: addresses in the cache, in any state.
  [[nodiscard]] std::size_t entries() const noexcept { return entries_.size(); }
  /// queued: packets waiting for resolution, all entries.
  [[nodiscard]] std::size_t queued() const noexcept { return queued_; }
  [[nodiscard]] const arp_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const arp_config& config() const noexcept { return config_; }

  /// frame(dst, type, packet): packet behind a new Ethernet header from our
  /// MAC, the packet shared, not copied: one buf when the header fits in the
  /// packet's headroom (buf::prepend), else a two-piece bufs; errc::no_memory.
  [[nodiscard]] result<bufs> frame(const mac_addr& dst, ethertype type,
                                   const buf& packet) const noexcept;

private:
  struct entry {
    ipv4_addr ip;
    mac_addr mac;
    arp_state state = arp_state::incomplete;
    mono_time deadline{};  // the next timer of the state
    mono_time last_used{};
    std::uint64_t order = 0;  // LRU: higher is more recent
    unsigned tries = 0;
    std::vector<buf> queue;
  };
  struct own_address {
    ipv4_addr ip;
    unsigned announcements_left = 0;
    mono_time next_announcement{};
  };

  entry* find(const ipv4_addr& ip) noexcept;
  const entry* find(const ipv4_addr& ip) const noexcept;
  entry& insert(const ipv4_addr& ip, arp_actions& out);
  void remove(std::size_t index, arp_drop why, arp_actions& out);
  void confirm(entry& e, const mac_addr& mac, mono_time now, arp_actions& out);
  void touch(entry& e, mono_time now) noexcept;
  void emit_arp(arp_operation op, const mac_addr& eth_dst, const ipv4_addr& sender_ip,
                const mac_addr& target_mac, const ipv4_addr& target_ip, arp_actions& out);
  void send_frame(const mac_addr& dst, const buf& packet, arp_actions& out) const;
  void count(arp_drop why, std::uint64_t n = 1) noexcept {
    stats_.drops[static_cast<std::size_t>(why)] += n;
  }

  arp_config config_;
  std::vector<entry> entries_;
  std::vector<own_address> own_;
  std::size_t queued_ = 0;
  std::uint64_t clock_ = 0;
  arp_stats stats_;
};

}  // namespace atl::net::ipv4
