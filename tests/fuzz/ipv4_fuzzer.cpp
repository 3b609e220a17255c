// Fuzzes ipv4_view / ipv4_repr and the option walk. A packet that parses
// (checksum ignored, so the fuzzer reaches past it) emits a header whose
// checksum verifies and which parses back equal.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/options.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  if (const auto quoted = ipv4_view::checked_header(bytes)) {
    ATOLL_ASSERT(quoted->header_len() + quoted->payload().size() <= size);
    (void)ipv4_repr::parse(*quoted, checksum_policy::ignore);
  }
  const auto view = ipv4_view::checked(bytes);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  ATOLL_ASSERT(view->bytes().size() == view->total_len());
  ATOLL_ASSERT(view->header_len() + view->payload().size() == view->total_len());
  (void)ipv4_repr::parse(*view);
  const auto repr = ipv4_repr::parse(*view, checksum_policy::ignore);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::corrupt);
    return 0;
  }
  ATOLL_ASSERT(check_options(view->options()).has_value());
  auto out = fuzz::buffer(ipv4_repr::buffer_len() + repr->payload_len);
  repr->emit(std::span(out).first(ipv4_repr::buffer_len()));
  std::copy(view->payload().begin(), view->payload().end(), out.begin() + 20);
  const auto again_view = ipv4_view::checked(out);
  ATOLL_ASSERT(again_view.has_value() && again_view->checksum_ok());
  const auto again = ipv4_repr::parse(*again_view);
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
