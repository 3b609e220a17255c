#include <atoll/net/wire/ndp.hpp>

namespace atl::net {
namespace {

constexpr std::size_t ll_option_len = 8;
constexpr std::size_t mtu_option_len = 8;
constexpr std::size_t prefix_option_len = 32;

error bad_length(std::uint8_t type, std::size_t data_len) noexcept {
  return error(errc::corrupt, "ndp: option ", type, " of ", data_len + 2, " bytes");
}

// Reads the options that belong to r.type into r.
result<void> parse_options(std::span<const std::byte> options, ndp_repr& r) noexcept {
  const bool solicitation =
      r.type == icmpv6_type::router_solicit || r.type == icmpv6_type::neighbor_solicit;
  const bool advert = r.type == icmpv6_type::router_advert;
  ndp_option_walker walker(options);
  while (true) {
    ATOLL_TRY(const auto option, walker.next());
    if (!option) return ok();
    const std::size_t length = option->data.size();
    switch (static_cast<ndp_option_type>(option->type)) {
      case ndp_option_type::source_ll:
        if (!solicitation && !advert) break;
        if (length != ll_option_len - 2) return bad_length(option->type, length);
        r.source_ll = wire::get_mac(option->data, 0);
        break;
      case ndp_option_type::target_ll:
        if (r.type != icmpv6_type::neighbor_advert) break;
        if (length != ll_option_len - 2) return bad_length(option->type, length);
        r.target_ll = wire::get_mac(option->data, 0);
        break;
      case ndp_option_type::mtu:
        if (!advert) break;
        if (length != mtu_option_len - 2) return bad_length(option->type, length);
        r.mtu = wire::get_u32(option->data, 2);
        break;
      case ndp_option_type::prefix_info: {
        if (!advert) break;
        if (length != prefix_option_len - 2) return bad_length(option->type, length);
        auto prefix =
            ipv6_prefix::create(wire::get_ipv6(option->data, 14), wire::get_u8(option->data, 0));
        if (!prefix) {
          return error(errc::corrupt, "ndp: a prefix length of ", wire::get_u8(option->data, 0));
        }
        if (r.prefix_count == ndp_repr::max_prefixes) {
          if (r.prefixes_ignored != 0xff) ++r.prefixes_ignored;
          break;
        }
        const std::uint8_t flags = wire::get_u8(option->data, 1);
        r.prefixes[r.prefix_count++] =
            ndp_prefix_info{*prefix, (flags & 0x80U) != 0, (flags & 0x40U) != 0,
                            wire::get_u32(option->data, 2), wire::get_u32(option->data, 6)};
        break;
      }
      default: break;  // unknown, or not for this message: skipped
    }
  }
}

void put_ll_option(std::span<std::byte> out, std::size_t& at, ndp_option_type type,
                   const mac_addr& mac) noexcept {
  wire::put_u8(out, at, static_cast<std::uint8_t>(type));
  wire::put_u8(out, at + 1, 1);
  wire::put_mac(out, at + 2, mac);
  at += ll_option_len;
}

}  // namespace

result<std::optional<ndp_option>> ndp_option_walker::next() noexcept {
  if (at_ == options_.size()) return std::optional<ndp_option>();
  const std::size_t left = options_.size() - at_;
  const auto type = static_cast<std::uint8_t>(options_[at_]);
  if (left < 2) {
    at_ = options_.size();
    return error(errc::corrupt, "ndp: option ", type, " has no length byte");
  }
  const std::size_t length = std::size_t{static_cast<std::uint8_t>(options_[at_ + 1])} * 8;
  if (length == 0) {
    at_ = options_.size();
    return error(errc::corrupt, "ndp: option ", type, " has length 0");
  }
  if (length > left) {
    at_ = options_.size();
    return error(errc::corrupt, "ndp: option ", type, " of ", length, " bytes with ", left,
                 " left");
  }
  const ndp_option option{type, options_.subspan(at_ + 2, length - 2)};
  at_ += length;
  return std::optional<ndp_option>(option);
}

result<ndp_repr> ndp_repr::parse(const icmpv6_view& view, const ip_pair& ips,
                                 checksum_policy policy) noexcept {
  if (policy == checksum_policy::verify && !view.checksum_ok(ips)) {
    return error(errc::corrupt, "ndp: bad checksum");
  }
  ndp_repr r;
  r.type = static_cast<icmpv6_type>(view.type());
  switch (r.type) {
    case icmpv6_type::router_solicit: break;
    case icmpv6_type::router_advert:
      r.cur_hop_limit = view.ra_cur_hop_limit();
      r.managed_flag = (view.ra_flags() & 0x80U) != 0;
      r.other_flag = (view.ra_flags() & 0x40U) != 0;
      r.router_lifetime = view.ra_router_lifetime();
      r.reachable_time = view.ra_reachable_time();
      r.retrans_timer = view.ra_retrans_timer();
      break;
    case icmpv6_type::neighbor_solicit:
    case icmpv6_type::neighbor_advert:
      r.target = view.target();
      if (r.target.is_multicast()) {
        return error(errc::corrupt, "ndp: a multicast target ", r.target.text().view());
      }
      if (r.type == icmpv6_type::neighbor_advert) {
        r.router_flag = (view.na_flags() & 0x80U) != 0;
        r.solicited_flag = (view.na_flags() & 0x40U) != 0;
        r.override_flag = (view.na_flags() & 0x20U) != 0;
      }
      break;
    default: return error(errc::unsupported, "ndp: type ", view.type(), " is not handled here");
  }
  if (view.code() != 0) return error(errc::corrupt, "ndp: code ", view.code(), " is not 0");
  ATOLL_TRYV(parse_options(view.ndp_options(), r));
  return r;
}

std::size_t ndp_repr::buffer_len() const noexcept {
  std::size_t len = icmpv6_view::min_len(static_cast<std::uint8_t>(type));
  switch (type) {
    case icmpv6_type::router_solicit:
    case icmpv6_type::neighbor_solicit: len += source_ll ? ll_option_len : 0; break;
    case icmpv6_type::router_advert:
      len += (source_ll ? ll_option_len : 0) + (mtu ? mtu_option_len : 0) +
             prefix_count * prefix_option_len;
      break;
    case icmpv6_type::neighbor_advert: len += target_ll ? ll_option_len : 0; break;
    default: ATOLL_PANIC("ndp_repr: not a neighbour discovery type");
  }
  return len;
}

void ndp_repr::emit(std::span<std::byte> out, const ip_pair& ips) const noexcept {
  ATOLL_ASSERT(out.size() == buffer_len());
  ATOLL_ASSERT(prefix_count <= max_prefixes);
  wire::put_zeros(out, 0, out.size());
  wire::put_u8(out, 0, static_cast<std::uint8_t>(type));
  std::size_t at = icmpv6_view::min_len(static_cast<std::uint8_t>(type));
  switch (type) {
    case icmpv6_type::router_solicit:
    case icmpv6_type::neighbor_solicit:
      if (type == icmpv6_type::neighbor_solicit) wire::put_ipv6(out, 8, target);
      if (source_ll) put_ll_option(out, at, ndp_option_type::source_ll, *source_ll);
      break;
    case icmpv6_type::router_advert:
      wire::put_u8(out, 4, cur_hop_limit);
      wire::put_u8(
          out, 5,
          static_cast<std::uint8_t>((managed_flag ? 0x80U : 0U) | (other_flag ? 0x40U : 0U)));
      wire::put_u16(out, 6, router_lifetime);
      wire::put_u32(out, 8, reachable_time);
      wire::put_u32(out, 12, retrans_timer);
      if (source_ll) put_ll_option(out, at, ndp_option_type::source_ll, *source_ll);
      if (mtu) {
        wire::put_u8(out, at, static_cast<std::uint8_t>(ndp_option_type::mtu));
        wire::put_u8(out, at + 1, 1);
        wire::put_u32(out, at + 4, *mtu);
        at += mtu_option_len;
      }
      for (const ndp_prefix_info& p : prefix_list()) {
        wire::put_u8(out, at, static_cast<std::uint8_t>(ndp_option_type::prefix_info));
        wire::put_u8(out, at + 1, 4);
        wire::put_u8(out, at + 2, p.prefix.length());
        wire::put_u8(
            out, at + 3,
            static_cast<std::uint8_t>((p.on_link ? 0x80U : 0U) | (p.autonomous ? 0x40U : 0U)));
        wire::put_u32(out, at + 4, p.valid_lifetime);
        wire::put_u32(out, at + 8, p.preferred_lifetime);
        wire::put_ipv6(out, at + 16, p.prefix.address());
        at += prefix_option_len;
      }
      break;
    case icmpv6_type::neighbor_advert:
      wire::put_u8(
          out, 4,
          static_cast<std::uint8_t>((router_flag ? 0x80U : 0U) | (solicited_flag ? 0x40U : 0U) |
                                    (override_flag ? 0x20U : 0U)));
      wire::put_ipv6(out, 8, target);
      if (target_ll) put_ll_option(out, at, ndp_option_type::target_ll, *target_ll);
      break;
    default: ATOLL_PANIC("ndp_repr: not a neighbour discovery type");
  }
  ATOLL_ASSERT(at == out.size());
  wire::put_u16(out, 2, detail::icmpv6_checksum(out, ips));
}

bool operator==(const ndp_repr& a, const ndp_repr& b) noexcept {
  if (a.prefix_count != b.prefix_count) return false;
  for (std::size_t i = 0; i < a.prefix_count; ++i) {
    if (!(a.prefixes[i] == b.prefixes[i])) return false;
  }
  return a.type == b.type && a.cur_hop_limit == b.cur_hop_limit &&
         a.managed_flag == b.managed_flag && a.other_flag == b.other_flag &&
         a.router_lifetime == b.router_lifetime && a.reachable_time == b.reachable_time &&
         a.retrans_timer == b.retrans_timer && a.mtu == b.mtu &&
         a.prefixes_ignored == b.prefixes_ignored && a.target == b.target &&
         a.router_flag == b.router_flag && a.solicited_flag == b.solicited_flag &&
         a.override_flag == b.override_flag && a.source_ll == b.source_ll &&
         a.target_ll == b.target_ll;
}

result<void> check_ndp_ip(const ipv6_repr& ip, const ndp_repr& ndp) noexcept {
  if (ip.hop_limit != 255) {
    return error(errc::corrupt, "ndp: hop limit ", ip.hop_limit, ", not 255");
  }
  const bool from_unspecified = ip.src.is_unspecified();
  switch (ndp.type) {
    case icmpv6_type::router_solicit:
      if (from_unspecified && ndp.source_ll) {
        return error(errc::corrupt, "ndp: a source link-layer option from ::");
      }
      break;
    case icmpv6_type::router_advert:
      if (!ip.src.is_link_local()) {
        return error(errc::corrupt, "ndp: a router advertisement from ", ip.src.text().view());
      }
      break;
    case icmpv6_type::neighbor_solicit:
      if (from_unspecified && (!ip.dst.is_solicited_node() || ndp.source_ll)) {
        return error(errc::corrupt,
                     "ndp: a solicitation from :: not to a solicited-node group, or with a "
                     "source link-layer option");
      }
      break;
    case icmpv6_type::neighbor_advert:
      if (ip.dst.is_multicast() && ndp.solicited_flag) {
        return error(errc::corrupt, "ndp: a solicited advertisement to a multicast group");
      }
      break;
    default: return error(errc::unsupported, "ndp: not a neighbour discovery message");
  }
  return ok();
}

}  // namespace atl::net
