// pmtu_table: path MTUs learnt from ICMP "fragmentation needed" (RFC 1191),
// bounded and aging. An entry lowers the MTU to one destination for
// `lifetime` (RFC 1191 section 6.3 suggests 10 minutes), after which the
// interface or route MTU applies again. Values below min_mtu are raised to
// it (Linux's min_pmtu, 552 by default): a forged ICMP message cannot force
// tiny fragments. At max_entries the entry updated longest ago is replaced.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atl::net::ipv4 {

struct pmtu_config {
  std::size_t max_entries = 64;
  duration lifetime = std::chrono::minutes(10);
  std::uint16_t min_mtu = 552;
};

class pmtu_table {
public:
  explicit pmtu_table(const pmtu_config& config = {}) noexcept;

  /// update(dst, mtu, now): the path to dst takes at most mtu bytes (raised
  /// to min_mtu). Only lowers a known, unexpired value; refreshes its age.
  /// Returns the MTU now recorded.
  std::uint16_t update(const ipv4_addr& dst, std::uint16_t mtu, mono_time now) noexcept;
  /// mtu(dst, now, link_mtu): the MTU to use towards dst: link_mtu, lowered
  /// by an unexpired entry.
  [[nodiscard]] std::uint16_t mtu(const ipv4_addr& dst, mono_time now,
                                  std::uint16_t link_mtu) const noexcept;
  /// expire(now): drops entries older than the lifetime.
  void expire(mono_time now) noexcept;
  /// next_deadline: when the oldest entry expires, or mono_never.
  [[nodiscard]] mono_time next_deadline() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  /// plateau_below(len): RFC 1191 section 7's table: the largest plateau
  /// MTU below len, for a "fragmentation needed" without a next-hop MTU.
  [[nodiscard]] static std::uint16_t plateau_below(std::uint16_t len) noexcept;

private:
  struct entry {
    ipv4_addr dst;
    std::uint16_t mtu;
    mono_time updated;
  };

  pmtu_config config_;
  std::vector<entry> entries_;
};

}  // namespace atl::net::ipv4
