// network: an Ethernet device that sends and receives frames (the role of
// mirage-net's Net.S).
//
// A frame is a whole Ethernet II frame without preamble and FCS: destination
// MAC, source MAC, EtherType, payload. mtu() is the largest payload (an IP
// packet), so the largest frame is mtu() + ethernet_header_size bytes.
//
// Contract, for every implementation (tests/devices/conformance/
// network_conformance.hpp checks it):
//   - write(frame, offload) sends one frame made of the bytes of `frame`'s
//     segments in order (scatter-gather: a header in its own buf, the payload
//     in others; nothing is copied before the device needs it). It completes
//     when the device has taken the frame, not when it is on the wire.
//     A frame shorter than ethernet_header_size or longer than mtu() +
//     ethernet_header_size fails with errc::invalid_argument and is not
//     counted as sent; an offload the device cannot do (gso on a device
//     without segmentation) fails with errc::unsupported.
//   - Back-pressure: when the device's transmit queue is full, write() waits
//     until there is room; it does not drop and does not fail. Frames are
//     sent in the order their write()s were started. A frame the device took
//     but cannot send (no link) is dropped and counted in tx_drops: write()
//     still succeeds, as on a NIC whose cable is out.
//   - receive() completes with the next frame that arrived, waiting until one
//     does. Frames come in arrival order; each is returned once (concurrent
//     receivers get different frames). The buf is the caller's; it shares no
//     bytes with other frames. A frame the device could not take (no memory,
//     its queue full, too large, malformed) is dropped and counted, never an
//     error of receive(): receive() fails only when the device itself fails
//     (errc::io_error) or is closed (errc::closed).
//   - Cancellation: destroying a write() task before it completes may or may
//     not send the frame; destroying a receive() task loses no frame that it
//     had not returned.
//   - mac() and mtu() do not change while the device is open. stats() counts
//     since the device was opened, in frames and bytes of whole frames.
//   - The device must outlive every task it returned.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>

#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace atl {

/// ethernet_header_size: destination, source and EtherType (no VLAN tag).
inline constexpr std::size_t ethernet_header_size = 14;

/// mac_addr: a 48-bit Ethernet address (a strong type: never mistaken for
/// six arbitrary bytes).
class mac_addr {
public:
  using octets_type = std::array<std::uint8_t, 6>;

  constexpr mac_addr() noexcept = default;
  constexpr explicit mac_addr(const octets_type& octets) noexcept : octets_(octets) {}

  /// broadcast: ff:ff:ff:ff:ff:ff.
  static constexpr mac_addr broadcast() noexcept {
    return mac_addr(octets_type{0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  }
  /// parse("02:00:5e:10:00:01"): six two-digit hex groups separated by ':'
  /// (or '-'), either case; anything else is errc::invalid_argument.
  static result<mac_addr> parse(std::string_view text) noexcept;
  /// read(frame, offset): the six bytes of `frame` at `offset` (checked).
  static result<mac_addr> read(const buf& frame, std::size_t offset) noexcept {
    octets_type o{};
    for (std::size_t i = 0; i < o.size(); ++i) {
      ATOLL_TRY(o[i], frame.read_u8(offset + i));
    }
    return mac_addr(o);
  }
  /// write(frame, offset): stores the address at `offset` (a bug if out of range).
  void write(buf& frame, std::size_t offset) const noexcept {
    for (std::size_t i = 0; i < octets_.size(); ++i) frame.set_u8(offset + i, octets_[i]);
  }

  [[nodiscard]] constexpr const octets_type& octets() const noexcept { return octets_; }
  /// Group (multicast or broadcast) addresses have the low bit of the first octet set.
  [[nodiscard]] constexpr bool is_multicast() const noexcept { return (octets_[0] & 1) != 0; }
  [[nodiscard]] constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }
  [[nodiscard]] constexpr bool is_unicast() const noexcept { return !is_multicast(); }
  /// Locally administered (not from a vendor's range): bit 1 of the first octet.
  [[nodiscard]] constexpr bool is_local() const noexcept { return (octets_[0] & 2) != 0; }

  /// text(): "02:00:5e:10:00:01" (lower case).
  [[nodiscard]] text_buffer<18> text() const noexcept {
    constexpr char digits[] = "0123456789abcdef";
    text_buffer<18> out;
    for (std::size_t i = 0; i < octets_.size(); ++i) {
      if (i != 0) out.append(':');
      out.append(digits[octets_[i] >> 4]).append(digits[octets_[i] & 15]);
    }
    return out;
  }

  friend constexpr bool operator==(const mac_addr&, const mac_addr&) noexcept = default;
  friend constexpr auto operator<=>(const mac_addr&, const mac_addr&) noexcept = default;

private:
  octets_type octets_{};
};

inline result<mac_addr> mac_addr::parse(std::string_view text) noexcept {
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  octets_type o{};
  if (text.size() != 17) return error(errc::invalid_argument, "'", text, "' is not a MAC address");
  for (std::size_t i = 0; i < o.size(); ++i) {
    const std::size_t at = i * 3;
    const int hi = digit(text[at]);
    const int lo = digit(text[at + 1]);
    const bool separator_ok = i == 5 || text[at + 2] == ':' || text[at + 2] == '-';
    if (hi < 0 || lo < 0 || !separator_ok) {
      return error(errc::invalid_argument, "'", text, "' is not a MAC address");
    }
    o[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return mac_addr(o);
}

/// gso_type: the segmentation a frame asks for or arrived with (the
/// virtio-net header's gso_type). A GSO frame carries one large TCP or UDP
/// payload that the device cuts into segments of gso_size bytes.
enum class gso_type : std::uint8_t { none, tcpv4, tcpv6, udp_l4 };

/// tx_offload: what the device is asked to finish on a frame (the
/// virtio-net header's fields). The default asks for nothing, which every
/// device accepts.
struct tx_offload {
  /// Fill in a checksum: the Internet checksum of the frame from byte
  /// csum_start to the end, added to the 16 bits at csum_start + csum_offset
  /// (which hold the pseudo-header sum), stored there.
  bool checksum = false;
  std::uint16_t csum_start = 0;
  std::uint16_t csum_offset = 0;
  /// Segment the frame (needs checksum): headers of hdr_len bytes are
  /// repeated in front of each gso_size-byte piece of the payload.
  gso_type gso = gso_type::none;
  std::uint16_t gso_size = 0;
  std::uint16_t hdr_len = 0;

  friend constexpr bool operator==(const tx_offload&, const tx_offload&) noexcept = default;
};

/// rx_info: what the device says about a received frame.
struct rx_info {
  /// The device verified the transport checksum (VIRTIO_NET_HDR_F_DATA_VALID):
  /// the stack may skip its own check. False means "not checked", not "bad".
  bool checksum_valid = false;
  /// The checksum is still to be computed as for tx_offload (a frame from a
  /// local peer that never had one); csum_start/csum_offset say where.
  bool checksum_partial = false;
  std::uint16_t csum_start = 0;
  std::uint16_t csum_offset = 0;
  /// A coalesced frame larger than the MTU (only when the device was set up
  /// to accept them; never by default).
  gso_type gso = gso_type::none;
  std::uint16_t gso_size = 0;
};

/// rx_frame: a received frame and what the device knows of it.
struct rx_frame {
  buf frame;
  rx_info info;
};

/// network_stats: counters since the device was opened. Bytes are frame
/// bytes (Ethernet header included, no FCS, no device header).
struct network_stats {
  std::uint64_t rx_packets = 0;  ///< frames returned by receive()
  std::uint64_t rx_bytes = 0;
  std::uint64_t rx_drops = 0;    ///< frames dropped: no memory, queue full, too large
  std::uint64_t rx_errors = 0;   ///< malformed frames and failed reads
  std::uint64_t tx_packets = 0;  ///< frames taken by write()
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_drops = 0;   ///< frames the device accepted but could not send
  std::uint64_t tx_errors = 0;  ///< writes that failed (not invalid ones)

  friend constexpr bool operator==(const network_stats&, const network_stats&) noexcept = default;
};

/// network<N>: the network device concept. See the contract at the top of
/// this header. mac(), mtu() and stats() are synchronous; write and receive
/// are tasks.
template <class N>
concept network = requires(N& n, const N& cn, bufs frame, const tx_offload& offload) {
  { n.write(frame, offload) } -> std::same_as<task<result<void>>>;
  { n.write(frame) } -> std::same_as<task<result<void>>>;
  { n.receive() } -> std::same_as<task<result<rx_frame>>>;
  { cn.mac() } -> std::same_as<mac_addr>;
  { cn.mtu() } -> std::same_as<std::size_t>;
  { cn.stats() } -> std::same_as<network_stats>;
};

/// check_frame_size(size, mtu): ok for a frame of `size` bytes on a device
/// of that MTU; otherwise the errc::invalid_argument error every
/// implementation returns.
inline result<void> check_frame_size(std::size_t size, std::size_t mtu) noexcept {
  if (size < ethernet_header_size) {
    return error(errc::invalid_argument, "a frame of ", size, " bytes has no Ethernet header");
  }
  if (size > mtu + ethernet_header_size) {
    return error(errc::invalid_argument, "a frame of ", size, " bytes exceeds the MTU of ", mtu);
  }
  return ok();
}

}  // namespace atl
