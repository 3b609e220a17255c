// memory_switch: an Ethernet switch in memory, for tests and simulations.
//
// One process, one engine, many stacks: each memory_switch::port is a device
// that meets the network concept (network.hpp), and the switch forwards the
// frames written to one port to the others as a learning bridge does. Every
// port's link can lose, duplicate, reorder, delay, rate-limit and cut frames,
// with all randomness drawn from one seeded generator, so a run replays
// exactly from its seed on virtual time (sim_platform) and works the same on
// real time.
//
// What a port's link_config governs (for two ports A and B, A's link shapes
// the direction B -> A and B's link shapes A -> B):
//   - up: both directions. A frame written on a port whose link is down is
//     taken, counted in tx_packets and tx_drops, and goes nowhere; a frame
//     for a port whose link is down is dropped (link_stats::down_drops).
//   - tx_queue: the port's transmit queue, in frames: frames it wrote that
//     are still in flight (held by a delay, jitter or bandwidth limit on the
//     way to a receiver). write() waits while it is full (back-pressure), in
//     the order the writes started.
//   - everything else applies to frames the switch delivers to the port, in
//     this order: the link MTU (larger frames dropped), loss, duplication,
//     reordering (the frame is held back by reorder_hold, so frames sent
//     meanwhile overtake it), serialization at `bandwidth`, then delay plus a
//     uniform jitter in [0, jitter). The delivery queue (frames in flight
//     plus frames waiting for receive()) is bounded by queue_frames and
//     queue_bytes: a frame past either limit is tail-dropped.
// Every dropped frame a receiver could have had is counted in its rx_drops
// and in the reason's link_stats counter.
//
// The fast path: with no fault configured and nothing in flight on the
// link, a frame is copied straight into the receiver's queue during write():
// no timer, no task, one copy per receiver (receivers share no bytes with the
// sender or with each other).
//
// Learning: the switch remembers the port each unicast source MAC was last
// seen on (at most switch_config::mac_table_size entries; the oldest is
// evicted when full; an entry older than mac_aging is forgotten). A unicast
// frame to a known MAC goes to its port only (or nowhere if that is the port
// it came from); broadcast, multicast and unknown destinations are flooded
// to every other port.
//
// Offloads: a port created with port_options::checksum_offload accepts
// tx_offload::checksum, and passes such frames to receivers that also have
// it with rx_info::checksum_partial; for a receiver without it the switch
// fills in the checksum itself. Without the option (the default) a checksum
// request is errc::unsupported. GSO is always errc::unsupported.
//
// Lifetime: the switch owns its ports and one delivery task per port (in a
// task_set); destroying the switch cancels them. The switch and its ports
// must outlive every task a port returned. close() ends a port: its pending
// and later write() and receive() fail with errc::closed.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/intrusive_list.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/network.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace atl {

/// link_config: the cable between one port and the switch (see the header
/// comment for which direction each field shapes). Settable at any time.
struct link_config {
  bool up = true;
  double loss = 0.0;       ///< probability that a frame is dropped
  double duplicate = 0.0;  ///< probability that a frame is delivered twice
  double reorder = 0.0;    ///< probability that a frame is held back by reorder_hold
  duration reorder_hold = 1ms;
  duration delay{};   ///< fixed one-way delay
  duration jitter{};  ///< extra delay, uniform in [0, jitter)
  /// bits per second of the link towards the port; 0 is unlimited. Each
  /// frame takes size * 8 / bandwidth to serialize, one after the other.
  std::uint64_t bandwidth = 0;
  /// Payload MTU. The port's mtu() is this value when the port is added;
  /// lowering it later drops larger frames on the link (mtu_drops).
  std::size_t mtu = 1500;
  std::size_t queue_frames = 1024;     ///< delivery queue limit, frames
  std::size_t queue_bytes = 4u << 20;  ///< delivery queue limit, bytes
  std::size_t tx_queue = 256;          ///< transmit queue (frames in flight)
};

/// port_options: fixed for the port's life.
struct port_options {
  /// The port's MAC; all-zero (the default) means 02:00:00:00:hi:lo from the
  /// switch's id and the port's index.
  mac_addr mac{};
  bool checksum_offload = false;
};

/// switch_config: the switch itself.
struct switch_config {
  std::size_t max_ports = 16;
  std::size_t mac_table_size = 256;
  duration mac_aging = 300s;
  std::uint64_t seed = 1;  ///< the one source of randomness of every link
  std::uint8_t id = 0;     ///< goes into default MACs, so switches differ
};

/// link_stats: what the link did to frames for the port, since it was added.
struct link_stats {
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t mtu_drops = 0;
  std::uint64_t queue_drops = 0;  ///< tail drops at queue_frames / queue_bytes
  std::uint64_t down_drops = 0;   ///< frames for the port while its link was down
  std::uint64_t delayed = 0;      ///< frames that took the timed path
};

/// switch_tap: sees every frame the switch takes from a port, before any
/// link fault (a capture point for pcap tracing). on_frame must not call
/// back into the switch; the frame is the sender's private copy, to read.
class switch_tap {
public:
  virtual void on_frame(std::size_t port, mono_time t, const buf& frame) noexcept = 0;

protected:
  ~switch_tap() = default;
};

class memory_switch {
public:
  class port;

  /// memory_switch(e, config): a switch whose links run on engine `e`
  /// (which must outlive it).
  explicit memory_switch(engine& e, const switch_config& config = {}) noexcept;
  memory_switch(const memory_switch&) = delete;
  memory_switch& operator=(const memory_switch&) = delete;
  ~memory_switch();

  /// add_port(link, options): a new port (never null; the switch owns it).
  /// errc::limit_exceeded past
  /// max_ports, errc::invalid_argument for an MTU under 68 or over 65521 or
  /// a multicast MAC, errc::no_memory when it cannot be allocated.
  result<port*> add_port(const link_config& link = {}, const port_options& options = {}) noexcept;

  [[nodiscard]] std::size_t port_count() const noexcept { return ports_.size(); }
  [[nodiscard]] port& at(std::size_t index) noexcept;
  /// learned(mac): the index of the port `mac` was last seen on, if known
  /// and not aged out; errc::not_found otherwise.
  [[nodiscard]] result<std::size_t> learned(mac_addr mac) noexcept;
  [[nodiscard]] std::uint64_t flooded() const noexcept { return flooded_; }
  [[nodiscard]] std::uint64_t mac_evictions() const noexcept { return evictions_; }
  [[nodiscard]] engine& loop() noexcept { return engine_; }
  /// set_tap(t): `t` (which must outlive the switch or be unset with
  /// nullptr) sees every frame from now on.
  void set_tap(switch_tap* t) noexcept { tap_ = t; }

private:
  struct mac_entry {
    std::uint64_t key = 0;  // the MAC as a number: one comparison per entry
    std::size_t port = 0;
    mono_time seen{};
  };
  friend class port;

  void forward(port& from, buf frame, const tx_offload& offload) noexcept;
  void learn(std::uint64_t key, std::size_t port, mono_time now) noexcept;
  /// next_unit: a uniform double in [0, 1) from the seeded generator.
  double next_unit() noexcept;
  bool chance(double probability) noexcept;

  engine& engine_;
  switch_config config_;
  std::vector<std::unique_ptr<port>> ports_;
  std::vector<mac_entry> macs_;
  std::uint64_t rng_;
  std::uint64_t flooded_ = 0;
  std::uint64_t evictions_ = 0;
  switch_tap* tap_ = nullptr;
  task_set tasks_;
};

class memory_switch::port {
public:
  port(const port&) = delete;
  port& operator=(const port&) = delete;
  ~port();

  // The network concept (network.hpp).
  task<result<void>> write(bufs frame, tx_offload offload = {}) noexcept;
  task<result<rx_frame>> receive() noexcept;
  [[nodiscard]] mac_addr mac() const noexcept { return mac_; }
  [[nodiscard]] std::size_t mtu() const noexcept { return mtu_; }
  [[nodiscard]] network_stats stats() const noexcept { return stats_; }

  /// set_link(c): changes the link at once (frames already in flight keep
  /// their arrival time). Cutting a link (up = false) drops the frames
  /// in flight to the port (down_drops); frames already waiting for
  /// receive() stay, as in a NIC's ring.
  void set_link(const link_config& c) noexcept;
  [[nodiscard]] const link_config& link() const noexcept { return link_; }
  [[nodiscard]] const link_stats& faults() const noexcept { return faults_; }
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  /// queued: frames in flight to the port plus frames waiting for receive().
  [[nodiscard]] std::size_t queued() const noexcept { return line_.size() + rx_.size(); }
  /// close: ends the port; waiting and later calls fail with errc::closed.
  void close() noexcept;
  [[nodiscard]] bool closed() const noexcept { return closed_; }

private:
  friend class memory_switch;
  // Made by memory_switch::add_port only.
  port(memory_switch& owner, std::size_t index, const link_config& link,
       const port_options& options) noexcept;
  struct in_flight {
    mono_time due{};
    std::uint64_t order = 0;  // ties on `due` keep send order
    rx_frame frame;
    port* from = nullptr;  // whose transmit queue the frame occupies
  };
  class tx_turn;
  class wake;

  /// egress(frame, from): the link's faults and queues for one frame from
  /// port `from` (already a private copy).
  void egress(rx_frame frame, port& from) noexcept;
  bool admit(std::size_t size) noexcept;
  void push_rx(rx_frame frame) noexcept;
  void deliver_due(mono_time now) noexcept;
  void rearm() noexcept;
  void release_tx() noexcept;
  void pass_tx_turn() noexcept;
  [[nodiscard]] bool faultless() const noexcept;
  task<void> delivery() noexcept;

  memory_switch& owner_;
  std::size_t index_;
  mac_addr mac_;
  std::size_t mtu_;
  bool checksum_offload_;
  link_config link_;
  link_stats faults_;
  network_stats stats_;
  bool closed_ = false;

  std::deque<rx_frame> rx_;  // waiting for receive()
  std::size_t rx_bytes_ = 0;
  event rx_ready_;
  std::deque<in_flight> line_;  // sorted by (due, order)
  std::size_t line_bytes_ = 0;
  std::uint64_t line_order_ = 0;
  mono_time link_free_{};  // when the link finishes serializing what it has
  wake* sleeper_ = nullptr;

  std::size_t tx_in_flight_ = 0;
  intrusive_list<waiter> tx_waiters_;
  std::size_t tx_woken_ = 0;
};

static_assert(network<memory_switch::port>);

}  // namespace atl
