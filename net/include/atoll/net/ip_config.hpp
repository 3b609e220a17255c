// ipv4_config: how an interface is configured for IPv4 — its address and
// prefix, a default gateway, extra routes, DNS servers, an MTU — whether it
// came from the command line (static configuration) or from a DHCP lease
// (dhcp::lease::config()). The stack takes one ipv4_config either way.
//
// Text forms, as a user writes them:
//   address  "10.0.0.2/24"                      (the prefix length is required)
//   gateway  "10.0.0.1"                         (on the address's subnet)
//   routes   "192.168.0.0/16 via 10.0.0.254, 172.16.0.0/12 via 10.0.0.253"
//   dns      "10.0.0.1, 9.9.9.9"
// Lists are comma separated; spaces around items are ignored. Every failure
// is errc::invalid_argument naming the setting and quoting the text
// ("ipv4 gateway '10.1.0.1' is not on 10.0.0.2/24"); limit_exceeded when a
// list is longer than its bound.
//
// Keys (core/keys.hpp) hold scalars and strings only, so the settings are
// string keys (ipv4_keys below) parsed into an ipv4_config after the key set
// has parsed the boot arguments.
#pragma once

#include <atoll/core/keys.hpp>
#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net {

/// ipv4_route: packets to `destination` go through `gateway`, which is on link.
struct ipv4_route {
  ipv4_prefix destination;
  ipv4_addr gateway;

  friend bool operator==(const ipv4_route&, const ipv4_route&) noexcept = default;
};

/// ipv4_config: one interface's IPv4 configuration, bounded (no allocation).
struct ipv4_config {
  static constexpr std::size_t max_routes = 8;
  static constexpr std::size_t max_dns = 4;

  ipv4_prefix address;               ///< the interface's address and its subnet
  std::optional<ipv4_addr> gateway;  ///< the default route's next hop
  std::array<ipv4_route, max_routes> routes{};
  std::uint8_t route_count = 0;
  std::array<ipv4_addr, max_dns> dns{};
  std::uint8_t dns_count = 0;
  std::optional<std::uint16_t> mtu;  ///< none: the device's

  [[nodiscard]] std::span<const ipv4_route> route_list() const noexcept {
    return std::span<const ipv4_route>(routes).first(route_count);
  }
  [[nodiscard]] std::span<const ipv4_addr> dns_list() const noexcept {
    return std::span<const ipv4_addr>(dns).first(dns_count);
  }
  /// add_route(r): errc::limit_exceeded when max_routes are held.
  result<void> add_route(const ipv4_route& r) noexcept;
  /// add_dns(a): errc::limit_exceeded when max_dns are held.
  result<void> add_dns(const ipv4_addr& a) noexcept;

  friend bool operator==(const ipv4_config& a, const ipv4_config& b) noexcept;
};

/// parse_ipv4_interface("10.0.0.2/24"): an address usable by a host (not
/// 0.0.0.0, loopback, multicast or broadcast, and for prefixes up to /30
/// neither the subnet's network nor its broadcast address) with its prefix.
result<ipv4_prefix> parse_ipv4_interface(std::string_view text) noexcept;

/// parse_ipv4_route("192.168.0.0/16 via 10.0.0.254"): a destination without
/// host bits set, the word "via", a gateway address.
result<ipv4_route> parse_ipv4_route(std::string_view text) noexcept;

/// ipv4_settings: the static configuration as text (views into the boot
/// arguments or literals; they must live until parse_ipv4_config returns).
/// An empty string means "not given".
struct ipv4_settings {
  std::string_view address{};
  std::string_view gateway{};
  std::string_view routes{};
  std::string_view dns{};
  std::string_view mtu{};
};

/// parse_ipv4_config(s): the configuration the settings describe, checked
/// as a whole: the gateway and every route's gateway are on the address's
/// subnet; gateway, routes, dns or mtu without an address is an error.
/// std::nullopt when no setting is given at all (the caller uses DHCP).
result<std::optional<ipv4_config>> parse_ipv4_config(const ipv4_settings& s) noexcept;

/// register_ipv4_keys(keys, s): binds s's fields to the keys --ipv4,
/// --ipv4-gateway, --ipv4-routes, --ipv4-dns and --ipv4-mtu; after
/// keys.parse(args), parse_ipv4_config(s) gives the configuration. `s` must
/// outlive `keys`.
void register_ipv4_keys(key_set& keys, ipv4_settings& s) noexcept;

}  // namespace atl::net
