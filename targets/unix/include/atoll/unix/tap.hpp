// unix_target::tap_network: the network device over a Linux TAP interface.
//
// The unikernel's Ethernet frames go through /dev/net/tun to a TAP interface
// on the host, where Linux sees them as arriving on that interface (and can
// bridge, route or answer them). Besides the network contract (devices/
// network.hpp):
//   - The descriptor is opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR: each
//     frame travels behind a virtio-net header (10 or 12 bytes), so checksum
//     and segmentation offloads can be switched on without changing the I/O
//     path. Receive offloads are off (TUNSETOFFLOAD 0): Linux hands over
//     complete frames no larger than the MTU, with checksums filled in. On
//     the way out the header carries tx_offload: Linux completes a requested
//     checksum and segments a GSO frame (up to 64 KiB) itself.
//   - The descriptor is non-blocking and registered with the epoll
//     platform. receive() reads one frame per call into a buf of
//     rx_capacity() bytes charged to options.budget; when the budget is
//     spent, the frame is read and dropped (rx_drops), so a flood cannot
//     grow memory and the kernel's queue keeps draining. Frames that Linux
//     drops because nobody read them are counted by Linux (the interface's
//     tx_dropped), not here. Writes use writev straight from the bufs.
//   - mac() is the unikernel's own address (options.mac, or a random locally
//     administered one), not the TAP interface's, which is Linux's.
//   - The device must outlive its tasks; destroying it closes the
//     descriptor, which removes an interface that create() made (one that
//     existed before, made persistent with `ip tuntap add`, stays).
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/network.hpp>
#include <atoll/unix/epoll_platform.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace atl::unix_target {

struct tap_options {
  /// The unikernel's MAC address; default: random, locally administered, unicast.
  std::optional<mac_addr> mac;
  /// The MTU (68 to 65535); 0: the interface's own (SIOCGIFMTU). A larger
  /// value than the interface's makes Linux drop the larger frames.
  std::size_t mtu = 0;
  /// The virtio-net header: 10 bytes (virtio_net_hdr) or 12 (with
  /// num_buffers, as virtio 1.0 devices use).
  std::size_t vnet_header_size = 12;
  /// Received frames are charged to this budget when given; it must outlive
  /// the device and every frame.
  memory_budget* budget = nullptr;
};

class tap_network {
public:
  /// create(e, p, name, options): attaches to the TAP interface `name`,
  /// creating it when it does not exist (empty: Linux picks "tapN"). Needs
  /// CAP_NET_ADMIN unless the interface was made persistent for this user.
  /// Errors: errc::invalid_argument (a name of 16 bytes or more, a bad
  /// option), errc::not_found (no /dev/net/tun), errc::permission_denied
  /// (no CAP_NET_ADMIN), errc::busy (another process holds the interface),
  /// and the host's other errors by category. `e` and `p` must outlive the
  /// device; the platform must not move afterwards.
  static result<tap_network> create(engine& e, epoll_platform& p, std::string_view name,
                                    const tap_options& options = {}) noexcept;

  tap_network(tap_network&& other) noexcept;
  tap_network& operator=(tap_network&& other) noexcept;
  tap_network(const tap_network&) = delete;
  tap_network& operator=(const tap_network&) = delete;
  ~tap_network();

  /// write / receive: the network contract. write() waits on the
  /// descriptor when the kernel says EAGAIN; a frame written while the
  /// interface is down is dropped (tx_drops), as a NIC without link drops
  /// it; other host failures are errno_error values, counted in tx_errors. A gso frame needs
  /// `checksum` and may be up to 65535 bytes of payload.
  task<result<void>> write(bufs frame, tx_offload offload = {}) noexcept;
  task<result<rx_frame>> receive() noexcept;

  [[nodiscard]] mac_addr mac() const noexcept;
  [[nodiscard]] std::size_t mtu() const noexcept;
  [[nodiscard]] network_stats stats() const noexcept;
  /// name: the interface's name as the kernel gave it.
  [[nodiscard]] std::string_view name() const noexcept;
  /// rx_capacity: the bytes of a receive buffer (mtu + Ethernet header +
  /// one VLAN tag), each charged to the budget with buf's overhead.
  [[nodiscard]] std::size_t rx_capacity() const noexcept;

  struct state;  // private to tap.cpp

private:
  explicit tap_network(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> state_;
};

static_assert(network<tap_network>);

}  // namespace atl::unix_target
