// Fuzzes udp_view / udp_repr over IPv4 and IPv6 (net_fuzz.hpp): whatever
// parses (checksum ignored) emits, with its payload, a datagram whose
// checksum verifies and which parses back equal.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/udp.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::split_transport(data, size);
  if (!input) return 0;
  const auto view = udp_view::checked(input->message);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  ATOLL_ASSERT(view->bytes().size() == view->length());
  (void)udp_repr::parse(*view, input->ips);
  const auto repr = udp_repr::parse(*view, input->ips, checksum_policy::ignore);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::corrupt);
    return 0;
  }
  auto out = fuzz::buffer(udp_repr::buffer_len() + repr->payload_len);
  repr->emit(std::span(out).first(udp_repr::buffer_len()), input->ips, view->payload());
  std::copy(view->payload().begin(), view->payload().end(), out.begin() + 8);
  const auto again_view = udp_view::checked(out);
  ATOLL_ASSERT(again_view.has_value() && again_view->checksum_ok(input->ips));
  const auto again = udp_repr::parse(*again_view, input->ips);
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
