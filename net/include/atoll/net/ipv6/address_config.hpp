// The addresses of an IPv6 interface and what configures them: the
// link-local address (from the MAC's modified EUI-64, or a stable random
// interface identifier handed in), static addresses, stateless
// autoconfiguration from router advertisements (RFC 4862), duplicate
// address detection, router solicitation at start (RFC 4861 6.3.7), and
// the default router and on-link prefix lists with their lifetimes.
//
// Sans-I/O: time is an argument; what must go out (a DAD solicitation, a
// router solicitation) is appended to an addr_actions for the owner to
// build and send. Tables are bounded: addresses, routers and prefixes past
// their limits are not added, and counted.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/wire/ndp.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace atl::net {

/// addr_state: tentative until DAD succeeds; preferred; deprecated once the
/// preferred lifetime ends (still receives, not chosen as a source).
enum class addr_state : std::uint8_t { tentative, preferred, deprecated };

struct ipv6_if_addr {
  ipv6_addr addr;
  std::uint8_t prefix_len = 64;
  addr_state state = addr_state::tentative;
  bool autoconf = false;  ///< made by SLAAC (RA lifetimes apply)
  mono_time preferred_until = mono_never;
  mono_time valid_until = mono_never;
  unsigned dad_left = 0;  ///< DAD solicitations still to send
  mono_time dad_next = mono_never;
};

struct ipv6_router {
  ipv6_addr addr;
  mono_time expires;
};

struct ipv6_onlink_prefix {
  ipv6_prefix prefix;
  mono_time expires;
};

struct addr_config_limits {
  std::size_t max_addresses = 8;
  std::size_t max_routers = 4;
  std::size_t max_prefixes = 8;
  unsigned dad_transmits = 1;                                    ///< DupAddrDetectTransmits
  duration dad_retrans = std::chrono::seconds(1);                ///< RetransTimer during DAD
  unsigned max_rtr_solicitations = 3;                            ///< MAX_RTR_SOLICITATIONS
  duration rtr_solicitation_interval = std::chrono::seconds(4);  ///< RTR_SOLICITATION_INTERVAL
  bool slaac = true;  ///< form addresses from advertised prefixes
};

/// addr_actions: what the owner must send.
struct addr_actions {
  std::vector<ipv6_addr> dad_solicits;  ///< NS from :: for these tentative addresses
  unsigned router_solicits = 0;         ///< router solicitations to send now
};

/// ra_params: what a router advertisement asks of the rest of the host.
struct ra_params {
  std::optional<std::uint8_t> hop_limit;
  std::optional<std::uint32_t> mtu;
  std::optional<duration> reachable_time;
  std::optional<duration> retrans_timer;
};

struct addr_config_stats {
  std::uint64_t duplicates = 0;        ///< addresses found in use by DAD
  std::uint64_t table_full = 0;        ///< addresses, routers or prefixes not added
  std::uint64_t prefixes_ignored = 0;  ///< prefix options not usable for SLAAC
  std::uint64_t expired = 0;           ///< addresses whose valid lifetime ended
};

class address_config {
public:
  /// address_config(mac, iid, limits): iid, when given, is a stable random
  /// interface identifier (RFC 7217 style, chosen by the owner) used
  /// instead of the EUI-64 one.
  explicit address_config(const mac_addr& mac,
                          std::optional<std::array<std::uint8_t, 8>> iid = std::nullopt,
                          const addr_config_limits& limits = {}) noexcept;

  /// start(now, delay, out): adds the link-local address (tentative) and
  /// schedules its DAD and the first router solicitation `delay` from now
  /// (a random delay of at most 1 s, RFC 4861 6.3.7 and RFC 4862 5.4.2).
  void start(mono_time now, duration delay, addr_actions& out);
  /// add_static(now, addr, prefix_len): a configured address; tentative
  /// until DAD passes. errc::limit_exceeded when the table is full,
  /// errc::invalid_argument for a multicast or unspecified address.
  result<void> add_static(mono_time now, const ipv6_addr& addr, std::uint8_t prefix_len);

  /// on_router_advert(now, ra): routers, on-link prefixes and SLAAC
  /// (RFC 4862 5.5.3, with its two-hour rule); stops router solicitation.
  /// Returns what the rest of the host should apply. The caller has
  /// checked the message (ndp_repr::parse, check_ndp_ip).
  ra_params on_router_advert(mono_time now, const ipv6_addr& src, const ndp_repr& ra);
  /// remove_router(addr): it said it is no longer a router.
  void remove_router(const ipv6_addr& addr) noexcept;
  /// on_dad_conflict(target): someone else uses or claims `target` (a NA
  /// for it, or a DAD NS from :: for it) while it is tentative: the address
  /// is dropped and counted. Returns true when that happened.
  bool on_dad_conflict(const ipv6_addr& target) noexcept;

  /// poll(now, out): DAD and router solicitation timers, lifetimes.
  void poll(mono_time now, addr_actions& out);
  [[nodiscard]] mono_time next_deadline() const noexcept;

  /// is_assigned(a): a is ours and usable (preferred or deprecated).
  [[nodiscard]] bool is_assigned(const ipv6_addr& a) const noexcept;
  /// is_tentative(a): a is ours but DAD has not finished.
  [[nodiscard]] bool is_tentative(const ipv6_addr& a) const noexcept;
  /// joined(group): we listen to group: all-nodes, and the solicited-node
  /// group of each address (tentative ones too, for DAD).
  [[nodiscard]] bool joined(const ipv6_addr& group) const noexcept;
  /// on_link(a): a is a neighbour (link-local or in an on-link prefix).
  [[nodiscard]] bool on_link(mono_time now, const ipv6_addr& a) const noexcept;
  /// default_router(now): a router to send off-link packets to.
  [[nodiscard]] std::optional<ipv6_addr> default_router(mono_time now) const noexcept;
  /// source_for(dst): the source address for a packet to dst (RFC 6724,
  /// simplified: link-local for link-local and multicast destinations, else
  /// the preferred address sharing the longest prefix); nullopt when none.
  [[nodiscard]] std::optional<ipv6_addr> source_for(const ipv6_addr& dst) const noexcept;
  /// link_local: our link-local address once DAD passed.
  [[nodiscard]] std::optional<ipv6_addr> link_local() const noexcept;

  [[nodiscard]] const std::vector<ipv6_if_addr>& addresses() const noexcept { return addrs_; }
  [[nodiscard]] const std::vector<ipv6_router>& routers() const noexcept { return routers_; }
  [[nodiscard]] const addr_config_stats& stats() const noexcept { return stats_; }
  /// interface_id: the 64-bit interface identifier used for our addresses.
  [[nodiscard]] const std::array<std::uint8_t, 8>& interface_id() const noexcept { return iid_; }

private:
  ipv6_if_addr* find(const ipv6_addr& a) noexcept;
  [[nodiscard]] const ipv6_if_addr* find(const ipv6_addr& a) const noexcept;
  bool add(mono_time now, const ipv6_addr& a, std::uint8_t prefix_len, bool autoconf,
           mono_time dad_at);
  void on_prefix(mono_time now, const ndp_prefix_info& p);
  [[nodiscard]] ipv6_addr with_iid(const ipv6_addr& prefix) const noexcept;

  std::array<std::uint8_t, 8> iid_{};
  addr_config_limits limits_;
  std::vector<ipv6_if_addr> addrs_;
  std::vector<ipv6_router> routers_;
  std::vector<ipv6_onlink_prefix> prefixes_;
  unsigned rs_left_ = 0;
  mono_time rs_next_ = mono_never;
  addr_config_stats stats_;
};

}  // namespace atl::net
