// ipv6_frame: an IPv6 packet ready for the link, with the Ethernet address
// it goes to. The sans-I/O IPv6 cores (neighbour cache, host) hand these
// back to their caller, which adds the Ethernet header and writes them.
#pragma once

#include <atoll/net/addr.hpp>

#include <cstddef>
#include <vector>

namespace atl::net {

/// ipv6_frame: `packet` is a whole IPv6 packet (fixed header first);
/// `dst_mac` the link-layer destination (a neighbour or 33:33:xx group).
struct ipv6_frame {
  mac_addr dst_mac;
  std::vector<std::byte> packet;
};

}  // namespace atl::net
