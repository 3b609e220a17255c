// Fuzzes arp_view / arp_repr: errors or a repr that emits and parses back equal.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/arp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  const auto view = arp_view::checked(bytes);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  // Every address accessor stays inside the bytes.
  ATOLL_ASSERT(view->len() <= size);
  ATOLL_ASSERT(view->target_protocol().data() + view->target_protocol().size() <=
               bytes.data() + bytes.size());
  const auto repr = arp_repr::parse(*view);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::unsupported);
    return 0;
  }
  auto out = fuzz::buffer(arp_repr::buffer_len());
  repr->emit(out);
  const auto again = arp_repr::parse(*arp_view::checked(out));
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
