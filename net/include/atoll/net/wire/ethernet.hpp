// Ethernet II frames (IEEE 802.3 with an EtherType), with one optional IEEE
// 802.1Q tag. The frame is as a network device hands it over: no preamble,
// no FCS; it may carry padding after the payload (a 60-byte minimum), which
// the IP layer trims by its own length field.
//
//   0      6      12            14 (or 18 with a tag)
//   | dst  | src  | type / TPID | [TCI | type] | payload ...
//
// Errors (docs/net-wire.md): errc::corrupt for a frame too short for its
// header; errc::unsupported for an 802.3 length field instead of an
// EtherType (values below 0x0600: LLC frames) and for a second tag (QinQ).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/wire/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

/// ethertype: the EtherType values used here; any 16-bit value may appear.
enum class ethertype : std::uint16_t {
  ipv4 = 0x0800,
  arp = 0x0806,
  vlan = 0x8100,  ///< IEEE 802.1Q tag protocol identifier
  ipv6 = 0x86dd,
  qinq = 0x88a8,  ///< IEEE 802.1ad service tag
};

/// vlan_tag: the tag control information of an 802.1Q tag.
struct vlan_tag {
  std::uint8_t priority = 0;   ///< PCP, 0 to 7
  bool drop_eligible = false;  ///< DEI
  std::uint16_t id = 0;        ///< VID, 0 to 4095

  friend constexpr bool operator==(const vlan_tag&, const vlan_tag&) noexcept = default;
};

/// ethernet_view: accessors over a frame checked to hold its header.
class ethernet_view {
public:
  static constexpr std::size_t header_len_untagged = 14;
  static constexpr std::size_t tag_len = 4;

  /// checked(frame): a view when the frame holds the whole header (with the
  /// tag when the type is 0x8100 or 0x88a8); errc::corrupt otherwise.
  static result<ethernet_view> checked(std::span<const std::byte> frame) noexcept;

  [[nodiscard]] mac_addr dst() const noexcept { return wire::get_mac(bytes_, 0); }
  [[nodiscard]] mac_addr src() const noexcept { return wire::get_mac(bytes_, 6); }
  /// tagged: the frame has an 802.1Q (or 802.1ad) tag.
  [[nodiscard]] bool tagged() const noexcept { return header_len_ != header_len_untagged; }
  /// tag: the tag's control information (tagged() only: a bug otherwise).
  [[nodiscard]] vlan_tag tag() const noexcept;
  /// type: the EtherType of the payload (after the tag, if any).
  [[nodiscard]] ethertype type() const noexcept {
    return static_cast<ethertype>(wire::get_u16(bytes_, header_len_ - 2));
  }
  /// header_len: 14, or 18 with a tag.
  [[nodiscard]] std::size_t header_len() const noexcept { return header_len_; }
  /// payload: the bytes after the header, padding included.
  [[nodiscard]] std::span<const std::byte> payload() const noexcept {
    return bytes_.subspan(header_len_);
  }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }

private:
  ethernet_view(std::span<const std::byte> bytes, std::size_t header_len) noexcept
      : bytes_(bytes), header_len_(header_len) {}

  std::span<const std::byte> bytes_;
  std::size_t header_len_;
};

/// ethernet_repr: the header of a frame.
struct ethernet_repr {
  mac_addr dst;
  mac_addr src;
  ethertype type = ethertype::ipv4;
  std::optional<vlan_tag> tag;

  /// parse(view): the header; errc::unsupported for an 802.3 length field
  /// (type below 0x0600) or a second tag.
  static result<ethernet_repr> parse(const ethernet_view& view) noexcept;
  /// buffer_len: 14, or 18 with a tag.
  [[nodiscard]] std::size_t buffer_len() const noexcept {
    return ethernet_view::header_len_untagged + (tag ? ethernet_view::tag_len : 0);
  }
  /// emit(out): writes the header into out, which must be exactly
  /// buffer_len() bytes (a bug otherwise); the payload follows it.
  void emit(std::span<std::byte> out) const noexcept;

  friend bool operator==(const ethernet_repr&, const ethernet_repr&) noexcept = default;
};

}  // namespace atl::net
