#include <atoll/net/ip_config.hpp>

#include <algorithm>

namespace atl::net {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// for_each_item(list, what, f): f(item) for each comma-separated item,
// trimmed; an empty item (",," or a trailing comma) is an error.
template <class F>
result<void> for_each_item(std::string_view list, std::string_view what, F&& f) noexcept {
  list = trim(list);
  if (list.empty()) return ok();
  for (;;) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (item.empty()) return error(errc::invalid_argument, "ipv4 ", what, ": an empty item");
    ATOLL_TRYV(f(item));
    if (comma == std::string_view::npos) return ok();
    list = list.substr(comma + 1);
  }
}

// A unicast address a host may own or send to as a next hop.
result<void> check_host(std::string_view what, std::string_view text, ipv4_addr a) noexcept {
  if (a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback()) {
    return error(errc::invalid_argument, "ipv4 ", what, " '", text, "' is not a unicast address");
  }
  return ok();
}

result<ipv4_addr> parse_host(std::string_view what, std::string_view text) noexcept {
  const auto a = ipv4_addr::parse(text);
  if (!a) return error(errc::invalid_argument, "ipv4 ", what, " '", text, "' is not an address");
  ATOLL_TRYV(check_host(what, text, *a));
  return *a;
}

result<void> check_on_link(std::string_view what, const ipv4_prefix& subnet,
                           ipv4_addr gateway) noexcept {
  if (!subnet.contains(gateway) || gateway == subnet.address()) {
    return error(errc::invalid_argument, "ipv4 ", what, " '", gateway.text().view(), "' is not on ",
                 subnet.text().view());
  }
  return ok();
}

}  // namespace

result<void> ipv4_config::add_route(const ipv4_route& r) noexcept {
  if (route_count == max_routes) {
    return error(errc::limit_exceeded, "ipv4: more than ", max_routes, " routes");
  }
  routes[route_count++] = r;
  return ok();
}

result<void> ipv4_config::add_dns(const ipv4_addr& a) noexcept {
  if (dns_count == max_dns) {
    return error(errc::limit_exceeded, "ipv4: more than ", max_dns, " DNS servers");
  }
  dns[dns_count++] = a;
  return ok();
}

bool operator==(const ipv4_config& a, const ipv4_config& b) noexcept {
  return a.address == b.address && a.gateway == b.gateway && a.mtu == b.mtu &&
         std::ranges::equal(a.route_list(), b.route_list()) &&
         std::ranges::equal(a.dns_list(), b.dns_list());
}

result<ipv4_prefix> parse_ipv4_interface(std::string_view text) noexcept {
  text = trim(text);
  if (text.find('/') == std::string_view::npos) {
    return error(errc::invalid_argument, "ipv4 address '", text,
                 "' has no prefix length (write it as 10.0.0.2/24)");
  }
  const auto p = ipv4_prefix::parse(text);
  if (!p) return error(errc::invalid_argument, "ipv4 address '", text, "' is not address/length");
  ATOLL_TRYV(check_host("address", text, p->address()));
  // On /31 and /32 every address is a host's (RFC 3021).
  if (p->length() <= 30 && (p->address() == p->network() || p->address() == p->broadcast())) {
    return error(errc::invalid_argument, "ipv4 address '", text,
                 "' is its subnet's network or broadcast address");
  }
  return *p;
}

result<ipv4_route> parse_ipv4_route(std::string_view text) noexcept {
  text = trim(text);
  const std::size_t via = text.find(" via ");
  if (via == std::string_view::npos) {
    return error(errc::invalid_argument, "ipv4 route '", text,
                 "' is not 'destination/length via gateway'");
  }
  const std::string_view dest_text = trim(text.substr(0, via));
  const std::string_view gateway_text = trim(text.substr(via + 5));
  const auto dest = ipv4_prefix::parse(dest_text);
  if (!dest) {
    return error(errc::invalid_argument, "ipv4 route destination '", dest_text,
                 "' is not address/length");
  }
  if (dest->address() != dest->network()) {
    return error(errc::invalid_argument, "ipv4 route destination '", dest_text,
                 "' has host bits set (network is ", dest->network().text().view(), ")");
  }
  ATOLL_TRY(const ipv4_addr gateway, parse_host("route gateway", gateway_text));
  return ipv4_route{*dest, gateway};
}

result<std::optional<ipv4_config>> parse_ipv4_config(const ipv4_settings& s) noexcept {
  const std::string_view address = trim(s.address);
  if (address.empty()) {
    if (!trim(s.gateway).empty() || !trim(s.routes).empty() || !trim(s.dns).empty() ||
        !trim(s.mtu).empty()) {
      return error(errc::invalid_argument,
                   "ipv4 gateway, routes, dns or mtu given without an address");
    }
    return std::optional<ipv4_config>();
  }
  ipv4_config c;
  ATOLL_TRY(c.address, parse_ipv4_interface(address));
  if (const std::string_view gw = trim(s.gateway); !gw.empty()) {
    ATOLL_TRY(const ipv4_addr g, parse_host("gateway", gw));
    ATOLL_TRYV(check_on_link("gateway", c.address, g));
    c.gateway = g;
  }
  const auto add_route = [&c](std::string_view item) -> result<void> {
    ATOLL_TRY(const ipv4_route r, parse_ipv4_route(item));
    ATOLL_TRYV(check_on_link("route gateway", c.address, r.gateway));
    return c.add_route(r);
  };
  const auto add_dns = [&c](std::string_view item) -> result<void> {
    ATOLL_TRY(const ipv4_addr a, parse_host("dns server", item));
    return c.add_dns(a);
  };
  ATOLL_TRYV(for_each_item(s.routes, "routes", add_route));
  ATOLL_TRYV(for_each_item(s.dns, "dns", add_dns));
  if (const std::string_view mtu = trim(s.mtu); !mtu.empty()) {
    const auto m = parse_key_value<std::uint16_t>(mtu);
    // 68: the least every IPv4 host must handle (RFC 791).
    if (!m || *m < 68) {
      return error(errc::invalid_argument, "ipv4 mtu '", mtu, "' is not a number of 68 to 65535");
    }
    c.mtu = *m;
  }
  return std::optional<ipv4_config>(c);
}

void register_ipv4_keys(key_set& keys, ipv4_settings& s) noexcept {
  keys.add("ipv4", s.address, "static IPv4 address with prefix (10.0.0.2/24); none: DHCP");
  keys.add("ipv4-gateway", s.gateway, "IPv4 default gateway (10.0.0.1)");
  keys.add("ipv4-routes", s.routes, "IPv4 routes, comma separated (192.168.0.0/16 via 10.0.0.254)");
  keys.add("ipv4-dns", s.dns, "DNS servers, comma separated (10.0.0.1,9.9.9.9)");
  keys.add("ipv4-mtu", s.mtu, "IPv4 MTU (68 to 65535); none: the device's");
}

}  // namespace atl::net
