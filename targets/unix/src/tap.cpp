#include "errno_error.hpp"
#include "tap_vnet.hpp"
#include <atoll/unix/fd.hpp>
#include <atoll/unix/tap.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <new>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <utility>

namespace atl::unix_target {

namespace {

// Room for an Ethernet header and one 802.1Q tag in front of the MTU.
constexpr std::size_t frame_overhead = ethernet_header_size + 4;
// The scratch area takes what does not fit the buffer (so an oversize frame
// is seen whole and counted) and frames dropped for want of memory.
constexpr std::size_t scratch_size = 65536;
// Frames dropped in one receive() before it lets other coroutines run.
constexpr int drops_per_turn = 64;
// The largest frame a GSO write may carry: an IPv4/IPv6 packet of 64 KiB.
constexpr std::size_t gso_frame_limit = 65535 + ethernet_header_size;

result<int> interface_mtu(const char* name) noexcept {
  owned_fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return errno_error("socket for SIOCGIFMTU", name, errno);
  ifreq ifr{};
  // The name was checked shorter than IFNAMSIZ; copy it with its length so the
  // terminator left by ifr{} stays in place.
  std::memcpy(ifr.ifr_name, name, std::min(std::strlen(name), std::size_t{IFNAMSIZ - 1}));
  if (::ioctl(sock.get(), SIOCGIFMTU, &ifr) != 0) return errno_error("SIOCGIFMTU", name, errno);
  return ifr.ifr_mtu;
}

result<mac_addr> random_mac() noexcept {
  mac_addr::octets_type o{};
  if (::getrandom(o.data(), o.size(), 0) != static_cast<ssize_t>(o.size())) {
    return errno_error("getrandom for a MAC address", "", errno);
  }
  o[0] = static_cast<std::uint8_t>((o[0] & 0xfc) | 0x02);  // unicast, locally administered
  return mac_addr(o);
}

enum class rx_outcome { frame, empty, busy };

}  // namespace

struct tap_network::state {
  explicit state(engine& e) noexcept : loop(e), readable(e), writable(e) {}

  engine& loop;
  owned_fd fd;
  event readable;
  event writable;
  fd_registration registration;  // ends before the events and the descriptor
  char name[IFNAMSIZ] = {};
  mac_addr mac;
  std::size_t mtu = 0;
  std::size_t header_size = 12;
  memory_budget* budget = nullptr;
  network_stats stats;
  buf spare;  // the next receive buffer, kept across waits
  std::unique_ptr<std::byte[]> scratch;

  [[nodiscard]] std::size_t capacity() const noexcept { return mtu + frame_overhead; }
  result<rx_outcome> try_receive(rx_frame& out) noexcept;
};

result<rx_outcome> tap_network::state::try_receive(rx_frame& out) noexcept {
  for (int dropped = 0; dropped < drops_per_turn;) {
    if (spare.empty()) {
      // Unzeroed: the frame is trimmed to the bytes readv() wrote.
      auto fresh = buf::allocate_uninit(capacity(), 0, budget);
      if (fresh) spare = std::move(*fresh);  // else: read the frame to drop it
    }
    std::array<std::byte, vnet_header_max> header{};
    iovec iov[3];
    int count = 0;
    iov[count++] = {header.data(), header_size};
    if (!spare.empty()) iov[count++] = {spare.mutable_bytes().data(), spare.size()};
    iov[count++] = {scratch.get(), scratch_size};
    const ssize_t n = ::readv(fd.get(), iov, count);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN) return rx_outcome::empty;
      ++stats.rx_errors;
      return errno_error("read from TAP", name, err);
    }
    const auto got = static_cast<std::size_t>(n);
    if (got < header_size + ethernet_header_size) {  // no room for an Ethernet header
      ++stats.rx_errors;
      ++dropped;
      continue;
    }
    const std::size_t length = got - header_size;
    if (spare.empty() || length > spare.size()) {  // no memory, or larger than the MTU
      ++stats.rx_drops;
      ++dropped;
      continue;
    }
    buf frame = std::move(spare);
    ATOLL_TRYV(frame.truncate(length));
    out.info = decode_vnet_header(std::span(header).first(header_size));
    out.frame = std::move(frame);
    ++stats.rx_packets;
    stats.rx_bytes += length;
    return rx_outcome::frame;
  }
  return rx_outcome::busy;
}

result<tap_network> tap_network::create(engine& e, epoll_platform& p, std::string_view name,
                                        const tap_options& options) noexcept {
  if (name.size() >= IFNAMSIZ || name.find('\0') != std::string_view::npos) {
    return error(errc::invalid_argument, "'", name, "' is not an interface name");
  }
  if (options.vnet_header_size != 10 && options.vnet_header_size != 12) {
    return error(errc::invalid_argument, "the virtio-net header is 10 or 12 bytes, not ",
                 options.vnet_header_size);
  }
  if (options.mtu != 0 && (options.mtu < 68 || options.mtu > 65535)) {
    return error(errc::invalid_argument, "MTU ", options.mtu, " is not within 68 to 65535");
  }
  std::unique_ptr<state> s(new (std::nothrow) state(e));
  if (!s) return error(errc::no_memory, "no memory for a TAP device");
  s->scratch.reset(new (std::nothrow) std::byte[scratch_size]);
  if (!s->scratch) return error(errc::no_memory, "no memory for a TAP device");

  s->fd.reset(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!s->fd) return errno_error("open", "/dev/net/tun", errno);
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
  if (::ioctl(s->fd.get(), TUNSETIFF, &ifr) != 0) {
    const int err = errno;
    if (err == EPERM) {
      return error(errc::permission_denied, "TAP '", name, "': needs CAP_NET_ADMIN");
    }
    return errno_error("TUNSETIFF", name, err);
  }
  std::memcpy(s->name, ifr.ifr_name, IFNAMSIZ - 1);
  const int header_size = static_cast<int>(options.vnet_header_size);
  if (::ioctl(s->fd.get(), TUNSETVNETHDRSZ, &header_size) != 0) {
    return errno_error("TUNSETVNETHDRSZ", s->name, errno);
  }
  // The header's fields are little-endian whatever the host (virtio 1.0).
  // A little-endian host needs no switch, so an old kernel's EINVAL is fine.
  const int little = 1;
  if (::ioctl(s->fd.get(), TUNSETVNETLE, &little) != 0 &&
      (errno != EINVAL || std::endian::native != std::endian::little)) {
    return errno_error("TUNSETVNETLE", s->name, errno);
  }
  if (::ioctl(s->fd.get(), TUNSETOFFLOAD, 0UL) != 0) {
    return errno_error("TUNSETOFFLOAD", s->name, errno);
  }
  s->header_size = options.vnet_header_size;
  s->budget = options.budget;
  if (options.mtu != 0) {
    s->mtu = options.mtu;
  } else {
    ATOLL_TRY(const int mtu, interface_mtu(s->name));
    s->mtu = static_cast<std::size_t>(mtu);
  }
  if (options.mac) {
    s->mac = *options.mac;
  } else {
    ATOLL_TRY(s->mac, random_mac());
  }
  ATOLL_TRY(s->registration, p.register_fd(s->fd.get(), s->readable, &s->writable));
  return tap_network(std::move(s));
}

tap_network::tap_network(std::unique_ptr<state> s) noexcept : state_(std::move(s)) {}
tap_network::tap_network(tap_network&& other) noexcept = default;
tap_network& tap_network::operator=(tap_network&& other) noexcept = default;
tap_network::~tap_network() = default;

mac_addr tap_network::mac() const noexcept { return state_->mac; }
std::size_t tap_network::mtu() const noexcept { return state_->mtu; }
network_stats tap_network::stats() const noexcept { return state_->stats; }
std::string_view tap_network::name() const noexcept { return state_->name; }
std::size_t tap_network::rx_capacity() const noexcept { return state_->capacity(); }

task<result<rx_frame>> tap_network::receive() noexcept {
  state& s = *state_;
  rx_frame out;
  for (;;) {
    ATOLL_CO_TRY(const rx_outcome outcome, s.try_receive(out));
    if (outcome == rx_outcome::frame) co_return std::move(out);
    if (outcome == rx_outcome::busy) {
      co_await s.loop.yield_now();  // a flood of drops: let others run
    } else {
      co_await s.readable.wait();
    }
  }
}

task<result<void>> tap_network::write(bufs frame, tx_offload offload) noexcept {
  state& s = *state_;
  if (offload.gso == gso_type::none) {
    ATOLL_CO_TRYV(check_frame_size(frame.size(), s.mtu));
  } else if (frame.size() > gso_frame_limit || frame.size() < ethernet_header_size) {
    co_return error(errc::invalid_argument, "a GSO frame of ", frame.size(), " bytes");
  }
  ATOLL_CO_TRYV(check_tx_offload(offload, frame.size()));
  std::array<std::byte, vnet_header_max> header{};
  encode_vnet_header(offload, std::span(header).first(s.header_size));
  iovec iov[1 + bufs::max_segments];
  iov[0] = {header.data(), s.header_size};
  int count = 1;
  for (const buf& b : frame) {
    // writev does not write through the pointers; the cast only fits iovec.
    if (!b.empty()) iov[count++] = {const_cast<std::byte*>(b.data()), b.size()};
  }
  const std::size_t total = s.header_size + frame.size();
  for (;;) {
    const ssize_t n = ::writev(s.fd.get(), iov, count);
    if (n >= 0) {
      if (static_cast<std::size_t>(n) != total) {
        ++s.stats.tx_errors;
        co_return error(errc::io_error, "TAP '", s.name, "' took ", n, " of ", total, " bytes");
      }
      ++s.stats.tx_packets;
      s.stats.tx_bytes += frame.size();
      co_return ok();
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      co_await s.writable.wait();  // back-pressure: the kernel's queue is full
      continue;
    }
    if (err == EIO) {  // the interface is down: like a NIC without link, drop
      ++s.stats.tx_drops;
      co_return ok();
    }
    ++s.stats.tx_errors;
    co_return errno_error("write to TAP", s.name, err);
  }
}

}  // namespace atl::unix_target
