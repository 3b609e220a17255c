// What to answer to a packet whose extension headers or upper layer are not
// understood (RFC 8200 sections 4, 4.2 and 4.4). walk_extensions()
// (wire/ipv6.hpp) says that a packet cannot be processed; these functions
// say whether an ICMPv6 parameter problem goes back, with which code and
// pointer (the offset of the offending byte from the start of the IPv6
// header):
//
// - an option whose type's two high bits are 01: dropped silently; 10: a
//   parameter problem code 2 pointing at the option type, even when the
//   packet went to a multicast group; 11: the same, but only when it did not;
// - a routing header with segments left (type 0 included, RFC 5095, and
//   every other type: none is implemented): code 0 pointing at its type;
// - an upper-layer protocol that no one handles: code 1 pointing at the
//   Next Header field that names it.
//
// The wire walk does not say where it stopped, so the chain is followed
// again here with the same bounds; it was walked successfully up to the
// failure, and every step is checked against the payload once more anyway.
#pragma once

#include <atoll/net/wire/ipv6.hpp>

#include <cstdint>
#include <optional>

namespace atl::net {

/// ipv6_param_problem: an ICMPv6 parameter problem to send.
struct ipv6_param_problem {
  std::uint8_t code = 0;      ///< 0 erroneous field, 1 next header, 2 option
  std::uint32_t pointer = 0;  ///< from the start of the invoking IPv6 header
  /// to_multicast: may be sent even when the packet went to a group (code
  /// 2 for an option of action 10, RFC 8200 section 4.2).
  bool to_multicast = false;

  friend constexpr bool operator==(const ipv6_param_problem&,
                                   const ipv6_param_problem&) noexcept = default;
};

/// ext_problem(view, limits): for a packet whose walk_extensions(view,
/// limits) failed with errc::unsupported: the parameter problem to send,
/// or std::nullopt to drop it silently.
[[nodiscard]] std::optional<ipv6_param_problem> ext_problem(
    const ipv6_view& view, const ipv6_ext_limits& limits = {}) noexcept;

/// unknown_next_header(view, limits): the parameter problem (code 1) for a
/// packet walked successfully to an upper layer that is not handled.
[[nodiscard]] ipv6_param_problem unknown_next_header(const ipv6_view& view,
                                                     const ipv6_ext_limits& limits = {}) noexcept;

}  // namespace atl::net
