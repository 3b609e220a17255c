// route_table: a small, bounded IPv4 routing table for a host: on-link
// prefixes and gateways, longest prefix match, a default route
// (0.0.0.0/0). Linear search: a host has a handful of routes.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace atl::net::ipv4 {

/// route: packets to `destination` go to `gateway`, or straight to their
/// destination when the gateway is 0.0.0.0 (on-link). mtu 0 means the
/// interface's.
struct route {
  ipv4_prefix destination;
  ipv4_addr gateway;
  std::uint16_t mtu = 0;

  friend bool operator==(const route&, const route&) noexcept = default;
};

/// route_match: the chosen route and the next hop to resolve with ARP.
struct route_match {
  route via;
  ipv4_addr next_hop;
};

class route_table {
public:
  /// route_table(max_routes): room for max_routes routes, reserved now.
  explicit route_table(std::size_t max_routes = 16) noexcept;

  /// add(r): adds r, or replaces the route of the same destination prefix
  /// (network and length). errc::limit_exceeded when the table is full;
  /// errc::invalid_argument for a multicast or broadcast gateway.
  result<void> add(const route& r);
  /// set_default(gateway): add() of 0.0.0.0/0 via gateway.
  result<void> set_default(const ipv4_addr& gateway);
  /// remove(destination): removes the route of that prefix; false if none.
  bool remove(const ipv4_prefix& destination) noexcept;
  /// lookup(dst): the most specific route containing dst, or std::nullopt.
  [[nodiscard]] std::optional<route_match> lookup(const ipv4_addr& dst) const noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }
  [[nodiscard]] const std::vector<route>& routes() const noexcept { return routes_; }

private:
  std::vector<route> routes_;
  std::size_t max_routes_;
};

}  // namespace atl::net::ipv4
