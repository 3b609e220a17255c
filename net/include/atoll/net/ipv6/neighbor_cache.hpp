// The neighbour cache of RFC 4861 section 7.3: IPv6 address -> Ethernet
// address, with the reachability states INCOMPLETE, REACHABLE, STALE, DELAY
// and PROBE, neighbour solicitation retransmissions, and the packets that
// wait for an address to be resolved.
//
// Sans-I/O: every call takes the time, and what must go out is appended to a
// neighbor_actions: frames to write, and neighbour solicitations to send
// (the owner builds them, since it knows our addresses). Nothing reads a
// clock; poll(now) runs the timers and next_deadline() says when to call it.
//
// Bounds: at most max_entries neighbours (the least recently used one is
// evicted, preferring entries that hold no waiting packets), at most
// max_pending_per_entry waiting packets per neighbour and max_pending_total
// in all; what does not fit is dropped and counted.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/ipv6/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace atl::net {

enum class neighbor_state : std::uint8_t { incomplete, reachable, stale, delay, probe };

/// neighbor_config: RFC 4861 section 10 constants, and the cache's bounds.
struct neighbor_config {
  std::size_t max_entries = 64;
  std::size_t max_pending_per_entry = 4;
  std::size_t max_pending_total = 64;
  duration retrans_timer = std::chrono::seconds(1);    ///< RetransTimer
  duration reachable_time = std::chrono::seconds(30);  ///< ReachableTime (randomised by the owner)
  duration delay_first_probe = std::chrono::seconds(5);  ///< DELAY_FIRST_PROBE_TIME
  unsigned max_multicast_solicit = 3;                    ///< MAX_MULTICAST_SOLICIT
  unsigned max_unicast_solicit = 3;                      ///< MAX_UNICAST_SOLICIT
};

/// ns_request: a neighbour solicitation the owner must send for `target`:
/// to its solicited-node group when `unicast` is empty (address
/// resolution), else to `target` at that Ethernet address (a probe).
struct ns_request {
  ipv6_addr target;
  std::optional<mac_addr> unicast;
};

/// neighbor_actions: what a call asks the owner to send. Appended to; the
/// owner drains it.
struct neighbor_actions {
  std::vector<ipv6_frame> frames;
  std::vector<ns_request> solicits;
};

/// neighbor_stats: counters of what the cache dropped or gave up on.
struct neighbor_stats {
  std::uint64_t evictions = 0;        ///< entries removed to make room
  std::uint64_t pending_dropped = 0;  ///< waiting packets dropped (queue full or resolution failed)
  std::uint64_t resolution_failed = 0;  ///< entries deleted after unanswered solicitations
};

/// send_outcome: what neighbor_cache::send did with a packet.
enum class send_outcome : std::uint8_t { sent, queued, dropped };

class neighbor_cache {
public:
  explicit neighbor_cache(const neighbor_config& config = {}) noexcept;

  /// send(now, next_hop, packet, out): the packet goes out to next_hop's
  /// Ethernet address when it is known (a STALE entry moves to DELAY);
  /// otherwise it waits (and an INCOMPLETE entry is made, with a first
  /// solicitation). dropped when a bound is hit.
  send_outcome send(mono_time now, const ipv6_addr& next_hop, std::vector<std::byte> packet,
                    neighbor_actions& out);

  /// on_link_address(now, src, mac, out): a neighbour solicitation (or a
  /// router solicitation or advertisement) from src carrying its link-layer
  /// address (RFC 4861 7.2.3, 6.3.4): creates or updates a STALE entry.
  void on_link_address(mono_time now, const ipv6_addr& src, const mac_addr& mac,
                       neighbor_actions& out);
  /// on_advertisement(now, target, target_ll, solicited, override, router,
  /// out): RFC 4861 7.2.5. Returns true when the neighbour said it is no
  /// longer a router (R cleared on an entry that was one): the owner removes
  /// it from its default router list (7.2.5, last paragraph).
  bool on_advertisement(mono_time now, const ipv6_addr& target,
                        const std::optional<mac_addr>& target_ll, bool solicited, bool override,
                        bool router, neighbor_actions& out);
  /// set_router(ip): the neighbour is a router (it sent an advertisement).
  void set_router(const ipv6_addr& ip) noexcept;
  /// confirm(now, ip): an upper layer saw forward progress (RFC 4861 7.3.1):
  /// the entry, if resolved, becomes REACHABLE.
  void confirm(mono_time now, const ipv6_addr& ip) noexcept;

  /// poll(now, out): runs the timers due at `now`.
  void poll(mono_time now, neighbor_actions& out);
  /// next_deadline: when poll() has something to do; mono_never if nothing.
  [[nodiscard]] mono_time next_deadline() const noexcept;

  /// set_reachable_time(d): a new ReachableTime (from a router
  /// advertisement, randomised by the owner, RFC 4861 6.3.2).
  void set_reachable_time(duration d) noexcept { config_.reachable_time = d; }
  /// set_retrans_timer(d): a new RetransTimer (from a router advertisement).
  void set_retrans_timer(duration d) noexcept { config_.retrans_timer = d; }

  [[nodiscard]] std::optional<neighbor_state> state(const ipv6_addr& ip) const noexcept;
  [[nodiscard]] std::optional<mac_addr> lookup(const ipv6_addr& ip) const noexcept;
  [[nodiscard]] bool is_router(const ipv6_addr& ip) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t pending_total() const noexcept { return pending_total_; }
  [[nodiscard]] const neighbor_stats& stats() const noexcept { return stats_; }

private:
  struct entry {
    ipv6_addr ip;
    mac_addr mac;
    neighbor_state state = neighbor_state::incomplete;
    bool router = false;
    unsigned probes = 0;           ///< solicitations sent in INCOMPLETE or PROBE
    mono_time timer = mono_never;  ///< next transition or retransmission
    std::uint64_t used = 0;        ///< LRU stamp
    std::vector<std::vector<std::byte>> pending;
  };

  entry* find(const ipv6_addr& ip) noexcept;
  [[nodiscard]] const entry* find(const ipv6_addr& ip) const noexcept;
  entry* insert(const ipv6_addr& ip);
  void set_state(entry& e, mono_time now, neighbor_state state) const noexcept;
  void flush(entry& e, neighbor_actions& out);
  void drop_pending(entry& e) noexcept;
  void touch(entry& e) noexcept { e.used = ++clock_; }

  neighbor_config config_;
  std::vector<entry> entries_;
  std::size_t pending_total_ = 0;
  std::uint64_t clock_ = 0;
  neighbor_stats stats_;
};

}  // namespace atl::net
