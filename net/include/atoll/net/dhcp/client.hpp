// dhcp::client: a sans-I/O DHCPv4 client (RFC 2131 section 4.4).
//
//   INIT -> SELECTING: DISCOVER (broadcast), the first acceptable OFFER wins
//   SELECTING -> REQUESTING: REQUEST (broadcast) with server id and requested IP
//   REQUESTING -> BOUND on ACK (event lease_acquired); NAK -> INIT
//   BOUND -> RENEWING at T1: REQUEST unicast to the server, ciaddr set
//   RENEWING -> REBINDING at T2: REQUEST broadcast
//   RENEWING/REBINDING -> BOUND on ACK (lease_renewed); NAK or expiry ->
//   INIT (lease_lost), and the client starts over at once.
//   INIT-REBOOT -> REBOOTING (reboot()): REQUEST (broadcast) for a
//   remembered address; ACK -> BOUND, NAK or no answer -> INIT.
//   release(): RELEASE (unicast) and INIT; stop(): INIT without a word.
//
// It reads no clock and draws no random numbers: every call takes `now`,
// those that may start an exchange or schedule a retransmission take 64
// random bits (the low 32 become a new xid, the high 32 the jitter). It does
// no I/O: messages to send are taken with poll_transmit() (UDP payloads with
// their addresses; the caller wraps them in UDP/IP/Ethernet), events with
// poll_event(). Received UDP payloads for port 68 go to on_receive().
//
// Retransmissions in SELECTING, REQUESTING and REBOOTING wait 4, 8, 16, 32, 64, 64 ...
// seconds, each +-1 s (RFC 2131 4.1); REQUESTING and REBOOTING give up
// after max_request_attempts and start over. RENEWING and REBINDING retransmit
// after half the time left until T2 (or expiry), at least 60 s (RFC 2131 4.4.5).
// T1 and T2 default to 0.5 and 0.875 of the lease and come from options 58
// and 59 when these are consistent (T1 < T2 < lease).
//
// Replies are matched on xid, chaddr and op; others are dropped and counted
// (stats), as are malformed ones and messages the state does not expect.
// Not implemented: the ARP check of an offered address and DECLINE, INFORM,
// the 1-10 s random wait before the first DISCOVER, the client identifier
// (option 61: servers key on chaddr), reading the MTU option (see lease).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/dhcp/lease.hpp>
#include <atoll/net/wire/dhcpv4.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net::dhcp {

inline constexpr port client_port{68};
inline constexpr port server_port{67};

enum class state : std::uint8_t {
  init,
  selecting,
  requesting,
  bound,
  renewing,
  rebinding,
  rebooting,
};

/// to_string(state): "selecting", ...
std::string_view to_string(state s) noexcept;

/// datagram: one UDP payload to send, with its addresses. The IP source is
/// 0.0.0.0 until the client has an address.
struct datagram {
  /// max_len: fits the 576-byte datagram every host accepts (RFC 2131 2).
  static constexpr std::size_t max_len = 576 - 20 - 8;

  ipv4_addr source;
  ipv4_addr destination;
  port source_port = client_port;
  port destination_port = server_port;
  std::array<std::byte, max_len> bytes{};
  std::size_t len = 0;

  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return std::span<const std::byte>(bytes).first(len);
  }
};

enum class event_kind : std::uint8_t { lease_acquired, lease_renewed, lease_lost };

/// event: for the stack: configure the interface (acquired), update its
/// times (renewed), withdraw the address (lost; `lease` is the old one).
struct event {
  event_kind kind = event_kind::lease_lost;
  dhcp::lease lease;
};

struct client_config {
  static constexpr std::size_t max_hostname = 63;

  mac_addr mac{};
  /// hostname: sent as option 12 when not empty: letters, digits, '-' and
  /// '.', at most max_hostname characters. Must outlive create().
  std::string_view hostname{};
  /// broadcast_flag: ask servers to broadcast replies, for stacks that drop
  /// unicast IP to an address they do not have yet.
  bool broadcast_flag = true;
};

/// stats: counters, never reset.
struct stats {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t malformed = 0;   ///< not a DHCP reply the wire repr accepts
  std::uint64_t wrong_xid = 0;   ///< another transaction's
  std::uint64_t wrong_mac = 0;   ///< another client's
  std::uint64_t unexpected = 0;  ///< a type the state does not take, or unusable
  std::uint64_t retransmits = 0;
  std::uint64_t events_dropped = 0;  ///< the event queue was full (not taken)
};

class client {
public:
  static constexpr std::size_t max_events = 4;
  static constexpr unsigned max_request_attempts = 4;
  static constexpr duration initial_backoff = 4s;
  static constexpr duration max_backoff = 64s;
  static constexpr duration min_renew_wait = 60s;

  /// create(c): errc::invalid_argument for a bad hostname or a
  /// non-unicast MAC address.
  static result<client> create(const client_config& c) noexcept;

  /// start(now, random): INIT -> SELECTING, queues a DISCOVER. Also restarts
  /// from any state (a held lease is reported lost).
  void start(mono_time now, std::uint64_t random) noexcept;
  /// reboot(now, previous, random): INIT-REBOOT: asks to keep `previous`, an
  /// address of an earlier, unexpired lease (RFC 2131 3.2). A held lease is
  /// reported lost first.
  void reboot(mono_time now, ipv4_addr previous, std::uint64_t random) noexcept;
  /// release(now, random): when a lease is held, queues a RELEASE to its
  /// server and reports the lease lost; then INIT, with no timer.
  void release(mono_time now, std::uint64_t random) noexcept;
  /// stop(): INIT with no timer and nothing sent (a held lease is reported
  /// lost); start() or reboot() begin again.
  void stop() noexcept;
  /// on_receive(now, payload, random): a UDP payload received on port 68.
  void on_receive(mono_time now, std::span<const std::byte> payload, std::uint64_t random) noexcept;
  /// next_deadline: when on_timer must next be called; mono_never if none.
  [[nodiscard]] mono_time next_deadline() const noexcept { return deadline_; }
  /// on_timer(now, random): does nothing before next_deadline().
  void on_timer(mono_time now, std::uint64_t random) noexcept;

  /// poll_transmit: the message to send, if any. At most one is pending: a
  /// newer one replaces one not taken (it supersedes it).
  std::optional<datagram> poll_transmit() noexcept;
  /// poll_event: the oldest event not taken, if any.
  std::optional<event> poll_event() noexcept;

  [[nodiscard]] dhcp::state state() const noexcept { return state_; }
  /// current: the lease held in BOUND, RENEWING and REBINDING.
  [[nodiscard]] const std::optional<lease>& current() const noexcept { return lease_; }
  [[nodiscard]] std::uint32_t xid() const noexcept { return xid_; }
  [[nodiscard]] const dhcp::stats& counters() const noexcept { return stats_; }

private:
  explicit client(const client_config& c) noexcept;

  void begin_exchange(mono_time now, std::uint64_t random) noexcept;
  void send_discover(mono_time now) noexcept;
  void send_request(mono_time now) noexcept;
  void send(const dhcp_repr& r, ipv4_addr source, ipv4_addr destination,
            bool with_hostname = true) noexcept;
  [[nodiscard]] dhcp_repr base(dhcp_message_type type, mono_time now) const noexcept;
  void schedule_backoff(mono_time now, std::uint64_t random) noexcept;
  void schedule_renew_retry(mono_time now, mono_time limit) noexcept;
  void on_offer(mono_time now, const dhcp_repr& r, std::uint64_t random) noexcept;
  void on_ack(const dhcp_repr& r) noexcept;
  void lose_lease() noexcept;
  void push(event_kind kind, const lease& l) noexcept;
  [[nodiscard]] std::optional<lease> lease_from(const dhcp_repr& ack) const noexcept;

  mac_addr mac_;
  std::string_view hostname_;
  bool broadcast_flag_ = true;

  dhcp::state state_ = dhcp::state::init;
  std::uint32_t xid_ = 0;
  mono_time exchange_start_{};  ///< first transmission of this exchange (the secs field)
  mono_time request_start_{};   ///< first REQUEST of this exchange (the lease's start)
  mono_time deadline_ = mono_never;
  unsigned attempts_ = 0;  ///< transmissions in this exchange
  // The offer taken in SELECTING (or the address asked for in REBOOTING).
  ipv4_addr offered_;
  ipv4_addr offer_server_;
  std::optional<std::uint32_t> offer_lease_time_;
  std::optional<lease> lease_;

  std::optional<datagram> out_;
  std::array<event, max_events> events_{};
  std::size_t event_head_ = 0;
  std::size_t event_count_ = 0;
  dhcp::stats stats_;
};

}  // namespace atl::net::dhcp
