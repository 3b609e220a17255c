#include <atoll/core/cursor.hpp>
#include <atoll/net/wire/dhcpv4.hpp>

#include <algorithm>

namespace atl::net {
namespace {

constexpr std::uint16_t flag_broadcast = 0x8000;
constexpr std::uint8_t hardware_ethernet = 1;

error bad_length(std::uint8_t code, std::size_t length) noexcept {
  return error(errc::corrupt, "dhcp: option ", code, " of length ", length);
}

result<std::uint32_t> fixed_u32(std::uint8_t code, byte_reader value) noexcept {
  if (value.remaining() != 4) return bad_length(code, value.remaining());
  return value.u32();
}

result<ipv4_addr> fixed_ip(std::uint8_t code, byte_reader value) noexcept {
  ATOLL_TRY(const std::uint32_t v, fixed_u32(code, value));
  return ipv4_addr::from_u32(v);
}

// Reads one field of options (the options area, or an overloaded file or
// sname field) into r. `overload` receives option 52 when allowed.
result<void> parse_field(std::span<const std::byte> field, dhcp_repr& r, bool& have_type,
                         std::uint8_t* overload) noexcept {
  byte_reader in(field);
  while (!in.empty()) {
    ATOLL_TRY(const std::uint8_t code, in.u8());
    if (code == dhcp_option::pad) continue;
    if (code == dhcp_option::end) return ok();
    auto prefixed = in.u8_prefixed();
    if (!prefixed) return error(errc::corrupt, "dhcp: option ", code, " runs past its field");
    byte_reader value = *prefixed;
    const std::size_t length = value.remaining();
    switch (code) {
      case dhcp_option::message_type: {
        if (length != 1) return bad_length(code, length);
        ATOLL_TRY(const std::uint8_t type, value.u8());
        if (type < 1 || type > 8) {
          return error(errc::unsupported, "dhcp: message type ", type, " is not handled");
        }
        r.message_type = static_cast<dhcp_message_type>(type);
        have_type = true;
        break;
      }
      case dhcp_option::overload: {
        if (length != 1) return bad_length(code, length);
        ATOLL_TRY(const std::uint8_t v, value.u8());
        if (v < 1 || v > 3) return error(errc::corrupt, "dhcp: option overload value ", v);
        if (overload != nullptr) *overload = v;
        break;
      }
      case dhcp_option::server_id: {
        ATOLL_TRY(r.server_id, fixed_ip(code, value));
        break;
      }
      case dhcp_option::requested_ip: {
        ATOLL_TRY(r.requested_ip, fixed_ip(code, value));
        break;
      }
      case dhcp_option::subnet_mask: {
        ATOLL_TRY(const ipv4_addr mask, fixed_ip(code, value));
        if (!ipv4_prefix::length_of_mask(mask)) {
          return error(errc::corrupt, "dhcp: subnet mask ", mask.text().view(),
                       " is not contiguous");
        }
        r.subnet_mask = mask;
        break;
      }
      case dhcp_option::lease_time: {
        ATOLL_TRY(r.lease_time, fixed_u32(code, value));
        break;
      }
      case dhcp_option::renewal_time: {
        ATOLL_TRY(r.renewal_time, fixed_u32(code, value));
        break;
      }
      case dhcp_option::rebinding_time: {
        ATOLL_TRY(r.rebinding_time, fixed_u32(code, value));
        break;
      }
      case dhcp_option::router: {
        if (length == 0 || length % 4 != 0) return bad_length(code, length);
        ATOLL_TRY(const std::uint32_t first, value.u32());
        if (!r.router) r.router = ipv4_addr::from_u32(first);
        break;
      }
      case dhcp_option::dns_servers: {
        if (length == 0 || length % 4 != 0) return bad_length(code, length);
        while (!value.empty()) {
          ATOLL_TRY(const std::uint32_t server, value.u32());
          if (r.dns_count < dhcp_repr::max_dns_servers) {
            r.dns_servers[r.dns_count++] = ipv4_addr::from_u32(server);
          }
        }
        break;
      }
      case dhcp_option::parameter_request_list: {
        if (length == 0) return bad_length(code, length);
        while (!value.empty()) {
          ATOLL_TRY(const std::uint8_t parameter, value.u8());
          if (r.parameter_count < dhcp_repr::max_parameters) {
            r.parameters[r.parameter_count++] = parameter;
          }
        }
        break;
      }
      case dhcp_option::max_message_size: {
        if (length != 2) return bad_length(code, length);
        ATOLL_TRY(const std::uint16_t size, value.u16());
        if (size < 576) return error(errc::corrupt, "dhcp: a maximum message size of ", size);
        r.max_message_size = size;
        break;
      }
      default: break;  // not used here: skipped by its length
    }
  }
  return ok();
}

// Option sizes for emit(): code and length bytes plus the value.
constexpr std::size_t option_len(std::size_t value_len) noexcept { return 2 + value_len; }

class option_out {
public:
  explicit option_out(byte_writer& w) noexcept : w_(w) {}
  void ip(std::uint8_t code, const std::optional<ipv4_addr>& a) noexcept {
    if (a) u32(code, a->to_u32());
  }
  void u32(std::uint8_t code, std::uint32_t v) noexcept {
    w_.u8(code);
    w_.u8(4);
    w_.u32(v);
  }
  void u32(std::uint8_t code, const std::optional<std::uint32_t>& v) noexcept {
    if (v) u32(code, *v);
  }

private:
  byte_writer& w_;
};

}  // namespace

result<dhcp_view> dhcp_view::checked(std::span<const std::byte> bytes) noexcept {
  if (bytes.size() < options_offset) {
    return error(errc::corrupt, "dhcp: ", bytes.size(), " bytes is shorter than 240");
  }
  return dhcp_view(bytes);
}

result<dhcp_repr> dhcp_repr::parse(const dhcp_view& view) noexcept {
  if (view.op() != static_cast<std::uint8_t>(dhcp_op::request) &&
      view.op() != static_cast<std::uint8_t>(dhcp_op::reply)) {
    return error(errc::corrupt, "dhcp: op ", view.op());
  }
  if (view.hardware_type() != hardware_ethernet || view.hardware_len() != 6) {
    return error(errc::unsupported, "dhcp: hardware type ", view.hardware_type(), " length ",
                 view.hardware_len(), " is not Ethernet");
  }
  if (view.magic() != dhcp_view::magic_cookie) {
    return error(errc::unsupported, "dhcp: no magic cookie (plain BOOTP)");
  }
  dhcp_repr r;
  r.op = static_cast<dhcp_op>(view.op());
  r.xid = view.xid();
  r.secs = view.secs();
  r.hops = view.hops();
  r.broadcast = (view.flags() & flag_broadcast) != 0;
  r.client_ip = view.client_ip();
  r.your_ip = view.your_ip();
  r.server_ip = view.server_ip();
  r.relay_ip = view.relay_ip();
  r.client_mac = wire::get_mac(view.client_hardware(), 0);

  bool have_type = false;
  std::uint8_t overload = 0;
  ATOLL_TRYV(parse_field(view.options(), r, have_type, &overload));
  if ((overload & 1U) != 0) ATOLL_TRYV(parse_field(view.boot_file(), r, have_type, nullptr));
  if ((overload & 2U) != 0) ATOLL_TRYV(parse_field(view.server_name(), r, have_type, nullptr));
  if (!have_type) return error(errc::unsupported, "dhcp: no message type (plain BOOTP)");
  return r;
}

std::size_t dhcp_repr::buffer_len() const noexcept {
  std::size_t len = dhcp_view::options_offset + option_len(1);  // message type
  const std::size_t u32_option = option_len(4);
  len += (server_id ? u32_option : 0) + (requested_ip ? u32_option : 0) +
         (lease_time ? u32_option : 0) + (renewal_time ? u32_option : 0) +
         (rebinding_time ? u32_option : 0) + (subnet_mask ? u32_option : 0) +
         (router ? u32_option : 0);
  if (dns_count != 0) len += option_len(4 * std::size_t{dns_count});
  if (parameter_count != 0) len += option_len(parameter_count);
  if (max_message_size) len += option_len(2);
  len += 1;  // end
  return std::max(len, min_len);
}

void dhcp_repr::emit(std::span<std::byte> out) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  ATOLL_ASSERT(dns_count <= max_dns_servers);
  byte_writer w(out);
  w.u8(static_cast<std::uint8_t>(op));
  w.u8(hardware_ethernet);
  w.u8(6);
  w.u8(hops);
  w.u32(xid);
  w.u16(secs);
  w.u16(broadcast ? flag_broadcast : 0);
  w.u32(client_ip.to_u32());
  w.u32(your_ip.to_u32());
  w.u32(server_ip.to_u32());
  w.u32(relay_ip.to_u32());
  for (const std::uint8_t octet : client_mac.octets()) w.u8(octet);
  w.zeros(10 + 64 + 128);  // rest of chaddr, sname, file
  w.u32(dhcp_view::magic_cookie);

  option_out o(w);
  w.u8(dhcp_option::message_type);
  w.u8(1);
  w.u8(static_cast<std::uint8_t>(message_type));
  o.ip(dhcp_option::requested_ip, requested_ip);
  o.u32(dhcp_option::lease_time, lease_time);
  o.ip(dhcp_option::server_id, server_id);
  o.u32(dhcp_option::renewal_time, renewal_time);
  o.u32(dhcp_option::rebinding_time, rebinding_time);
  o.ip(dhcp_option::subnet_mask, subnet_mask);
  o.ip(dhcp_option::router, router);
  if (dns_count != 0) {
    w.u8(dhcp_option::dns_servers);
    const auto p = w.begin_prefix(1);
    for (const ipv4_addr& server : dns_list()) w.u32(server.to_u32());
    w.end_prefix(p);
  }
  if (parameter_count != 0) {
    w.u8(dhcp_option::parameter_request_list);
    const auto p = w.begin_prefix(1);
    for (const std::uint8_t parameter : parameter_list()) w.u8(parameter);
    w.end_prefix(p);
  }
  if (max_message_size) {
    w.u8(dhcp_option::max_message_size);
    w.u8(2);
    w.u16(*max_message_size);
  }
  w.u8(dhcp_option::end);
  w.zeros(w.remaining());
  ATOLL_ASSERT(!w.failed() && w.remaining() == 0);
}

bool operator==(const dhcp_repr& a, const dhcp_repr& b) noexcept {
  return a.op == b.op && a.message_type == b.message_type && a.xid == b.xid && a.secs == b.secs &&
         a.hops == b.hops && a.broadcast == b.broadcast && a.client_ip == b.client_ip &&
         a.your_ip == b.your_ip && a.server_ip == b.server_ip && a.relay_ip == b.relay_ip &&
         a.client_mac == b.client_mac && a.server_id == b.server_id &&
         a.requested_ip == b.requested_ip && a.lease_time == b.lease_time &&
         a.renewal_time == b.renewal_time && a.rebinding_time == b.rebinding_time &&
         a.subnet_mask == b.subnet_mask && a.router == b.router && a.dns_count == b.dns_count &&
         std::equal(a.dns_servers.begin(), a.dns_servers.begin() + a.dns_count,
                    b.dns_servers.begin()) &&
         a.parameter_count == b.parameter_count &&
         std::equal(a.parameters.begin(), a.parameters.begin() + a.parameter_count,
                    b.parameters.begin()) &&
         a.max_message_size == b.max_message_size;
}

}  // namespace atl::net
