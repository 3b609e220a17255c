// The virtio-net header in front of every TAP frame (IFF_VNET_HDR): tx_offload
// to bytes on the way out, bytes to rx_info on the way in. Private to
// targets/unix. Layout (virtio 1.0, little-endian): flags u8, gso_type u8,
// hdr_len u16, gso_size u16, csum_start u16, csum_offset u16, and with the
// 12-byte form num_buffers u16.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/devices/network.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::unix_target {

inline constexpr std::size_t vnet_header_max = 12;

namespace vnet {
inline constexpr std::uint8_t needs_csum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
inline constexpr std::uint8_t data_valid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
inline constexpr std::uint8_t gso_ecn = 0x80;  // VIRTIO_NET_HDR_GSO_ECN
}  // namespace vnet

inline std::uint8_t vnet_gso_code(gso_type t) noexcept {
  switch (t) {
    case gso_type::none: return 0;
    case gso_type::tcpv4: return 1;
    case gso_type::tcpv6: return 4;
    case gso_type::udp_l4: return 5;
  }
  return 0;
}

inline gso_type vnet_gso_type(std::uint8_t code) noexcept {
  switch (code & ~vnet::gso_ecn) {
    case 1: return gso_type::tcpv4;
    case 4: return gso_type::tcpv6;
    case 5: return gso_type::udp_l4;
    default: return gso_type::none;
  }
}

inline void put_le16(std::span<std::byte> out, std::size_t at, std::uint16_t v) noexcept {
  out[at] = static_cast<std::byte>(v & 0xff);
  out[at + 1] = static_cast<std::byte>(v >> 8);
}

inline std::uint16_t get_le16(std::span<const std::byte> in, std::size_t at) noexcept {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(in[at]) |
                                    (std::to_integer<unsigned>(in[at + 1]) << 8));
}

/// check_tx_offload(o, size): the offload fits a frame of `size` bytes: a
/// checksum field inside the frame, GSO only with a checksum and a segment size.
inline result<void> check_tx_offload(const tx_offload& o, std::size_t size) noexcept {
  if (o.checksum && std::size_t{o.csum_start} + o.csum_offset + 2 > size) {
    return error(errc::invalid_argument, "checksum offload at ", o.csum_start, "+", o.csum_offset,
                 " is outside a frame of ", size, " bytes");
  }
  if (o.gso != gso_type::none && (!o.checksum || o.gso_size == 0 || o.hdr_len == 0)) {
    return error(errc::invalid_argument, "GSO needs a checksum offload, gso_size and hdr_len");
  }
  return ok();
}

/// encode_vnet_header(o, out): the header for `o` (out is 10 or 12 bytes).
inline void encode_vnet_header(const tx_offload& o, std::span<std::byte> out) noexcept {
  for (std::byte& b : out) b = std::byte{0};
  out[0] = static_cast<std::byte>(o.checksum ? vnet::needs_csum : 0);
  out[1] = static_cast<std::byte>(vnet_gso_code(o.gso));
  if (o.gso != gso_type::none) {
    put_le16(out, 2, o.hdr_len);
    put_le16(out, 4, o.gso_size);
  }
  if (o.checksum) {
    put_le16(out, 6, o.csum_start);
    put_le16(out, 8, o.csum_offset);
  }
}

/// decode_vnet_header(in): what Linux says about a received frame.
inline rx_info decode_vnet_header(std::span<const std::byte> in) noexcept {
  rx_info info;
  const auto flags = std::to_integer<std::uint8_t>(in[0]);
  info.checksum_valid = (flags & vnet::data_valid) != 0;
  info.checksum_partial = (flags & vnet::needs_csum) != 0;
  if (info.checksum_partial) {
    info.csum_start = get_le16(in, 6);
    info.csum_offset = get_le16(in, 8);
  }
  info.gso = vnet_gso_type(std::to_integer<std::uint8_t>(in[1]));
  if (info.gso != gso_type::none) info.gso_size = get_le16(in, 4);
  return info;
}

}  // namespace atl::unix_target
