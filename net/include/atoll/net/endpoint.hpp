// ip_addr and ip_endpoint: an IPv4 or IPv6 address, and an address with a
// port, as the stacks (net/stack.hpp) take and report them.
//
// ip_addr is a small tagged class rather than std::variant: asking for the
// wrong family is a bug caught by ATOLL_ASSERT, never an exception. Text
// forms are addr.hpp's: "192.0.2.1", "2001:db8::1". An endpoint is written
// "192.0.2.1:80" or "[2001:db8::1]:80" (RFC 3986 brackets, so the port is
// never mistaken for a group); parsing requires the brackets around an IPv6
// address and a port, and fails with errc::invalid_argument quoting the text.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>

#include <compare>
#include <cstdint>
#include <string_view>

namespace atl::net {

/// ip_family: which of the two Internet protocols an address belongs to.
enum class ip_family : std::uint8_t { v4, v6 };

/// ip_addr: either an ipv4_addr or an ipv6_addr. Default: 0.0.0.0.
class ip_addr {
public:
  constexpr ip_addr() noexcept = default;
  constexpr ip_addr(const ipv4_addr& a) noexcept : v4_(a) {}
  constexpr ip_addr(const ipv6_addr& a) noexcept : family_(ip_family::v6), v6_(a) {}
  /// parse(text): an IPv6 address when the text holds ':', else IPv4.
  static result<ip_addr> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr ip_family family() const noexcept { return family_; }
  [[nodiscard]] constexpr bool is_v4() const noexcept { return family_ == ip_family::v4; }
  [[nodiscard]] constexpr bool is_v6() const noexcept { return family_ == ip_family::v6; }
  /// v4 / v6: the address; asking for the other family is a bug.
  [[nodiscard]] const ipv4_addr& v4() const noexcept {
    ATOLL_ASSERT(is_v4());
    return v4_;
  }
  [[nodiscard]] const ipv6_addr& v6() const noexcept {
    ATOLL_ASSERT(is_v6());
    return v6_;
  }

  /// The unspecified ("any") and loopback addresses of a family.
  static constexpr ip_addr any(ip_family f) noexcept {
    return f == ip_family::v4 ? ip_addr(ipv4_addr::any()) : ip_addr(ipv6_addr::any());
  }
  static constexpr ip_addr loopback(ip_family f) noexcept {
    return f == ip_family::v4 ? ip_addr(ipv4_addr::loopback()) : ip_addr(ipv6_addr::loopback());
  }
  [[nodiscard]] constexpr bool is_unspecified() const noexcept {
    return is_v4() ? v4_.is_unspecified() : v6_.is_unspecified();
  }
  [[nodiscard]] constexpr bool is_loopback() const noexcept {
    return is_v4() ? v4_.is_loopback() : v6_.is_loopback();
  }
  [[nodiscard]] constexpr bool is_multicast() const noexcept {
    return is_v4() ? v4_.is_multicast() : v6_.is_multicast();
  }

  /// text: addr.hpp's form of the address (at most 45 characters).
  [[nodiscard]] text_buffer<48> text() const noexcept;

  // Equal when of the same family and the same address; IPv4 orders first.
  friend constexpr bool operator==(const ip_addr& a, const ip_addr& b) noexcept {
    if (a.family_ != b.family_) return false;
    return a.is_v4() ? a.v4_ == b.v4_ : a.v6_ == b.v6_;
  }
  friend constexpr std::strong_ordering operator<=>(const ip_addr& a, const ip_addr& b) noexcept {
    if (a.family_ != b.family_) return a.family_ <=> b.family_;
    return a.is_v4() ? a.v4_ <=> b.v4_ : a.v6_ <=> b.v6_;
  }

private:
  // Both members are trivially copyable and small (20 bytes): keeping both
  // avoids a union and its lifetime rules; the unused one stays all zero.
  ip_family family_ = ip_family::v4;
  ipv4_addr v4_{};
  ipv6_addr v6_{};
};

/// ip_endpoint: an address and a port, one end of a flow or a datagram.
struct ip_endpoint {
  ip_addr addr;
  net::port port;

  /// parse("192.0.2.1:80" or "[2001:db8::1]:80"); errc::invalid_argument otherwise.
  static result<ip_endpoint> parse(std::string_view text) noexcept;
  /// text: "192.0.2.1:80" or "[2001:db8::1]:80" (at most 53 characters).
  [[nodiscard]] text_buffer<56> text() const noexcept;

  friend constexpr bool operator==(const ip_endpoint&, const ip_endpoint&) noexcept = default;
  friend constexpr auto operator<=>(const ip_endpoint&, const ip_endpoint&) noexcept = default;
};

}  // namespace atl::net
