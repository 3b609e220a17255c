// Fuzzes tcp_view / tcp_repr and the option walk over IPv4 and IPv6
// (net_fuzz.hpp): whatever parses (checksum ignored) emits, with its
// payload, a segment whose checksum verifies and which parses back equal:
// every option set a peer fits in 40 bytes, emit() fits too.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::split_transport(data, size);
  if (!input) return 0;
  const auto view = tcp_view::checked(input->message);
  if (!view) {
    ATOLL_ASSERT(view.error().code() == errc::corrupt);
    return 0;
  }
  (void)tcp_repr::parse(*view, input->ips);
  const auto repr = tcp_repr::parse(*view, input->ips, checksum_policy::ignore);
  if (!repr) {
    ATOLL_ASSERT(repr.error().code() == errc::corrupt);
    return 0;
  }
  ATOLL_ASSERT(repr->sack_blocks_sent() == repr->sack_count);
  ATOLL_ASSERT(repr->buffer_len() <= tcp_view::max_header_len);
  const std::size_t header_len = repr->buffer_len();
  auto out = fuzz::buffer(header_len + repr->payload_len);
  repr->emit(std::span(out).first(header_len), input->ips, view->payload());
  std::copy(view->payload().begin(), view->payload().end(),
            out.begin() + static_cast<std::ptrdiff_t>(header_len));
  const auto again_view = tcp_view::checked(out);
  ATOLL_ASSERT(again_view.has_value() && again_view->checksum_ok(input->ips));
  const auto again = tcp_repr::parse(*again_view, input->ips);
  ATOLL_ASSERT(again.has_value() && *again == *repr);
  return 0;
}
