#include <atoll/net/dhcp/lease.hpp>

namespace atl::net::dhcp {

ipv4_config lease::config() const noexcept {
  ipv4_config c;
  c.address = address;
  c.gateway = gateway;
  for (const ipv4_addr& resolver : dns_list()) {
    // dns_count <= max_dns == ipv4_config::max_dns: cannot fail.
    (void)c.add_dns(resolver);
  }
  c.mtu = mtu;
  return c;
}

}  // namespace atl::net::dhcp
