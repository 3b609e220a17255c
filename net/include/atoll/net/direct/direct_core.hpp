// direct_core: the device-independent part of the direct stack (docs/
// direct-stack.md). It runs the sans-I/O cores (ARP, IPv4 with ICMP, the TCP
// connections and listeners) over Ethernet frames: frames come in through
// on_frame(), frames to send wait in a bounded transmit queue that the
// stack's transmit task drains to the device, and on_timer() runs every
// core's timers. The handles applications hold (direct_flow,
// direct_listener, direct_udp_socket) live here too, so that the
// direct_stack<Network> template only owns the device and three tasks.
//
// Tables and queues, all bounded by direct_config:
//   - TCP connections keyed by flow_id, found through a hash index
//     (flow_index.hpp) (max_connections; a connection past it is refused:
//     connect() gets errc::limit_exceeded, an accepted one is reset and
//     counted);
//   - listeners and UDP sockets (max_listeners, max_udp_sockets);
//   - a received-datagram queue per UDP socket (udp_queue; drops counted);
//   - the transmit queue, a ring (frame_ring.hpp) of tx_queue frames; drops
//     counted.
// A connection whose handle was closed stays in the table until its core
// reaches CLOSED (FIN exchange, TIME-WAIT), then it is removed.
//
// IPv6 runs when config.ipv6 is set (ipv6_host: NDP, DAD, SLAAC, ICMPv6);
// otherwise an IPv6 endpoint is errc::invalid_argument.
// Checksums are computed and verified in software.
//
// The core must outlive every handle it made and every task of theirs.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/network.hpp>
#include <atoll/net/dhcp/client.hpp>
#include <atoll/net/direct/flow_index.hpp>
#include <atoll/net/direct/frame_ring.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/ip_config.hpp>
#include <atoll/net/ipv4/arp_cache.hpp>
#include <atoll/net/ipv4/ipv4_core.hpp>
#include <atoll/net/ipv6/ipv6_host.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/net/tcp/connection.hpp>
#include <atoll/net/tcp/listener.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace atl::net {

/// direct_config: everything a direct stack is made with.
struct direct_config {
  ipv4_config ipv4;   ///< the interface's static IPv4 configuration
  bool dhcp = false;  ///< no static address: a DHCPv4 client configures the interface
  bool ipv6 = false;  ///< run IPv6: link-local address, DAD, SLAAC
  std::optional<ipv6_addr> ipv6_address;  ///< a static IPv6 address (with ipv6)
  std::uint8_t ipv6_prefix_len = 64;      ///< its on-link prefix
  std::uint64_t seed = 1;                 ///< ISN key, ephemeral ports, IP identification
  std::size_t max_connections = 1024;
  std::size_t max_listeners = 64;
  std::size_t max_udp_sockets = 64;
  std::size_t backlog = 256;   ///< per listener: half-open and completed connections each
  std::size_t udp_queue = 64;  ///< datagrams waiting per UDP socket
  std::size_t max_datagram = 65507;
  std::size_t read_chunk = std::size_t{64} * 1024;
  std::size_t tx_queue = 4096;  ///< frames waiting for the device
  tcp::connection_config tcp{};
};

/// direct_stats: counters of the layer above the cores.
struct direct_stats {
  std::uint64_t rx_frames = 0;
  std::uint64_t rx_dropped = 0;       ///< not for us, malformed, unknown EtherType
  std::uint64_t tx_frames = 0;        ///< frames queued for the device
  std::uint64_t tx_dropped = 0;       ///< the transmit queue was full
  std::uint64_t tcp_bad = 0;          ///< segments that failed checked()/parse()
  std::uint64_t tcp_resets_sent = 0;  ///< to segments for nobody
  std::uint64_t tcp_over_limit = 0;   ///< accepted connections reset at max_connections
  std::uint64_t udp_bad = 0;
  std::uint64_t udp_drops = 0;        ///< a full socket queue or an oversize datagram
  std::uint64_t udp_unreachable = 0;  ///< datagrams to a closed port
  std::uint64_t echo_replies = 0;     ///< ICMP echo replies received
  std::uint64_t echo6_replies = 0;    ///< ICMPv6 echo replies received
  std::uint64_t dhcp_leases = 0;      ///< leases acquired (the interface configured)
  std::uint64_t dhcp_lost = 0;        ///< leases lost (see docs/direct-stack.md)
  std::size_t live_connections = 0;
};

class direct_core;  // NOLINT(cppcoreguidelines-virtual-class-destructor): it is final

namespace detail {
struct tcp_entry;
struct listen_entry;
struct udp_entry;
}  // namespace detail

/// direct_flow: a TCP connection of the direct stack (net::tcp_flow).
class direct_flow {
public:
  direct_flow() noexcept = default;
  direct_flow(direct_flow&& other) noexcept;
  direct_flow& operator=(direct_flow&& other) noexcept;
  ~direct_flow() { close(); }

  task<result<buf>> read() noexcept;
  task<result<void>> write(bufs data) noexcept;
  task<result<void>> shutdown() noexcept;
  void close() noexcept;
  void abort() noexcept;
  [[nodiscard]] ip_endpoint local() const noexcept { return local_; }
  [[nodiscard]] ip_endpoint remote() const noexcept { return remote_; }

private:
  friend class direct_core;
  direct_flow(direct_core* core, detail::tcp_entry* entry) noexcept;
  direct_core* core_ = nullptr;
  detail::tcp_entry* entry_ = nullptr;
  ip_endpoint local_;
  ip_endpoint remote_;
};

/// direct_listener: a listening TCP endpoint (net::tcp_listener).
class direct_listener {
public:
  direct_listener() noexcept = default;
  direct_listener(direct_listener&& other) noexcept;
  direct_listener& operator=(direct_listener&& other) noexcept;
  ~direct_listener() { close(); }

  task<result<direct_flow>> accept() noexcept;
  void close() noexcept;
  [[nodiscard]] ip_endpoint local() const noexcept { return local_; }

private:
  friend class direct_core;
  direct_listener(direct_core* core, detail::listen_entry* entry, ip_endpoint local) noexcept;
  direct_core* core_ = nullptr;
  detail::listen_entry* entry_ = nullptr;
  ip_endpoint local_;
};

/// direct_udp_socket: a bound UDP endpoint (net::udp_socket).
class direct_udp_socket {
public:
  direct_udp_socket() noexcept = default;
  direct_udp_socket(direct_udp_socket&& other) noexcept;
  direct_udp_socket& operator=(direct_udp_socket&& other) noexcept;
  ~direct_udp_socket() { close(); }

  task<result<void>> send_to(ip_endpoint to, bufs data) noexcept;
  task<result<datagram>> receive() noexcept;
  void close() noexcept;
  [[nodiscard]] ip_endpoint local() const noexcept { return local_; }

private:
  friend class direct_core;
  direct_udp_socket(direct_core* core, detail::udp_entry* entry, ip_endpoint local) noexcept;
  direct_core* core_ = nullptr;
  detail::udp_entry* entry_ = nullptr;
  ip_endpoint local_;
};

class direct_core final : private tcp::segment_sink {
public:
  /// direct_core(e, mac, mtu, config): `e` must outlive the core.
  /// A configuration it cannot run (no IPv4 address, an IPv6 address with
  /// IPv6 off) is reported by start() as errc::invalid_argument.
  direct_core(engine& e, mac_addr mac, std::size_t mtu, const direct_config& config);
  direct_core(const direct_core&) = delete;
  direct_core& operator=(const direct_core&) = delete;
  ~direct_core();

  /// start(now): installs the address and routes, announces the address;
  /// with IPv6, starts the link-local address, DAD and router solicitation.
  result<void> start(mono_time now);

  // --- The device side (the direct_stack template's tasks) -------------
  /// on_frame(frame, now): one received Ethernet frame.
  void on_frame(const buf& frame, mono_time now) noexcept;
  /// on_timer(now): every core's due timers; removes finished connections.
  void on_timer(mono_time now) noexcept;
  /// next_deadline: the earliest deadline of every core.
  [[nodiscard]] mono_time next_deadline() const noexcept;
  /// take_frame: the next frame to write, if any (tx_ready() is set when
  /// one is queued).
  [[nodiscard]] bool has_frame() const noexcept { return !tx_.empty(); }
  bufs take_frame() noexcept;
  event& tx_ready() noexcept { return tx_ready_; }
  /// timer_changed: set whenever a deadline may have moved earlier.
  event& timer_changed() noexcept { return timer_changed_; }

  // --- The application side -------------------------------------------
  result<direct_listener> listen(ip_endpoint at);
  task<result<direct_flow>> connect(ip_endpoint to) noexcept;
  result<direct_udp_socket> udp_bind(ip_endpoint at);
  /// send_echo(dst, ident, seq): an ICMP echo request (replies are counted
  /// in stats().echo_replies).
  result<void> send_echo(ipv4_addr dst, std::uint16_t ident, std::uint16_t seq);
  /// send_echo6(dst, ident, seq): an ICMPv6 echo request from the source
  /// address IPv6 picks for dst (replies are counted in
  /// stats().echo6_replies). errc::invalid_argument with IPv6 off,
  /// errc::unreachable without a usable source address or route.
  result<void> send_echo6(ipv6_addr dst, std::uint16_t ident, std::uint16_t seq);

  [[nodiscard]] const direct_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const direct_config& config() const noexcept { return config_; }
  [[nodiscard]] const ipv4::arp_cache& arp() const noexcept { return arp_; }
  [[nodiscard]] const ipv4::ipv4_core& ip() const noexcept { return ip_; }
  /// ip6: the IPv6 host, when config().ipv6.
  [[nodiscard]] const ipv6_host* ip6() const noexcept { return ip6_.get(); }
  [[nodiscard]] engine& loop() noexcept { return engine_; }
  /// address: the IPv4 address (0.0.0.0 while DHCP has none yet).
  [[nodiscard]] ipv4_addr address() const noexcept { return config_.ipv4.address.address(); }
  /// dhcp: the DHCP client, when config().dhcp.
  [[nodiscard]] const dhcp::client* dhcp() const noexcept { return dhcp_ ? &*dhcp_ : nullptr; }

  /// set_armed(d): the timer task sleeps until d; an earlier deadline
  /// sets timer_changed().
  void set_armed(mono_time d) noexcept { armed_ = d; }

private:
  friend class direct_flow;
  friend class direct_listener;
  friend class direct_udp_socket;

  // segment_sink
  void send(const tcp::flow_id& flow, const tcp_repr& header,
            const bufs& payload) noexcept override;
  tcp::segment_sink& sink() noexcept { return *this; }

  // Input (direct_core.cpp).
  /// l4_input: a datagram for TCP or UDP, either family.
  struct l4_input {
    ip_addr src;
    ip_addr dst;
    buf payload;                          // the transport header and data
    std::span<const std::byte> invoking;  // the packet, for ICMP errors (may be empty)
    bool to_group = false;
  };
  void ipv4_input(const buf& packet, mono_time now);
  void ipv6_input(const buf& packet, mono_time now);
  void tcp_input(const l4_input& d, mono_time now);
  void udp_input(const l4_input& d, mono_time now);
  void flush6();
  void flush_dhcp(mono_time now);
  result<void> configure_ipv4(mono_time now);
  result<ip_addr> bindable(const ip_endpoint& at) const;
  void icmp_input(const ipv4::ipv4_delivery& d) noexcept;
  void send_reset(const tcp::flow_id& id, const tcp_repr& h, std::size_t payload_len) noexcept;
  // Output.
  void flush_ip(ipv4::ipv4_actions& out, mono_time now);
  void flush_arp(ipv4::arp_actions& out);
  void queue_frame(bufs frame);
  // Tables and helpers.
  void signal(detail::tcp_entry& e) noexcept;
  void poke_timer() noexcept;
  /// poke_timer(e): the same when only e's deadline may have moved (besides
  /// the cheap cores): no scan of the connection table.
  void poke_timer(detail::tcp_entry& e) noexcept;
  /// base_deadline: next_deadline() without the connections.
  [[nodiscard]] mono_time base_deadline() const noexcept;
  std::uint32_t isn_for(const tcp::flow_id& id, mono_time now) const noexcept;
  std::uint64_t next_random() noexcept;
  port pick_port(bool tcp) noexcept;  // port 0 when none is free
  detail::tcp_entry* find(const tcp::flow_id& id) noexcept;
  void erase(detail::tcp_entry* e) noexcept;
  void unindex(detail::tcp_entry* e) noexcept;
  /// add_connection: null when the flow id is taken or the table is full.
  detail::tcp_entry* add_connection(std::unique_ptr<tcp::connection> conn);
  [[nodiscard]] tcp::connection_config tcp_config() const noexcept;
  // The handles' operations (direct_handles.cpp); static so that they
  // never refer to a handle, which may move while they wait.
  static task<result<buf>> read_on(direct_core* c, detail::tcp_entry* e) noexcept;
  static task<result<void>> write_on(direct_core* c, detail::tcp_entry* e, bufs data) noexcept;
  static task<result<direct_flow>> accept_on(direct_core* c, detail::listen_entry* l) noexcept;
  static task<result<datagram>> receive_on(detail::udp_entry* u) noexcept;
  result<void> udp_send(const detail::udp_entry& u, ip_endpoint to, const bufs& data);

  engine& engine_;
  mac_addr mac_;
  std::size_t mtu_;
  direct_config config_;
  ipv4::arp_cache arp_;
  ipv4::ipv4_core ip_;
  ipv4::ipv4_actions ip_in_;  // ipv4_input's, reused
  ipv4::ipv4_actions ip_out_;
  ipv4::arp_actions arp_out_;
  std::unique_ptr<ipv6_host> ip6_;
  std::optional<dhcp::client> dhcp_;
  std::uint64_t rng_;
  std::uint64_t isn_key_ = 0;
  direct_stats stats_;
  frame_ring tx_;  // the transmit queue
  event tx_ready_;
  event timer_changed_;
  std::vector<std::unique_ptr<detail::tcp_entry>> connections_;
  flow_index index_;                         // connections_ by flow id
  detail::tcp_entry* touched_ = nullptr;     // the connection on_frame() handed a segment
  detail::tcp_entry* last_found_ = nullptr;  // find()'s last hit
  std::vector<std::unique_ptr<detail::listen_entry>> listeners_;
  std::vector<std::unique_ptr<detail::udp_entry>> udp_;
  mono_time armed_ = mono_never;
};

}  // namespace atl::net
