// Fuzzes dhcp_view / dhcp_repr, the option cursor, overload and
// concatenation: errors, or a repr that emits and parses back equal.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/dhcpv4.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  const auto view = dhcp_view::checked(bytes);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  const auto repr = dhcp_repr::parse(*view);
  if (!repr) {
    const errc code = repr.error().code();
    ATOLL_ASSERT(code == errc::corrupt || code == errc::unsupported);
    return 0;
  }
  auto out = fuzz::buffer(repr->buffer_len());
  repr->emit(out);
  const auto again = dhcp_repr::parse(*dhcp_view::checked(out));
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
