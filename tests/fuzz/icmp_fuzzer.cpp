// Fuzzes ICMPv4, ICMPv6 and neighbour discovery (net_fuzz.hpp: the family
// byte picks v4 or v6). Whatever parses (checksum ignored) emits a message
// whose checksum verifies and which parses back equal.
#include "net_fuzz.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

namespace {

bool known(errc code) { return code == errc::corrupt || code == errc::unsupported; }

void fuzz_v4(std::span<const std::byte> message) {
  const auto view = icmpv4_view::checked(message);
  if (!view) return;
  (void)icmpv4_repr::parse(*view);
  const auto repr = icmpv4_repr::parse(*view, checksum_policy::ignore);
  if (!repr) {
    ATOLL_ASSERT(known(repr.error().code()));
    return;
  }
  if (repr->is_error()) ATOLL_ASSERT(repr->invoking().has_value());
  auto out = fuzz::buffer(repr->buffer_len());
  repr->emit(out);
  const auto again = icmpv4_repr::parse(*icmpv4_view::checked(out));
  ATOLL_ASSERT(again.has_value() && *again == *repr);
}

void fuzz_v6(const ip_pair& ips, std::span<const std::byte> message) {
  const auto view = icmpv6_view::checked(message);
  if (!view) return;
  ATOLL_ASSERT(message.size() >= icmpv6_view::min_len(view->type()));
  if (is_ndp(view->type())) {
    (void)ndp_repr::parse(*view, ips);
    const auto repr = ndp_repr::parse(*view, ips, checksum_policy::ignore);
    if (!repr) {
      ATOLL_ASSERT(known(repr.error().code()));
      return;
    }
    ipv6_repr ip;
    ip.src = ips.src6();
    ip.dst = ips.dst6();
    ip.hop_limit = 255;
    (void)check_ndp_ip(ip, *repr);
    auto out = fuzz::buffer(repr->buffer_len());
    repr->emit(out, ips);
    const auto again = ndp_repr::parse(*icmpv6_view::checked(out), ips);
    // Prefixes past max_prefixes are counted, not kept, so not emitted.
    ndp_repr expected = *repr;
    expected.prefixes_ignored = 0;
    ATOLL_ASSERT(again.has_value() && *again == expected);
    return;
  }
  (void)icmpv6_repr::parse(*view, ips);
  const auto repr = icmpv6_repr::parse(*view, ips, checksum_policy::ignore);
  if (!repr) {
    ATOLL_ASSERT(known(repr.error().code()));
    return;
  }
  auto out = fuzz::buffer(repr->buffer_len());
  repr->emit(out, ips);
  const auto again = icmpv6_repr::parse(*icmpv6_view::checked(out), ips);
  ATOLL_ASSERT(again.has_value() && *again == *repr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::split_transport(data, size);
  if (!input) return 0;
  if (input->ips.is_v6()) {
    fuzz_v6(input->ips, input->message);
  } else {
    fuzz_v4(input->message);
  }
  return 0;
}
