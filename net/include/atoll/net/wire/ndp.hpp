// Neighbour discovery (RFC 4861): router solicitation and advertisement,
// neighbour solicitation and advertisement, and their options: source and
// target link-layer address, prefix information and MTU. Redirects are not
// handled (a host may ignore them).
//
// Options are type, length in units of 8 bytes, value. ndp_option_walker
// follows them with the rules of RFC 4861 section 4.6: a length of 0 is
// invalid (and would never advance), an option may not run past the
// message. Known options must have their RFC length (link-layer address 1
// on Ethernet, prefix information 4, MTU 1); unknown ones, and known ones
// that do not belong to the message, are skipped.
//
// ndp_repr::parse() checks what the message itself says (code 0, checksum,
// options, a unicast target); check_ndp_ip() checks what RFC 4861 requires
// of the IPv6 header it came in (hop limit 255, the rules for an
// unspecified source and a multicast destination). A receiver needs both.
//
// Errors: errc::corrupt for malformed messages and for a message that breaks
// the IP-level rules; errc::unsupported for redirects and other types.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/icmpv6.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

/// ndp_option_type: the option types handled here (RFC 4861 section 4.6).
enum class ndp_option_type : std::uint8_t {
  source_ll = 1,
  target_ll = 2,
  prefix_info = 3,
  redirected_header = 4,
  mtu = 5,
};

/// ndp_option: one option; `data` is its value after the type and length
/// bytes (length * 8 - 2 bytes).
struct ndp_option {
  std::uint8_t type = 0;
  std::span<const std::byte> data;
};

/// ndp_option_walker: the options of a message, in order.
class ndp_option_walker {
public:
  constexpr explicit ndp_option_walker(std::span<const std::byte> options) noexcept
      : options_(options) {}

  /// next: the next option, std::nullopt at the end; errc::corrupt for a
  /// length of 0 or an option past the end (the walker then stays at the end).
  result<std::optional<ndp_option>> next() noexcept;

private:
  std::span<const std::byte> options_;
  std::size_t at_ = 0;
};

/// ndp_prefix_info: a prefix information option (RFC 4861 section 4.6.2).
struct ndp_prefix_info {
  ipv6_prefix prefix;
  bool on_link = false;                  ///< L
  bool autonomous = false;               ///< A: usable for address autoconfiguration (RFC 4862)
  std::uint32_t valid_lifetime = 0;      ///< seconds; 0xffffffff is infinity
  std::uint32_t preferred_lifetime = 0;  ///< seconds

  friend bool operator==(const ndp_prefix_info&, const ndp_prefix_info&) noexcept = default;
};

/// ndp_repr: one neighbour discovery message. The fields that a message
/// type does not have stay at their defaults.
struct ndp_repr {
  static constexpr std::size_t max_prefixes = 8;

  icmpv6_type type = icmpv6_type::neighbor_solicit;

  // Router advertisement.
  std::uint8_t cur_hop_limit = 0;
  bool managed_flag = false;          ///< M: addresses from DHCPv6
  bool other_flag = false;            ///< O: other configuration from DHCPv6
  std::uint16_t router_lifetime = 0;  ///< seconds; 0: not a default router
  std::uint32_t reachable_time = 0;   ///< ms; 0: unspecified
  std::uint32_t retrans_timer = 0;    ///< ms; 0: unspecified
  std::optional<std::uint32_t> mtu;
  std::array<ndp_prefix_info, max_prefixes> prefixes{};
  std::uint8_t prefix_count = 0;
  /// prefixes_ignored: prefix options past max_prefixes, not kept.
  std::uint8_t prefixes_ignored = 0;

  // Neighbour solicitation and advertisement.
  ipv6_addr target;
  bool router_flag = false;     ///< R
  bool solicited_flag = false;  ///< S
  bool override_flag = false;   ///< O

  // Link-layer address options.
  std::optional<mac_addr> source_ll;  ///< solicitations, router advertisement
  std::optional<mac_addr> target_ll;  ///< neighbour advertisement

  /// parse(view, ips, policy): see the top of this header.
  static result<ndp_repr> parse(const icmpv6_view& view, const ip_pair& ips,
                                checksum_policy policy = checksum_policy::verify) noexcept;
  /// buffer_len: the whole message with its options.
  [[nodiscard]] std::size_t buffer_len() const noexcept;
  /// emit(out, ips): writes the message, checksum included, into out,
  /// exactly buffer_len() bytes (a bug otherwise).
  void emit(std::span<std::byte> out, const ip_pair& ips) const noexcept;

  [[nodiscard]] std::span<const ndp_prefix_info> prefix_list() const noexcept {
    return std::span<const ndp_prefix_info>(prefixes).first(prefix_count);
  }

  friend bool operator==(const ndp_repr& a, const ndp_repr& b) noexcept;
};

/// check_ndp_ip(ip, ndp): the IP-level rules of RFC 4861 sections 6.1 and
/// 7.1: hop limit 255; a router advertisement from a link-local source; no
/// source link-layer option from the unspecified address; a solicitation
/// from the unspecified address goes to a solicited-node group; an
/// advertisement to a multicast group is not solicited. errc::corrupt otherwise.
result<void> check_ndp_ip(const ipv6_repr& ip, const ndp_repr& ndp) noexcept;

}  // namespace atl::net
