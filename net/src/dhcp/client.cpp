#include <atoll/core/cursor.hpp>
#include <atoll/net/dhcp/client.hpp>

#include <algorithm>
#include <chrono>

namespace atl::net::dhcp {
namespace {

// Options the wire repr has no name for (RFC 2132).
constexpr std::uint8_t option_hostname = 12;
constexpr std::uint8_t option_mtu = 26;
constexpr std::array<std::uint8_t, 7> requested_parameters = {
    dhcp_option::subnet_mask, dhcp_option::router,       dhcp_option::dns_servers,   option_mtu,
    dhcp_option::lease_time,  dhcp_option::renewal_time, dhcp_option::rebinding_time};
constexpr std::uint32_t infinite_lease = 0xffffffffU;

duration seconds(std::uint32_t s) noexcept { return std::chrono::seconds(s); }

bool usable_host(ipv4_addr a) noexcept {
  return !a.is_unspecified() && !a.is_broadcast() && !a.is_multicast() && !a.is_loopback();
}

// Without a subnet mask option: the historic class's (RFC 1122 3.3.1.1 allows
// assuming it).
std::uint8_t classful_length(ipv4_addr a) noexcept {
  const std::uint8_t first = a.octets()[0];
  if (first < 128) return 8;
  if (first < 192) return 16;
  return 24;
}

bool valid_hostname(std::string_view name) noexcept {
  if (name.size() > client_config::max_hostname) return false;
  return std::ranges::all_of(name, [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.';
  });
}

// append_option(buf, len, code, value): the wire repr has no hostname
// option, so it is written where the emitted message's End option is, then
// End again. Walks only our own emitted options. Returns the new length.
std::size_t append_option(std::span<std::byte> buf, std::size_t len, std::uint8_t code,
                          std::string_view value) noexcept {
  byte_reader in(std::span<const std::byte>(buf).first(len).subspan(dhcp_view::options_offset));
  std::size_t end = len;
  while (!in.empty()) {
    const auto c = in.u8();
    ATOLL_ASSERT(c.has_value());
    if (*c == dhcp_option::pad) continue;
    if (*c == dhcp_option::end) {
      end = dhcp_view::options_offset + in.position() - 1;
      break;
    }
    const auto skipped = in.u8_prefixed();
    ATOLL_ASSERT(skipped.has_value());
  }
  ATOLL_ASSERT(end < len && end + 3 + value.size() <= buf.size());
  byte_writer w(buf.subspan(end));
  w.u8(code);
  w.u8(static_cast<std::uint8_t>(value.size()));
  for (const char ch : value) w.u8(static_cast<std::uint8_t>(ch));
  w.u8(dhcp_option::end);
  const std::size_t written = end + w.position();
  const std::size_t new_len = std::max(written, dhcp_repr::min_len);
  std::fill(buf.begin() + static_cast<std::ptrdiff_t>(written),
            buf.begin() + static_cast<std::ptrdiff_t>(std::max(new_len, len)), std::byte{0});
  return new_len;
}

}  // namespace

std::string_view to_string(state s) noexcept {
  switch (s) {
    case state::init: return "init";
    case state::selecting: return "selecting";
    case state::requesting: return "requesting";
    case state::bound: return "bound";
    case state::renewing: return "renewing";
    case state::rebinding: return "rebinding";
    case state::rebooting: return "rebooting";
  }
  return "?";
}

result<client> client::create(const client_config& c) noexcept {
  if (!c.mac.is_unicast() || c.mac == mac_addr()) {
    return error(errc::invalid_argument, "dhcp: MAC address ", c.mac.text().view(),
                 " is not a unicast address");
  }
  if (!valid_hostname(c.hostname)) {
    return error(errc::invalid_argument, "dhcp: hostname '", c.hostname,
                 "' is not up to 63 letters, digits, '-' and '.'");
  }
  return client(c);
}

client::client(const client_config& c) noexcept
    : mac_(c.mac), hostname_(c.hostname), broadcast_flag_(c.broadcast_flag) {}

void client::start(mono_time now, std::uint64_t random) noexcept {
  lose_lease();
  state_ = dhcp::state::selecting;
  begin_exchange(now, random);
  send_discover(now);
  schedule_backoff(now, random);
}

void client::reboot(mono_time now, ipv4_addr previous, std::uint64_t random) noexcept {
  lose_lease();
  state_ = dhcp::state::rebooting;
  begin_exchange(now, random);
  offered_ = previous;
  offer_lease_time_.reset();
  request_start_ = now;
  send_request(now);
  schedule_backoff(now, random);
}

void client::release(mono_time now, std::uint64_t random) noexcept {
  if (lease_) {
    // RFC 2131 table 5: ciaddr and the server identifier, no parameters.
    begin_exchange(now, random);
    dhcp_repr r = base(dhcp_message_type::release, now);
    r.secs = 0;
    r.broadcast = false;
    r.parameter_count = 0;
    r.client_ip = lease_->address.address();
    r.server_id = lease_->server;
    send(r, r.client_ip, lease_->server, false);
  }
  stop();
}

void client::stop() noexcept {
  lose_lease();
  state_ = dhcp::state::init;
  deadline_ = mono_never;
  attempts_ = 0;
}

void client::begin_exchange(mono_time now, std::uint64_t random) noexcept {
  xid_ = static_cast<std::uint32_t>(random);
  exchange_start_ = now;
  attempts_ = 0;
}

dhcp_repr client::base(dhcp_message_type type, mono_time now) const noexcept {
  dhcp_repr r;
  r.op = dhcp_op::request;
  r.message_type = type;
  r.xid = xid_;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - exchange_start_);
  r.secs = static_cast<std::uint16_t>(std::clamp<std::int64_t>(elapsed.count(), 0, 0xffff));
  r.broadcast = broadcast_flag_;
  r.client_mac = mac_;
  std::ranges::copy(requested_parameters, r.parameters.begin());
  r.parameter_count = static_cast<std::uint8_t>(requested_parameters.size());
  return r;
}

void client::send_discover(mono_time now) noexcept {
  send(base(dhcp_message_type::discover, now), ipv4_addr::any(), ipv4_addr::broadcast());
}

void client::send_request(mono_time now) noexcept {
  dhcp_repr r = base(dhcp_message_type::request, now);
  if (state_ == dhcp::state::requesting) {
    r.server_id = offer_server_;
    r.requested_ip = offered_;
    send(r, ipv4_addr::any(), ipv4_addr::broadcast());
    return;
  }
  if (state_ == dhcp::state::rebooting) {
    r.requested_ip = offered_;  // no server identifier (RFC 2131 4.3.2)
    send(r, ipv4_addr::any(), ipv4_addr::broadcast());
    return;
  }
  // RENEWING / REBINDING: ciaddr names the address, no server id or
  // requested IP (RFC 2131 table 5); the client can take unicast replies.
  ATOLL_ASSERT(lease_.has_value());
  const ipv4_addr self = lease_->address.address();
  r.client_ip = self;
  r.broadcast = false;
  send(r, self, state_ == dhcp::state::renewing ? lease_->server : ipv4_addr::broadcast());
}

void client::send(const dhcp_repr& r, ipv4_addr source, ipv4_addr destination,
                  bool with_hostname) noexcept {
  datagram d;
  d.source = source;
  d.destination = destination;
  d.len = r.buffer_len();
  ATOLL_ASSERT(d.len <= datagram::max_len);
  r.emit(std::span<std::byte>(d.bytes).first(d.len));
  if (with_hostname && !hostname_.empty())
    d.len = append_option(d.bytes, d.len, option_hostname, hostname_);
  out_ = d;
  ++attempts_;
  ++stats_.sent;
}

void client::schedule_backoff(mono_time now, std::uint64_t random) noexcept {
  // attempts_ >= 1: 4 s after the first transmission, doubling up to 64 s.
  const unsigned doublings = std::min(attempts_ - 1, 4U);
  const duration wait = initial_backoff * (1U << doublings);
  const auto jitter_ms = static_cast<std::int64_t>((random >> 32) % 2001) - 1000;
  deadline_ = now + wait + std::chrono::milliseconds(jitter_ms);
}

void client::schedule_renew_retry(mono_time now, mono_time limit) noexcept {
  const duration wait = std::max<duration>((limit - now) / 2, min_renew_wait);
  deadline_ = std::min(now + wait, limit);
}

void client::on_timer(mono_time now, std::uint64_t random) noexcept {
  if (now < deadline_) return;
  switch (state_) {
    case dhcp::state::init: deadline_ = mono_never; return;
    case dhcp::state::selecting:
      ++stats_.retransmits;
      send_discover(now);
      schedule_backoff(now, random);
      return;
    case dhcp::state::requesting:
    case dhcp::state::rebooting:
      if (attempts_ >= max_request_attempts) {
        start(now, random);  // no answer to the REQUEST: start over
        return;
      }
      ++stats_.retransmits;
      send_request(now);
      schedule_backoff(now, random);
      return;
    case dhcp::state::bound:
    case dhcp::state::renewing:
    case dhcp::state::rebinding: break;
  }
  ATOLL_ASSERT(lease_.has_value());
  const lease& l = *lease_;
  if (now >= l.expires_at) {
    start(now, random);  // reports the lease lost
    return;
  }
  const dhcp::state want = now >= l.rebind_at ? dhcp::state::rebinding : dhcp::state::renewing;
  if (want != state_) {
    state_ = want;
    begin_exchange(now, random);
    request_start_ = now;
  } else {
    ++stats_.retransmits;
  }
  send_request(now);
  schedule_renew_retry(now, want == dhcp::state::renewing ? l.rebind_at : l.expires_at);
}

void client::on_receive(mono_time now, std::span<const std::byte> payload,
                        std::uint64_t random) noexcept {
  ++stats_.received;
  const auto view = dhcp_view::checked(payload);
  if (!view) {
    ++stats_.malformed;
    return;
  }
  const auto parsed = dhcp_repr::parse(*view);
  if (!parsed || parsed->op != dhcp_op::reply) {
    ++stats_.malformed;
    return;
  }
  const dhcp_repr& r = *parsed;
  if (r.client_mac != mac_) {
    ++stats_.wrong_mac;
    return;
  }
  if (r.xid != xid_ || state_ == dhcp::state::init || state_ == dhcp::state::bound) {
    // In INIT and BOUND no transaction is open.
    ++stats_.wrong_xid;
    return;
  }
  const bool awaiting_ack = state_ != dhcp::state::selecting;
  switch (r.message_type) {
    case dhcp_message_type::offer:
      if (state_ == dhcp::state::selecting) {
        on_offer(now, r, random);
        return;
      }
      break;
    case dhcp_message_type::ack:
      if (awaiting_ack) {
        on_ack(r);
        return;
      }
      break;
    case dhcp_message_type::nak:
      if (awaiting_ack) {
        start(now, random);  // RFC 2131 4.4.1: back to INIT (a held lease is lost)
        return;
      }
      break;
    default: break;
  }
  ++stats_.unexpected;
}

void client::on_offer(mono_time now, const dhcp_repr& r, std::uint64_t random) noexcept {
  if (!usable_host(r.your_ip) || !r.server_id || !usable_host(*r.server_id)) {
    ++stats_.unexpected;
    return;
  }
  offered_ = r.your_ip;
  offer_server_ = *r.server_id;
  offer_lease_time_ = r.lease_time;
  // The REQUEST keeps the DISCOVER's xid (RFC 2131 4.4.1).
  state_ = dhcp::state::requesting;
  attempts_ = 0;
  request_start_ = now;
  send_request(now);
  schedule_backoff(now, random);
}

std::optional<lease> client::lease_from(const dhcp_repr& ack) const noexcept {
  if (!usable_host(ack.your_ip)) return std::nullopt;
  const bool requesting = state_ == dhcp::state::requesting;
  if (requesting && ack.server_id && *ack.server_id != offer_server_) return std::nullopt;
  std::optional<std::uint32_t> seconds_granted = ack.lease_time;
  if (!seconds_granted && requesting) seconds_granted = offer_lease_time_;
  if (!seconds_granted || *seconds_granted == 0) return std::nullopt;

  lease l;
  std::uint8_t length = classful_length(ack.your_ip);
  if (ack.subnet_mask) {
    // parse() rejected non-contiguous masks.
    length = ipv4_prefix::length_of_mask(*ack.subnet_mask).value_or(length);
  }
  const auto prefix = ipv4_prefix::create(ack.your_ip, length);
  if (!prefix) return std::nullopt;
  l.address = *prefix;
  if (ack.server_id) {
    l.server = *ack.server_id;
  } else if (requesting) {
    l.server = offer_server_;
  } else if (lease_) {
    l.server = lease_->server;
  } else {
    return std::nullopt;  // REBOOTING: the server must name itself to be renewed with
  }
  if (ack.router && usable_host(*ack.router)) l.gateway = *ack.router;
  for (const ipv4_addr& server : ack.dns_list()) {
    if (usable_host(server) && l.dns_count < lease::max_dns) l.dns[l.dns_count++] = server;
  }
  l.start = request_start_;
  if (*seconds_granted == infinite_lease) {
    l.infinite = true;
    return l;
  }
  const duration lt = seconds(*seconds_granted);
  const duration t1_default = lt / 2;
  const duration t2_default = lt * 7 / 8;
  duration t1 = ack.renewal_time ? seconds(*ack.renewal_time) : t1_default;
  duration t2 = ack.rebinding_time ? seconds(*ack.rebinding_time) : t2_default;
  if (!(t1 < t2 && t2 < lt)) {
    t1 = t1_default;  // inconsistent options: the RFC's defaults
    t2 = t2_default;
  }
  l.lease_time = lt;
  l.t1 = t1;
  l.t2 = t2;
  l.renew_at = l.start + t1;
  l.rebind_at = l.start + t2;
  l.expires_at = l.start + lt;
  return l;
}

void client::on_ack(const dhcp_repr& r) noexcept {
  const std::optional<lease> l = lease_from(r);
  if (!l) {
    ++stats_.unexpected;
    return;
  }
  bool renewed = state_ == dhcp::state::renewing || state_ == dhcp::state::rebinding;
  if (renewed && l->address != lease_->address) {
    lose_lease();  // the server moved us: withdraw the old address first
    renewed = false;
  }
  lease_ = *l;
  state_ = dhcp::state::bound;
  attempts_ = 0;
  deadline_ = l->renew_at;
  push(renewed ? event_kind::lease_renewed : event_kind::lease_acquired, *l);
}

void client::lose_lease() noexcept {
  if (!lease_) return;
  push(event_kind::lease_lost, *lease_);
  lease_.reset();
}

void client::push(event_kind kind, const lease& l) noexcept {
  if (event_count_ == max_events) {
    ++stats_.events_dropped;
    return;
  }
  events_[(event_head_ + event_count_) % max_events] = event{kind, l};
  ++event_count_;
}

std::optional<event> client::poll_event() noexcept {
  if (event_count_ == 0) return std::nullopt;
  const event e = events_[event_head_];
  event_head_ = (event_head_ + 1) % max_events;
  --event_count_;
  return e;
}

std::optional<datagram> client::poll_transmit() noexcept {
  std::optional<datagram> d = out_;
  out_.reset();
  return d;
}

}  // namespace atl::net::dhcp
