// ICMPv4 for a host (RFC 792, RFC 1122 section 3.2.2, RFC 1812 section
// 4.3.2): echo replies, error messages with the rules of when not to send
// them, and a rate limit on errors. Messages are made with the wire layer
// (wire/icmpv4.hpp); the IPv4 core wraps them in IPv4 headers.
//
// An error is never sent about (RFC 1122 3.2.2, RFC 1812 4.3.2.7):
// - an ICMP error message (or an ICMP type that is not a known query);
// - a datagram to a broadcast or multicast address (or one the link
//   delivered as a broadcast: the caller says so);
// - a fragment other than the first;
// - a datagram whose source is not one host: 0.0.0.0, broadcast, multicast,
//   loopback;
// - a datagram too short to quote its header and 8 bytes.
// Past those rules a token bucket (default 100 per second, burst 50) limits
// errors; refusals and rate-limited errors are counted.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/ip/token_bucket.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/ipv4.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace atl::net::ipv4 {

/// icmp_message: an ICMP message (header and data, checksum done) to send
/// from src to dst. Built with icmp_message::headroom bytes in front of it
/// for the IPv4 and Ethernet headers.
struct icmp_message {
  static constexpr std::size_t headroom = 64;

  ipv4_addr src;
  ipv4_addr dst;
  buf message;
};

/// make_echo_reply(ip, request): the reply to an echo request received in
/// `ip`: same ident, sequence and data, from the address it was sent to.
/// errc::invalid_argument when `request` is not an echo request;
/// errc::no_memory.
[[nodiscard]] result<icmp_message> make_echo_reply(const ipv4_repr& ip,
                                                   const icmpv4_repr& request) noexcept;

/// pmtu_hint: what a "fragmentation needed" says: the path to `dst` takes
/// at most `mtu` bytes.
struct pmtu_hint {
  ipv4_addr dst;
  std::uint16_t mtu;
};

/// frag_needed_hint(message): the hint of a destination unreachable /
/// fragmentation needed message (the quoted header's destination; an MTU
/// of 0, from an RFC 792 router, is replaced by the RFC 1191 plateau below
/// the quoted total length); std::nullopt for any other message.
[[nodiscard]] std::optional<pmtu_hint> frag_needed_hint(const icmpv4_repr& message) noexcept;

/// mtu_plateau_below(len): RFC 1191 section 7's table: the largest plateau
/// MTU below len (68 at least), for a "fragmentation needed" without a
/// next-hop MTU.
[[nodiscard]] std::uint16_t mtu_plateau_below(std::uint16_t len) noexcept;

/// icmp_refusal: why no error may be sent about a packet.
enum class icmp_refusal : std::uint8_t {
  none,
  about_error,         ///< the packet is an ICMP error (or not a known query)
  group_destination,   ///< sent to a broadcast or multicast address
  not_first_fragment,  ///< a fragment with a non-zero offset
  bad_source,          ///< the source is not one host
  truncated,           ///< less than the header and 8 bytes
  rate_limited,        ///< the token bucket is empty
  count_,
};

/// error_refusal(invoking, link_broadcast): the rule (above) that forbids an
/// error about the packet `invoking` (IPv4 header first; may be cut short),
/// or icmp_refusal::none. link_broadcast: the link delivered it to a
/// broadcast or multicast MAC.
[[nodiscard]] icmp_refusal error_refusal(std::span<const std::byte> invoking,
                                         bool link_broadcast = false) noexcept;

struct icmp_error_config {
  std::uint32_t rate_per_second = 100;
  std::uint32_t burst = 50;
};

/// icmp_errors: makes error messages, applying the rules and the rate limit.
class icmp_errors {
public:
  explicit icmp_errors(const icmp_error_config& config = {}) noexcept
      : limiter_(ip::token_bucket::per_second(config.rate_per_second, config.burst)) {}

  /// make(invoking, message, src, now, link_broadcast): the error `message`
  /// (a repr from icmpv4_repr::dest_unreachable and friends, quoting
  /// `invoking`) from src to the invoking packet's source. errc::refused
  /// when a rule forbids it or the rate limit is reached (counted by
  /// refusal); errc::no_memory.
  [[nodiscard]] result<icmp_message> make(std::span<const std::byte> invoking,
                                          const icmpv4_repr& message, const ipv4_addr& src,
                                          mono_time now, bool link_broadcast = false) noexcept;

  /// refused(why): errors not sent for that reason.
  [[nodiscard]] std::uint64_t refused(icmp_refusal why) const noexcept {
    return refused_[static_cast<std::size_t>(why)];
  }
  [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }

private:
  ip::token_bucket limiter_;
  std::array<std::uint64_t, static_cast<std::size_t>(icmp_refusal::count_)> refused_{};
  std::uint64_t sent_ = 0;
};

}  // namespace atl::net::ipv4
