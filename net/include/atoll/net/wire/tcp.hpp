// TCP segments (RFC 9293), with the options of RFC 9293 (MSS), RFC 7323
// (window scale, timestamps) and RFC 2018 (SACK).
//
//   0              16             31
//   |  source port  |  dest. port  |
//   |        sequence number       |
//   |     acknowledgment number    |
//   | off | rsvd | flags | window  |
//   |   checksum    | urgent ptr   |
//   |   options ((off - 5) * 4 bytes)   |
//   |   payload                    |
//
// checked() validates the data offset: at least 5 and within the bytes.
// parse() verifies the checksum (when asked) and walks the options with
// option_walker (bounded; a length of 0 or 1, or one past the header, is an
// error), checking the length of each option it knows: MSS 4, window scale
// 3, SACK-permitted 2, SACK 2 + 8n with n from 1 to 4, timestamps 10.
// Unknown options are skipped by their length. A window scale above 14 is
// taken as 14 (RFC 7323 section 2.3). The four reserved bits are ignored
// (RFC 9293 section 3.1; AccECN uses one).
//
// Errors: errc::corrupt.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

/// tcp_flags: the eight control bits, as on the wire (FIN is bit 0).
class tcp_flags {
public:
  static constexpr std::uint8_t fin = 0x01;
  static constexpr std::uint8_t syn = 0x02;
  static constexpr std::uint8_t rst = 0x04;
  static constexpr std::uint8_t psh = 0x08;
  static constexpr std::uint8_t ack = 0x10;
  static constexpr std::uint8_t urg = 0x20;
  static constexpr std::uint8_t ece = 0x40;
  static constexpr std::uint8_t cwr = 0x80;

  constexpr tcp_flags() noexcept = default;
  constexpr explicit tcp_flags(std::uint8_t bits) noexcept : bits_(bits) {}

  [[nodiscard]] constexpr std::uint8_t bits() const noexcept { return bits_; }
  /// has(mask): every bit of mask is set.
  [[nodiscard]] constexpr bool has(std::uint8_t mask) const noexcept {
    return (bits_ & mask) == mask;
  }
  constexpr tcp_flags& set(std::uint8_t mask, bool on = true) noexcept {
    bits_ = static_cast<std::uint8_t>(on ? bits_ | mask : bits_ & ~mask);
    return *this;
  }

  friend constexpr bool operator==(tcp_flags, tcp_flags) noexcept = default;

private:
  std::uint8_t bits_ = 0;
};

/// tcp_view: accessors over a segment whose header is checked against the bytes.
class tcp_view {
public:
  static constexpr std::size_t min_header_len = 20;
  static constexpr std::size_t max_header_len = 60;

  /// checked(bytes): a view when the data offset is at least 5 and the
  /// header fits the bytes; errc::corrupt otherwise. The segment is all of
  /// `bytes` (the IP layer has cut it to its length).
  static result<tcp_view> checked(std::span<const std::byte> bytes) noexcept;

  [[nodiscard]] port src_port() const noexcept { return port(wire::get_u16(bytes_, 0)); }
  [[nodiscard]] port dst_port() const noexcept { return port(wire::get_u16(bytes_, 2)); }
  [[nodiscard]] std::uint32_t seq() const noexcept { return wire::get_u32(bytes_, 4); }
  [[nodiscard]] std::uint32_t ack() const noexcept { return wire::get_u32(bytes_, 8); }
  /// header_len: the data offset in bytes, 20 to 60.
  [[nodiscard]] std::size_t header_len() const noexcept {
    return (std::size_t{wire::get_u8(bytes_, 12)} >> 4) * 4;
  }
  [[nodiscard]] std::uint8_t reserved() const noexcept { return wire::get_u8(bytes_, 12) & 0x0fU; }
  [[nodiscard]] tcp_flags flags() const noexcept { return tcp_flags(wire::get_u8(bytes_, 13)); }
  [[nodiscard]] std::uint16_t window() const noexcept { return wire::get_u16(bytes_, 14); }
  [[nodiscard]] std::uint16_t checksum() const noexcept { return wire::get_u16(bytes_, 16); }
  [[nodiscard]] std::uint16_t urgent() const noexcept { return wire::get_u16(bytes_, 18); }
  [[nodiscard]] std::span<const std::byte> options() const noexcept {
    return wire::field(bytes_, min_header_len, header_len() - min_header_len);
  }
  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return bytes_.subspan(header_len());
  }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// checksum_ok(ips): the checksum is right for a segment between these addresses.
  [[nodiscard]] bool checksum_ok(const ip_pair& ips) const noexcept;

private:
  explicit tcp_view(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  std::span<const std::byte> bytes_;
};

/// sack_block: one SACK block, [left, right) in sequence space.
struct sack_block {
  std::uint32_t left = 0;
  std::uint32_t right = 0;

  friend constexpr bool operator==(const sack_block&, const sack_block&) noexcept = default;
};

/// tcp_timestamps: the timestamps option (RFC 7323).
struct tcp_timestamps {
  std::uint32_t value = 0;  ///< TSval
  std::uint32_t echo = 0;   ///< TSecr

  friend constexpr bool operator==(const tcp_timestamps&, const tcp_timestamps&) noexcept = default;
};

/// tcp_repr: the header of a segment and the options understood here; the
/// payload travels beside it.
struct tcp_repr {
  static constexpr std::size_t max_sack_blocks = 4;
  static constexpr std::uint8_t max_window_scale = 14;

  port src_port;
  port dst_port;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;  ///< meaningful when flags has ACK
  tcp_flags flags;
  std::uint16_t window = 0;  ///< as on the wire, not scaled
  std::uint16_t urgent = 0;
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;  ///< 0 to 14
  bool sack_permitted = false;
  std::array<sack_block, max_sack_blocks> sack{};
  std::uint8_t sack_count = 0;
  std::optional<tcp_timestamps> timestamps;
  std::uint16_t payload_len = 0;

  /// parse(view, ips, policy): see the top of this header. errc::corrupt
  /// for a bad checksum (policy verify) or a malformed option.
  static result<tcp_repr> parse(const tcp_view& view, const ip_pair& ips,
                                checksum_policy policy = checksum_policy::verify) noexcept;

  /// sack_blocks_sent: how many SACK blocks emit() writes: sack_count, or
  /// fewer when the other options leave no room for all (RFC 2018 allows
  /// sending fewer).
  [[nodiscard]] std::size_t sack_blocks_sent() const noexcept;
  /// options_len: the option bytes emit() writes, a multiple of 4, at most 40.
  [[nodiscard]] std::size_t options_len() const noexcept;
  /// buffer_len: 20 plus options_len().
  [[nodiscard]] std::size_t buffer_len() const noexcept {
    return tcp_view::min_header_len + options_len();
  }
  /// emit(out, ips, payload): writes the header and options into out
  /// (exactly buffer_len() bytes) with the checksum over `payload`, which
  /// must be payload_len bytes (a bug otherwise). Options are laid out as
  /// Linux does (4-byte aligned with NOPs) when they fit, packed otherwise.
  void emit(std::span<std::byte> out, const ip_pair& ips,
            std::span<const std::byte> payload) const noexcept;
  /// emit(out, ips, payload_sum): the same with the payload given by its ones_sum().
  void emit(std::span<std::byte> out, const ip_pair& ips, std::uint16_t payload_sum) const noexcept;
  /// emit_partial(out, ips): the pseudo-header's sum in the checksum field,
  /// for a device to finish (tx_offload::checksum with csum_offset 16).
  void emit_partial(std::span<std::byte> out, const ip_pair& ips) const noexcept;

  /// the SACK blocks received or to send.
  [[nodiscard]] std::span<const sack_block> sack_blocks() const noexcept {
    return std::span<const sack_block>(sack).first(sack_count);
  }

  friend bool operator==(const tcp_repr& a, const tcp_repr& b) noexcept;
};

}  // namespace atl::net
