// Fuzzes ipv6_view / ipv6_repr and walk_extensions: errors, or a header
// that emits and parses back equal and an upper layer inside the payload.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  const auto view = ipv6_view::checked(bytes);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  ATOLL_ASSERT(view->payload().size() == view->payload_len());
  for (const ipv6_ext_limits& limits : {ipv6_ext_limits{}, ipv6_ext_limits{64, 65535}}) {
    const auto upper = walk_extensions(*view, limits);
    if (upper) {
      ATOLL_ASSERT(upper->offset <= view->payload().size());
      ATOLL_ASSERT(upper->headers <= limits.max_headers);
      ATOLL_ASSERT(upper->offset <= limits.max_bytes);
    } else {
      const errc code = upper.error().code();
      ATOLL_ASSERT(code == errc::corrupt || code == errc::unsupported ||
                   code == errc::limit_exceeded);
    }
  }
  const auto repr = ipv6_repr::parse(*view);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::corrupt);
    return 0;
  }
  auto out = fuzz::buffer(ipv6_repr::buffer_len() + repr->payload_len);
  repr->emit(std::span(out).first(ipv6_repr::buffer_len()));
  const auto again = ipv6_repr::parse(*ipv6_view::checked(out));
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
