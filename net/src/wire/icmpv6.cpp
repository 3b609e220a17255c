#include <atoll/net/wire/icmpv6.hpp>

#include <algorithm>

namespace atl::net {
namespace {

std::span<const std::byte> quote(std::span<const std::byte> invoking) noexcept {
  return invoking.first(std::min(invoking.size(), icmpv6_repr::max_invoking_len));
}

icmpv6_repr error_repr(icmpv6_type type, std::uint8_t code,
                       std::span<const std::byte> invoking) noexcept {
  icmpv6_repr r;
  r.type = type;
  r.code = code;
  r.data = quote(invoking);
  return r;
}

}  // namespace

std::size_t icmpv6_view::min_len(std::uint8_t type) noexcept {
  switch (static_cast<icmpv6_type>(type)) {
    case icmpv6_type::router_advert: return 16;
    case icmpv6_type::neighbor_solicit:
    case icmpv6_type::neighbor_advert: return 24;
    case icmpv6_type::redirect: return 40;
    default: return header_len;
  }
}

result<icmpv6_view> icmpv6_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < header_len) {
    return error(errc::corrupt, "icmpv6: ", bytes.size(), " bytes is shorter than a header");
  }
  const std::uint8_t type = wire::get_u8(bytes, 0);
  if (bytes.size() < min_len(type)) {
    return error(errc::corrupt, "icmpv6: a message of type ", type, " needs ", min_len(type),
                 " bytes, not ", bytes.size());
  }
  return icmpv6_view(bytes);
}

bool icmpv6_view::checksum_ok(const ip_pair& ips) const noexcept {
  checksum_accumulator sum(ips.pseudo_sum(ip_protocol::icmpv6, bytes_.size()));
  sum.add(bytes_);
  return sum.checksum() == 0;
}

std::uint16_t detail::icmpv6_checksum(std::span<const std::byte> message,
                                      const ip_pair& ips) noexcept {
  checksum_accumulator sum(ips.pseudo_sum(ip_protocol::icmpv6, message.size()));
  sum.add(message);
  return sum.checksum();
}

icmpv6_repr icmpv6_repr::echo_request(std::uint16_t ident, std::uint16_t seq,
                                      std::span<const std::byte> data) noexcept {
  icmpv6_repr r;
  r.type = icmpv6_type::echo_request;
  r.ident = ident;
  r.seq = seq;
  r.data = data;
  return r;
}

icmpv6_repr icmpv6_repr::echo_reply(std::uint16_t ident, std::uint16_t seq,
                                    std::span<const std::byte> data) noexcept {
  icmpv6_repr r = echo_request(ident, seq, data);
  r.type = icmpv6_type::echo_reply;
  return r;
}

icmpv6_repr icmpv6_repr::dest_unreachable(std::uint8_t code,
                                          std::span<const std::byte> invoking) noexcept {
  return error_repr(icmpv6_type::dest_unreachable, code, invoking);
}

icmpv6_repr icmpv6_repr::packet_too_big(std::uint32_t mtu,
                                        std::span<const std::byte> invoking) noexcept {
  icmpv6_repr r = error_repr(icmpv6_type::packet_too_big, 0, invoking);
  r.mtu = mtu;
  return r;
}

icmpv6_repr icmpv6_repr::time_exceeded(std::uint8_t code,
                                       std::span<const std::byte> invoking) noexcept {
  return error_repr(icmpv6_type::time_exceeded, code, invoking);
}

icmpv6_repr icmpv6_repr::parameter_problem(std::uint8_t code, std::uint32_t pointer,
                                           std::span<const std::byte> invoking) noexcept {
  icmpv6_repr r = error_repr(icmpv6_type::parameter_problem, code, invoking);
  r.pointer = pointer;
  return r;
}

result<icmpv6_invoking> icmpv6_repr::invoking() const noexcept {
  if (!is_error()) return error(errc::invalid_argument, "icmpv6: not an error message");
  auto view = ipv6_view::checked_header(data);
  if (!view) return error(errc::corrupt, "icmpv6: invoking packet: ", view.error().message());
  auto header = ipv6_repr::parse(*view);
  if (!header) return error(errc::corrupt, "icmpv6: invoking packet: ", header.error().message());
  return icmpv6_invoking{*header, view->payload()};
}

result<icmpv6_repr> icmpv6_repr::parse(const icmpv6_view& view, const ip_pair& ips,
                                       checksum_policy policy) noexcept {
  if (policy == checksum_policy::verify && !view.checksum_ok(ips)) {
    return error(errc::corrupt, "icmpv6: bad checksum");
  }
  icmpv6_repr r;
  r.type = static_cast<icmpv6_type>(view.type());
  r.code = view.code();
  r.data = view.data();
  switch (r.type) {
    case icmpv6_type::echo_request:
    case icmpv6_type::echo_reply:
      if (r.code != 0) return error(errc::corrupt, "icmpv6: echo with code ", r.code);
      r.ident = view.echo_ident();
      r.seq = view.echo_seq();
      return r;
    case icmpv6_type::dest_unreachable:
      // Codes 0 to 6 (RFC 4443), 7 (RFC 7112), 8 (RFC 8883).
      if (r.code > 8) return error(errc::corrupt, "icmpv6: destination unreachable code ", r.code);
      break;
    case icmpv6_type::packet_too_big:
      // The code is set to 0 and ignored by the receiver.
      r.code = 0;
      r.mtu = view.word();
      break;
    case icmpv6_type::time_exceeded:
      if (r.code > 1) return error(errc::corrupt, "icmpv6: time exceeded code ", r.code);
      break;
    case icmpv6_type::parameter_problem:
      // Codes 0 to 2 (RFC 4443), 3 (RFC 7112), 4 to 10 (RFC 8883).
      if (r.code > 10) return error(errc::corrupt, "icmpv6: parameter problem code ", r.code);
      r.pointer = view.word();
      break;
    default: return error(errc::unsupported, "icmpv6: type ", view.type(), " is not handled here");
  }
  ATOLL_TRYV(r.invoking());
  return r;
}

void icmpv6_repr::emit(std::span<std::byte> out, const ip_pair& ips) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  wire::put_u8(out, 0, static_cast<std::uint8_t>(type));
  wire::put_u8(out, 1, code);
  wire::put_u16(out, 2, 0);
  wire::put_u32(out, 4, 0);
  switch (type) {
    case icmpv6_type::echo_request:
    case icmpv6_type::echo_reply:
      wire::put_u16(out, 4, ident);
      wire::put_u16(out, 6, seq);
      break;
    case icmpv6_type::packet_too_big: wire::put_u32(out, 4, mtu); break;
    case icmpv6_type::parameter_problem: wire::put_u32(out, 4, pointer); break;
    default: break;
  }
  wire::put_bytes(out, icmpv6_view::header_len, data);
  wire::put_u16(out, 2, detail::icmpv6_checksum(out, ips));
}

bool operator==(const icmpv6_repr& a, const icmpv6_repr& b) noexcept {
  return a.type == b.type && a.code == b.code && a.ident == b.ident && a.seq == b.seq &&
         a.mtu == b.mtu && a.pointer == b.pointer && wire::same_bytes(a.data, b.data);
}

}  // namespace atl::net
