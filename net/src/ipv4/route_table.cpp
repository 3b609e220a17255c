// The routing table (route_table.hpp has the contract).
#include <atoll/net/ipv4/route_table.hpp>

#include <algorithm>

namespace atl::net::ipv4 {

namespace {

bool same_prefix(const ipv4_prefix& a, const ipv4_prefix& b) noexcept {
  return a.length() == b.length() && a.network() == b.network();
}

}  // namespace

route_table::route_table(std::size_t max_routes) noexcept : max_routes_(max_routes) {
  routes_.reserve(max_routes);
}

result<void> route_table::add(const route& r) {
  if (r.gateway.is_multicast() || r.gateway.is_broadcast()) {
    return error(errc::invalid_argument, "not a unicast gateway: ", r.gateway.text().view());
  }
  for (auto& existing : routes_) {
    if (same_prefix(existing.destination, r.destination)) {
      existing = r;
      return ok();
    }
  }
  if (routes_.size() >= max_routes_) return error(errc::limit_exceeded, "routing table full");
  routes_.push_back(r);
  return ok();
}

result<void> route_table::set_default(const ipv4_addr& gateway) {
  ATOLL_TRY(const auto any, ipv4_prefix::create(ipv4_addr::any(), 0));
  return add(route{any, gateway, 0});
}

bool route_table::remove(const ipv4_prefix& destination) noexcept {
  return std::erase_if(
             routes_, [&](const route& r) { return same_prefix(r.destination, destination); }) != 0;
}

std::optional<route_match> route_table::lookup(const ipv4_addr& dst) const noexcept {
  const route* best = nullptr;
  for (const auto& r : routes_) {
    if (!r.destination.contains(dst)) continue;
    if (best == nullptr || r.destination.length() > best->destination.length()) best = &r;
  }
  if (best == nullptr) return std::nullopt;
  return route_match{*best, best->gateway.is_unspecified() ? dst : best->gateway};
}

}  // namespace atl::net::ipv4
