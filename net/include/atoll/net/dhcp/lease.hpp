// dhcp::lease: what a DHCP server granted (RFC 2131): the address and its
// subnet, the router and DNS servers it named, and the lease's times, both
// as durations and as the instants the client acts on.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/ip_config.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net::dhcp {

struct lease {
  static constexpr std::size_t max_dns = ipv4_config::max_dns;

  ipv4_prefix address;  ///< yiaddr with the subnet mask's length
  ipv4_addr server;     ///< the server identifier (option 54)
  std::optional<ipv4_addr> gateway;
  std::array<ipv4_addr, max_dns> dns{};
  std::uint8_t dns_count = 0;
  /// mtu: option 26 is requested, but the wire repr (wire/dhcpv4.hpp) does
  /// not read it yet, so this stays empty.
  std::optional<std::uint16_t> mtu;

  bool infinite = false;  ///< lease time 0xffffffff: never renewed, never expires
  duration lease_time{};  ///< as granted (lease_time, t1, t2 are zero when infinite)
  duration t1{};          ///< renewal time
  duration t2{};          ///< rebinding time
  mono_time start{};      ///< when the REQUEST that got it was first sent
  /// renew_at, rebind_at, expires_at: start + t1, t2, lease_time (mono_never if infinite).
  mono_time renew_at = mono_never;
  mono_time rebind_at = mono_never;
  mono_time expires_at = mono_never;

  [[nodiscard]] std::span<const ipv4_addr> dns_list() const noexcept {
    return std::span<const ipv4_addr>(dns).first(dns_count);
  }
  /// config: the lease as the stack's interface configuration.
  [[nodiscard]] ipv4_config config() const noexcept;
};

}  // namespace atl::net::dhcp
