// Fuzzes ethernet_view / ethernet_repr: any frame is rejected with an error
// or parses, and a parsed header emits and parses back equal. The payload is
// handed to the view its EtherType names (ARP, IPv4, IPv6), as the stack does.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/arp.hpp>
#include <atoll/net/wire/ethernet.hpp>
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto frame = std::as_bytes(std::span(data, size));
  const auto view = ethernet_view::checked(frame);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt && size < 18);
    return 0;
  }
  ATOLL_ASSERT(view->header_len() + view->payload().size() == size);
  const auto repr = ethernet_repr::parse(*view);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::unsupported);
    return 0;
  }
  auto out = fuzz::buffer(repr->buffer_len());
  repr->emit(out);
  const auto again = ethernet_repr::parse(*ethernet_view::checked(out));
  ATOLL_ASSERT(again.has_value() && *again == *repr);

  switch (repr->type) {
    case ethertype::arp:
      if (auto arp = arp_view::checked(view->payload())) (void)arp_repr::parse(*arp);
      break;
    case ethertype::ipv4:
      if (auto ip = ipv4_view::checked(view->payload())) (void)ipv4_repr::parse(*ip);
      break;
    case ethertype::ipv6:
      if (auto ip = ipv6_view::checked(view->payload())) {
        (void)ipv6_repr::parse(*ip);
        (void)walk_extensions(*ip);
      }
      break;
    default: break;
  }
  return 0;
}
