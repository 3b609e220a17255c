// Fuzzes the IPv6 extension-header policy (net/ipv6/ext_policy.hpp) and the
// input path of ipv6_host behind it. The input is an IPv6 packet; for the
// host, its destination is rewritten to one of the host's addresses (input
// byte 24's low bit picks unicast or all-nodes) so that the walk is reached.
// Checks: a parameter problem points inside the packet, at a Next Header
// field naming the refused protocol (code 1) or at an option type whose
// action bits ask for an error (code 2); everything the host sends is a
// well-formed packet of at most 1280 bytes when it is an error.
#include <atoll/core/assert.hpp>
#include <atoll/net/ipv6/ext_policy.hpp>
#include <atoll/net/ipv6/ipv6_host.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

using namespace atl;
using namespace atl::net;

namespace {

const mac_addr host_mac(mac_addr::octets_type{0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
const mac_addr peer_mac(mac_addr::octets_type{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef});
const mono_time t0{std::chrono::seconds(1000)};
const ipv6_addr host_addr = ipv6_addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});

void check_policy(const ipv6_view& view) {
  const auto bytes = view.bytes();
  const auto upper = walk_extensions(view);
  if (upper) {
    if (upper->fragment) return;
    const auto p = unknown_next_header(view);
    ATOLL_ASSERT(p.code == 1);
    ATOLL_ASSERT(p.pointer < bytes.size());
    ATOLL_ASSERT(static_cast<std::uint8_t>(bytes[p.pointer]) ==
                 static_cast<std::uint8_t>(upper->protocol));
    return;
  }
  if (upper.error().code() != errc::unsupported) return;
  const auto p = ext_problem(view);
  if (!p) return;
  ATOLL_ASSERT(p->pointer < bytes.size());
  if (p->code == 2) {
    const auto type = static_cast<std::uint8_t>(bytes[p->pointer]);
    ATOLL_ASSERT((type >> 6) >= 2);
    ATOLL_ASSERT(p->to_multicast == ((type >> 6) == 2));
  } else {
    ATOLL_ASSERT(p->code == 0);
    ATOLL_ASSERT(p->pointer >= ipv6_view::header_len + 2);
    ATOLL_ASSERT(static_cast<std::uint8_t>(bytes[p->pointer + 1]) != 0);  // segments left
  }
}

ipv6_host make_host() {
  ipv6_host host(host_mac);
  host.start(t0, std::chrono::seconds(0));
  ATOLL_ASSERT(host.add_address(t0, host_addr, 64));
  host.poll(t0 + std::chrono::seconds(1));
  (void)host.take_frames();
  return host;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  if (const auto view = ipv6_view::checked(bytes)) check_policy(*view);

  if (size < ipv6_view::header_len) return 0;
  static ipv6_host host = make_host();
  std::vector<std::byte> packet(bytes.begin(), bytes.end());
  const ipv6_addr dst = (data[24] & 1) != 0 ? ipv6_addr::all_nodes() : host_addr;
  dst.write_to(std::span(packet).subspan(24));
  (void)host.input(t0 + std::chrono::seconds(2), packet);
  for (const auto& frame : host.take_frames()) {
    const auto view = ipv6_view::checked(frame.packet);
    ATOLL_ASSERT(view);
    if (view->next_header() != static_cast<std::uint8_t>(ip_protocol::icmpv6)) continue;
    const auto message = icmpv6_view::checked(view->payload());
    ATOLL_ASSERT(message);
    if (message->type() < 128) ATOLL_ASSERT(frame.packet.size() <= 1280);
    ATOLL_ASSERT(message->checksum_ok(ip_pair(view->src(), view->dst())));
  }
  (void)peer_mac;
  return 0;
}
