#include <atoll/net/wire/udp.hpp>

namespace atl::net {

result<udp_view> udp_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < header_len) {
    return error(errc::corrupt, "udp: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::size_t length = wire::get_u16(bytes, 4);
  if (length < header_len) {
    return error(errc::corrupt, "udp: length ", length, " is below 8");
  }
  if (length > bytes.size()) {
    return error(errc::corrupt, "udp: length ", length, " exceeds the ", bytes.size(),
                 " bytes received");
  }
  return udp_view(bytes.first(length));
}

bool udp_view::checksum_ok(const ip_pair& ips) const noexcept {
  checksum_accumulator sum(ips.pseudo_sum(ip_protocol::udp, bytes_.size()));
  sum.add(bytes_);
  return sum.checksum() == 0;
}

result<udp_repr> udp_repr::parse(const udp_view& view, const ip_pair& ips,
                                 checksum_policy policy) noexcept {
  if (view.checksum() == 0) {
    if (ips.is_v6()) return error(errc::corrupt, "udp: a zero checksum over IPv6");
  } else if (policy == checksum_policy::verify && !view.checksum_ok(ips)) {
    return error(errc::corrupt, "udp: bad checksum");
  }
  udp_repr r;
  r.src_port = view.src_port();
  r.dst_port = view.dst_port();
  r.payload_len = static_cast<std::uint16_t>(view.length() - udp_view::header_len);
  return r;
}

void udp_repr::emit(std::span<std::byte> out, const ip_pair& ips,
                    std::span<const std::byte> payload) const noexcept {
  ATOLL_ASSERT(payload.size() == payload_len);
  emit(out, ips, ones_sum(payload));
}

void udp_repr::emit(std::span<std::byte> out, const ip_pair& ips,
                    std::uint16_t payload_sum) const noexcept {
  emit_partial(out, ips);
  checksum_accumulator sum(ones_sum(out));
  sum.add_partial(payload_sum);
  const std::uint16_t checksum = sum.checksum();
  wire::put_u16(out, 6, checksum == 0 ? 0xffff : checksum);
}

void udp_repr::emit_partial(std::span<std::byte> out, const ip_pair& ips) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  ATOLL_ASSERT(payload_len <= 65535 - buffer_len());
  const std::size_t length = buffer_len() + payload_len;
  wire::put_u16(out, 0, src_port.value());
  wire::put_u16(out, 2, dst_port.value());
  wire::put_u16(out, 4, static_cast<std::uint16_t>(length));
  wire::put_u16(out, 6, ips.pseudo_sum(ip_protocol::udp, length));
}

}  // namespace atl::net
