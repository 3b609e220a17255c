// pmtu_table: the path MTUs learnt from ICMP, for both families (RFC 1191
// for IPv4's "fragmentation needed", RFC 8201 for ICMPv6's packet too big),
// keyed by ip_addr. Sans-I/O: the time is an argument.
//
// - Bounded: at most max_entries; when full, the entry updated longest ago
//   is replaced. max_entries 0 records nothing.
// - Aging: an entry lowers the MTU to its destination for `lifetime` after
//   its last update (RFC 1191 section 6.3 and RFC 8201 section 4 suggest 10
//   minutes), then the link or route MTU applies again, so a forged message
//   cannot shrink a path for ever. An expired entry is ignored at once;
//   expire() frees its slot.
// - Floored: values below min_mtu are raised to it, so a forged message
//   cannot force tiny fragments: Linux's min_pmtu of 552 for IPv4; IPv6's
//   minimum link MTU of 1280 (ipv6_host sets it).
//
// Two ways to learn, one per RFC: update() (IPv4) records every report and
// refreshes the entry's age even when it does not lower it; lower() (IPv6)
// records a report only when it lowers the MTU in use.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atl::net::ip {

struct pmtu_config {
  std::size_t max_entries = 64;
  duration lifetime = std::chrono::minutes(10);
  std::uint32_t min_mtu = 552;
};

class pmtu_table {
public:
  /// pmtu_table(config): empty; room for max_entries reserved up front.
  explicit pmtu_table(const pmtu_config& config = {}) noexcept;

  /// update(dst, mtu, now): the path to dst takes at most mtu bytes (raised
  /// to min_mtu). Only lowers a known, unexpired value; refreshes its age.
  /// Returns the MTU now recorded (mtu, raised, when nothing is recorded).
  std::uint32_t update(const ip_addr& dst, std::uint32_t mtu, mono_time now) noexcept;
  /// lower(dst, mtu, link_mtu, now): a packet to dst was too big for a link
  /// of mtu bytes (raised to min_mtu). Recorded only when below the MTU in
  /// use (mtu(dst, now, link_mtu)); returns whether that MTU changed.
  bool lower(const ip_addr& dst, std::uint32_t mtu, std::uint32_t link_mtu, mono_time now) noexcept;
  /// mtu(dst, now, link_mtu): the MTU to use towards dst: link_mtu, lowered
  /// by an unexpired entry.
  [[nodiscard]] std::uint32_t mtu(const ip_addr& dst, mono_time now,
                                  std::uint32_t link_mtu) const noexcept;
  /// expire(now): drops the entries older than the lifetime.
  void expire(mono_time now) noexcept;
  /// next_deadline: when the oldest entry expires, or mono_never.
  [[nodiscard]] mono_time next_deadline() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] const pmtu_config& config() const noexcept { return config_; }

private:
  struct entry {
    ip_addr dst;
    std::uint32_t mtu = 0;
    mono_time updated;
  };

  [[nodiscard]] bool live(const entry& e, mono_time now) const noexcept {
    return now - e.updated < config_.lifetime;
  }
  void insert(const ip_addr& dst, std::uint32_t mtu, mono_time now) noexcept;

  pmtu_config config_;
  std::vector<entry> entries_;
};

}  // namespace atl::net::ip
