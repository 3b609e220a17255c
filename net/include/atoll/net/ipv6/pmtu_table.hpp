// Path MTU table (RFC 8201): the MTU learnt for each destination from
// ICMPv6 packet too big messages, never below IPv6's minimum of 1280 bytes
// nor above the link's MTU. Bounded: when full, the least recently updated
// entry is replaced. Entries expire (RFC 8201 section 4 suggests trying a
// larger MTU again after 10 minutes), so a forged message cannot shrink a
// path for ever.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atl::net {

inline constexpr std::uint32_t ipv6_min_mtu = 1280;

struct pmtu_config {
  std::size_t max_entries = 64;
  duration expiry = std::chrono::minutes(10);
};

class pmtu_table {
public:
  explicit pmtu_table(std::uint32_t link_mtu, const pmtu_config& config = {}) noexcept;

  /// mtu(now, dst): the MTU to use for packets to dst.
  [[nodiscard]] std::uint32_t mtu(mono_time now, const ipv6_addr& dst) const noexcept;
  /// on_packet_too_big(now, dst, mtu): a packet to dst was too big for a
  /// link of `mtu` bytes. Raised to 1280 when smaller (RFC 8201 section 4);
  /// ignored when not below the MTU in use. Returns whether it changed.
  bool on_packet_too_big(mono_time now, const ipv6_addr& dst, std::uint32_t mtu) noexcept;
  /// set_link_mtu(mtu): the link's MTU (from the device or a router
  /// advertisement), at least 1280.
  void set_link_mtu(std::uint32_t mtu) noexcept;
  [[nodiscard]] std::uint32_t link_mtu() const noexcept { return link_mtu_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
  struct entry {
    ipv6_addr dst;
    std::uint32_t mtu = 0;
    mono_time updated;
  };

  pmtu_config config_;
  std::uint32_t link_mtu_;
  std::vector<entry> entries_;
};

}  // namespace atl::net
