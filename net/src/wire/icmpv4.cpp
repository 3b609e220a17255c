#include <atoll/net/wire/icmpv4.hpp>

#include <algorithm>

namespace atl::net {

result<icmpv4_view> icmpv4_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < header_len) {
    return error(errc::corrupt, "icmpv4: ", bytes.size(), " bytes is shorter than a header");
  }
  return icmpv4_view(bytes);
}

icmpv4_repr icmpv4_repr::echo_request(std::uint16_t ident, std::uint16_t seq,
                                      std::span<const std::byte> data) noexcept {
  icmpv4_repr r;
  r.type = icmpv4_type::echo_request;
  r.ident = ident;
  r.seq = seq;
  r.data = data;
  return r;
}

icmpv4_repr icmpv4_repr::echo_reply(std::uint16_t ident, std::uint16_t seq,
                                    std::span<const std::byte> data) noexcept {
  icmpv4_repr r = echo_request(ident, seq, data);
  r.type = icmpv4_type::echo_reply;
  return r;
}

icmpv4_repr icmpv4_repr::dest_unreachable(std::uint8_t code, std::span<const std::byte> invoking,
                                          std::uint16_t mtu) noexcept {
  icmpv4_repr r;
  r.type = icmpv4_type::dest_unreachable;
  r.code = code;
  r.next_hop_mtu = code == icmpv4_unreachable::frag_needed ? mtu : 0;
  r.data = invoking.first(std::min(invoking.size(), max_invoking_len));
  return r;
}

icmpv4_repr icmpv4_repr::time_exceeded(std::uint8_t code,
                                       std::span<const std::byte> invoking) noexcept {
  icmpv4_repr r;
  r.type = icmpv4_type::time_exceeded;
  r.code = code;
  r.data = invoking.first(std::min(invoking.size(), max_invoking_len));
  return r;
}

icmpv4_repr icmpv4_repr::parameter_problem(std::uint8_t pointer,
                                           std::span<const std::byte> invoking) noexcept {
  icmpv4_repr r;
  r.type = icmpv4_type::parameter_problem;
  r.pointer = pointer;
  r.data = invoking.first(std::min(invoking.size(), max_invoking_len));
  return r;
}

bool icmpv4_repr::is_error() const noexcept {
  return type == icmpv4_type::dest_unreachable || type == icmpv4_type::time_exceeded ||
         type == icmpv4_type::parameter_problem;
}

result<icmpv4_invoking> icmpv4_repr::invoking() const noexcept {
  if (!is_error()) return error(errc::invalid_argument, "icmpv4: not an error message");
  auto view = ipv4_view::checked_header(data);
  if (!view) return error(errc::corrupt, "icmpv4: invoking packet: ", view.error().message());
  // The quoted header may have been changed on the way (TTL, NAT): its
  // checksum is not verified.
  auto header = ipv4_repr::parse(*view, checksum_policy::ignore);
  if (!header) return error(errc::corrupt, "icmpv4: invoking packet: ", header.error().message());
  if (view->payload().size() < 8) {
    return error(errc::corrupt, "icmpv4: the invoking packet quotes ", view->payload().size(),
                 " bytes of payload, not 8");
  }
  return icmpv4_invoking{*header, view->payload()};
}

result<icmpv4_repr> icmpv4_repr::parse(const icmpv4_view& view, checksum_policy policy) noexcept {
  if (policy == checksum_policy::verify && !view.checksum_ok()) {
    return error(errc::corrupt, "icmpv4: bad checksum");
  }
  icmpv4_repr r;
  r.type = static_cast<icmpv4_type>(view.type());
  r.code = view.code();
  r.data = view.data();
  switch (r.type) {
    case icmpv4_type::echo_request:
    case icmpv4_type::echo_reply:
      if (r.code != 0) return error(errc::corrupt, "icmpv4: echo with code ", r.code);
      r.ident = view.echo_ident();
      r.seq = view.echo_seq();
      return r;
    case icmpv4_type::dest_unreachable:
      if (r.code > icmpv4_unreachable::max_code) {
        return error(errc::corrupt, "icmpv4: destination unreachable code ", r.code);
      }
      if (r.code == icmpv4_unreachable::frag_needed) r.next_hop_mtu = view.next_hop_mtu();
      break;
    case icmpv4_type::time_exceeded:
      if (r.code > icmpv4_time_exceeded::reassembly) {
        return error(errc::corrupt, "icmpv4: time exceeded code ", r.code);
      }
      break;
    case icmpv4_type::parameter_problem:
      if (r.code > 2) return error(errc::corrupt, "icmpv4: parameter problem code ", r.code);
      r.pointer = view.pointer();
      break;
    default: return error(errc::unsupported, "icmpv4: type ", view.type(), " is not handled");
  }
  ATOLL_TRYV(r.invoking());
  return r;
}

void icmpv4_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  wire::put_u8(out, 0, static_cast<std::uint8_t>(type));
  wire::put_u8(out, 1, code);
  wire::put_u16(out, 2, 0);
  wire::put_u32(out, 4, 0);
  switch (type) {
    case icmpv4_type::echo_request:
    case icmpv4_type::echo_reply:
      wire::put_u16(out, 4, ident);
      wire::put_u16(out, 6, seq);
      break;
    case icmpv4_type::dest_unreachable: wire::put_u16(out, 6, next_hop_mtu); break;
    case icmpv4_type::parameter_problem: wire::put_u8(out, 4, pointer); break;
    default: break;
  }
  wire::put_bytes(out, icmpv4_view::header_len, data);
  wire::put_u16(out, 2, internet_checksum(out));
}

bool operator==(const icmpv4_repr& a, const icmpv4_repr& b) noexcept {
  return a.type == b.type && a.code == b.code && a.ident == b.ident && a.seq == b.seq &&
         a.next_hop_mtu == b.next_hop_mtu && a.pointer == b.pointer &&
         wire::same_bytes(a.data, b.data);
}

}  // namespace atl::net
