// hostile_frames: see hostile_frames.hpp.
#include "hostile_frames.hpp"

#include <atoll/net/wire/arp.hpp>
#include <atoll/net/wire/bytes.hpp>
#include <atoll/net/wire/ethernet.hpp>
#include <atoll/net/wire/icmpv4.hpp>
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/ipv6.hpp>
#include <atoll/net/wire/udp.hpp>

#include <algorithm>
#include <array>

namespace atl::net::testing {
namespace {

constexpr std::size_t eth_len = 14;
constexpr std::size_t tcp_checksum_at = 16;

ipv4_addr plus(const ipv4_addr& base, std::uint32_t i) noexcept {
  auto o = base.octets();
  return ipv4_addr(o[0], o[1], o[2], static_cast<std::uint8_t>(o[3] + i));
}

ipv6_addr plus(const ipv6_addr& base, std::uint32_t i) noexcept {
  auto o = base.octets();
  std::array<std::byte, 16> b{};
  for (std::size_t k = 0; k < b.size(); ++k) b[k] = std::byte{o[k]};
  const std::uint32_t low = ((std::uint32_t{o[14]} << 8) | o[15]) + i;
  b[14] = std::byte{static_cast<std::uint8_t>(low >> 8)};
  b[15] = std::byte{static_cast<std::uint8_t>(low)};
  return ipv6_addr::from_bytes(b);
}

/// options_of(segment): the option bytes of an emitted TCP header.
std::span<std::byte> options_of(std::span<std::byte> segment) noexcept {
  const std::size_t header = (static_cast<std::size_t>(segment[12]) >> 4) * 4;
  return segment.subspan(tcp_view::min_header_len, header - tcp_view::min_header_len);
}

/// find_option(options, kind): the offset of the first option `kind`, or npos.
std::size_t find_option(std::span<const std::byte> options, std::uint8_t kind) noexcept {
  std::size_t at = 0;
  while (at < options.size()) {
    const auto k = static_cast<std::uint8_t>(options[at]);
    if (k == kind) return at;
    if (k == 0) break;
    if (k == 1) {
      ++at;
      continue;
    }
    if (at + 1 >= options.size() || static_cast<std::uint8_t>(options[at + 1]) < 2) break;
    at += static_cast<std::uint8_t>(options[at + 1]);
  }
  return static_cast<std::size_t>(-1);
}

}  // namespace

std::uint64_t hostile_frames::next() noexcept {
  std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

frame_bytes hostile_frames::ethernet(const mac_addr& dst, const mac_addr& src, std::uint16_t type,
                                     std::span<const std::byte> payload) {
  frame_bytes f(eth_len + payload.size());
  const ethernet_repr eth{dst, src, static_cast<ethertype>(type), {}};
  eth.emit(std::span(f).first(eth_len));
  std::copy(payload.begin(), payload.end(), f.begin() + eth_len);
  return f;
}

frame_bytes hostile_frames::tcp_segment(const ip_pair& ips, const tcp_repr& h,
                                        std::span<const std::byte> payload) {
  tcp_repr r = h;
  r.payload_len = static_cast<std::uint16_t>(payload.size());
  frame_bytes s(r.buffer_len() + payload.size());
  r.emit(std::span(s).first(r.buffer_len()), ips, payload);
  std::copy(payload.begin(), payload.end(),
            s.begin() + static_cast<std::ptrdiff_t>(r.buffer_len()));
  return s;
}

void hostile_frames::fix_tcp_checksum(const ip_pair& ips, std::span<std::byte> segment) {
  wire::put_u16(segment, tcp_checksum_at, 0);
  checksum_accumulator sum(ips.pseudo_sum(ip_protocol::tcp, segment.size()));
  sum.add(segment);
  wire::put_u16(segment, tcp_checksum_at, sum.checksum());
}

frame_bytes hostile_frames::arp_claim(const ipv4_addr& ip, const mac_addr& mac,
                                      const mac_addr& to_mac, const ipv4_addr& to_ip) {
  arp_repr a;
  a.operation = arp_operation::reply;
  a.sender_mac = mac;
  a.sender_ip = ip;
  a.target_mac = to_mac;
  a.target_ip = to_ip;
  std::array<std::byte, arp_repr::buffer_len()> p{};
  a.emit(p);
  return ethernet(to_mac, mac, 0x0806, p);
}

ip_pair hostile_frames::spoofed_pair() noexcept {
  const std::uint32_t i = below(scene_.spoof_count);
  if (scene_.ipv6) return ip_pair(plus(scene_.spoof6_base, i), scene_.victim6);
  return ip_pair(plus(scene_.spoof4_base, i), scene_.victim4);
}

ip_pair hostile_frames::client_pair() const noexcept {
  if (scene_.ipv6) return ip_pair(scene_.client6, scene_.victim6);
  return ip_pair(scene_.client4, scene_.victim4);
}

ip_pair hostile_frames::attacker_pair() const noexcept {
  if (scene_.ipv6) return ip_pair(scene_.spoof6_base, scene_.victim6);
  return ip_pair(scene_.spoof4_base, scene_.victim4);
}

frame_bytes hostile_frames::ip_frame(const ip_pair& ips, ip_protocol protocol,
                                     std::span<const std::byte> payload, const mac_addr& src_mac) {
  if (ips.is_v6()) {
    ipv6_repr ip;
    ip.src = ips.src6();
    ip.dst = ips.dst6();
    ip.next_header = protocol;
    ip.payload_len = static_cast<std::uint16_t>(payload.size());
    frame_bytes packet(ipv6_repr::buffer_len() + payload.size());
    ip.emit(std::span(packet).first(ipv6_repr::buffer_len()));
    std::copy(payload.begin(), payload.end(), packet.begin() + ipv6_repr::buffer_len());
    return ethernet(scene_.victim_mac, src_mac, 0x86dd, packet);
  }
  ipv4_repr ip;
  ip.src = ips.src4();
  ip.dst = ips.dst4();
  ip.protocol = protocol;
  ip.payload_len = static_cast<std::uint16_t>(payload.size());
  ip.ident = static_cast<std::uint16_t>(next_ident_++);
  frame_bytes packet(ipv4_repr::buffer_len() + payload.size());
  ip.emit(std::span(packet).first(ipv4_repr::buffer_len()));
  std::copy(payload.begin(), payload.end(), packet.begin() + ipv4_repr::buffer_len());
  return ethernet(scene_.victim_mac, src_mac, 0x0800, packet);
}

frame_bytes hostile_frames::fragment(const ip_pair& ips, std::uint32_t ident, std::uint32_t offset,
                                     bool more, std::span<const std::byte> data) const {
  if (ips.is_v6()) {
    constexpr std::size_t frag_len = 8;
    ipv6_repr ip;
    ip.src = ips.src6();
    ip.dst = ips.dst6();
    ip.next_header = ip_protocol::ipv6_frag;
    ip.payload_len = static_cast<std::uint16_t>(frag_len + data.size());
    frame_bytes packet(ipv6_repr::buffer_len() + frag_len + data.size());
    auto bytes = std::span(packet);
    ip.emit(bytes.first(ipv6_repr::buffer_len()));
    // The fragment header (RFC 8200 4.5); the wire layer parses it but has
    // no emitter, so it is written field by field.
    std::array<std::byte, frag_len> frag{};
    frag[0] = std::byte{static_cast<std::uint8_t>(ip_protocol::udp)};
    wire::put_u16(frag, 2, static_cast<std::uint16_t>((offset & 0xfff8U) | (more ? 1U : 0U)));
    wire::put_u32(frag, 4, ident);
    wire::put_bytes(bytes, ipv6_repr::buffer_len(), frag);
    wire::put_bytes(bytes, ipv6_repr::buffer_len() + frag_len, data);
    return ethernet(scene_.victim_mac, scene_.attacker_mac, 0x86dd, packet);
  }
  ipv4_repr ip;
  ip.src = ips.src4();
  ip.dst = ips.dst4();
  ip.protocol = ip_protocol::udp;
  ip.payload_len = static_cast<std::uint16_t>(data.size());
  ip.ident = static_cast<std::uint16_t>(ident);
  ip.more_fragments = more;
  ip.fragment_offset = offset;
  frame_bytes packet(ipv4_repr::buffer_len() + data.size());
  ip.emit(std::span(packet).first(ipv4_repr::buffer_len()));
  wire::put_bytes(packet, ipv4_repr::buffer_len(), data);
  return ethernet(scene_.victim_mac, scene_.attacker_mac, 0x0800, packet);
}

frame_bytes hostile_frames::random_payload(std::size_t n) {
  frame_bytes b(n);
  for (std::byte& x : b) x = std::byte{static_cast<std::uint8_t>(next())};
  return b;
}

tcp_repr hostile_frames::syn_to(port to) noexcept {
  tcp_repr h;
  h.src_port = port(static_cast<std::uint16_t>(1024 + below(64000)));
  h.dst_port = to;
  h.seq = static_cast<std::uint32_t>(next());
  h.flags = tcp_flags(tcp_flags::syn);
  h.window = 65535;
  h.mss = 1460;
  h.window_scale = 7;
  h.sack_permitted = true;
  h.timestamps = tcp_timestamps{static_cast<std::uint32_t>(next()), 0};
  return h;
}

void hostile_frames::truncate_header(std::vector<frame_bytes>& out) {
  // A valid UDP datagram whose IP header is then cut short.
  const ip_pair ips = attacker_pair();
  frame_bytes f = ip_frame(ips, ip_protocol::udp, random_payload(28), scene_.attacker_mac);
  const std::size_t header = ips.is_v6() ? ipv6_repr::buffer_len() : ipv4_repr::buffer_len();
  f.resize(eth_len + below(static_cast<std::uint32_t>(header)));
  out.push_back(std::move(f));
}

void hostile_frames::bad_tcp_options(hostile_kind kind, std::vector<frame_bytes>& out) {
  const ip_pair ips = spoofed_pair();
  tcp_repr h = syn_to(scene_.listening);
  frame_bytes s = tcp_segment(ips, h, {});
  auto options = options_of(s);
  switch (kind) {
    case hostile_kind::tcp_zero_length_option:
      wire::put_u8(options, 0, 2);  // MSS, length 0: a walker that trusts it loops forever
      wire::put_u8(options, 1, 0);
      break;
    case hostile_kind::tcp_option_past_header:
      wire::put_u8(options, 0, 8);  // timestamps, length past the header
      wire::put_u8(options, 1, static_cast<std::uint8_t>(options.size() + 1 + below(200)));
      break;
    case hostile_kind::tcp_repeated_options: {
      // MSS 1460 then MSS 0, window scale 7 then 14, padded with NOPs.
      constexpr std::array<std::uint8_t, 14> repeated{2, 4, 5, 0xb4, 2, 4, 0, 0, 3, 3, 7, 3, 3, 14};
      std::fill(options.begin(), options.end(), std::byte{1});
      for (std::size_t i = 0; i < repeated.size() && i < options.size(); ++i)
        wire::put_u8(options, i, repeated[i]);
      break;
    }
    default: {  // tcp_huge_wscale
      const std::size_t at = find_option(options, 3);
      if (at + 2 < options.size()) wire::put_u8(options, at + 2, 255);
      break;
    }
  }
  fix_tcp_checksum(ips, s);
  out.push_back(ip_frame(ips, ip_protocol::tcp, s, scene_.attacker_mac));
}

void hostile_frames::fragments(hostile_kind kind, std::vector<frame_bytes>& out) {
  const ip_pair ips = spoofed_pair();
  const std::uint32_t ident = next_ident_++;
  if (kind == hostile_kind::overlapping_fragments) {
    const frame_bytes data = random_payload(1024);
    out.push_back(fragment(ips, ident, 0, true, data));
    out.push_back(fragment(ips, ident, 8 * (1 + below(120)), below(2) == 0, data));
    return;
  }
  if (kind == hostile_kind::tiny_fragments) {
    const frame_bytes data = random_payload(8);
    for (std::uint32_t i = 0; i < 70; ++i) out.push_back(fragment(ips, ident, 8 * i, true, data));
    return;
  }
  // endless: pieces of one datagram at ever-growing offsets that never
  // reach a final fragment, until the last one ends past 65535.
  const frame_bytes data = random_payload(1400);
  for (std::uint32_t offset = 8 * below(64); offset < 65528; offset += 1400 + 8 * below(4)) {
    out.push_back(fragment(ips, ident, offset, true, data));
  }
}

void hostile_frames::blind(hostile_kind kind, std::vector<frame_bytes>& out) {
  // Spoofing the client's address and MAC: the switch then learns the
  // client's MAC on the attacker's port until the client speaks again.
  const ip_pair ips = client_pair();
  tcp_repr h;
  h.src_port = scene_.client_port;
  h.dst_port = scene_.listening;
  h.seq = static_cast<std::uint32_t>(next());
  h.ack = static_cast<std::uint32_t>(next());
  h.window = 1024;
  frame_bytes payload;
  if (kind == hostile_kind::blind_rst) {
    h.flags = tcp_flags(below(2) == 0 ? tcp_flags::rst : tcp_flags::rst | tcp_flags::ack);
  } else if (kind == hostile_kind::blind_syn) {
    h.flags = tcp_flags(tcp_flags::syn);
    h.mss = 536;
  } else {
    h.flags = tcp_flags(tcp_flags::ack | (below(2) == 0 ? tcp_flags::psh : 0));
    payload = random_payload(below(100));
  }
  const frame_bytes s = tcp_segment(ips, h, payload);
  out.push_back(ip_frame(ips, ip_protocol::tcp, s, scene_.client_mac));
}

void hostile_frames::make(hostile_kind kind, std::vector<frame_bytes>& out) {
  switch (kind) {
    case hostile_kind::random_bytes: {
      frame_bytes f = random_payload(below(1515));
      if (f.size() >= 6 && below(2) == 0) {
        const auto& m = scene_.victim_mac.octets();
        for (std::size_t i = 0; i < 6; ++i) f[i] = std::byte{m[i]};
      }
      if (f.size() >= eth_len && below(2) == 0) {
        constexpr std::array<std::uint16_t, 3> types{0x0800, 0x86dd, 0x0806};
        wire::put_u16(f, 12, types[below(3)]);
      }
      out.push_back(std::move(f));
      return;
    }
    case hostile_kind::truncated_ethernet: {
      frame_bytes f = random_payload(below(eth_len));
      const auto& m = scene_.victim_mac.octets();
      for (std::size_t i = 0; i < f.size() && i < 6; ++i) f[i] = std::byte{m[i]};
      out.push_back(std::move(f));
      return;
    }
    case hostile_kind::truncated_arp: {
      frame_bytes claim =
          arp_claim(scene_.spoof4_base, scene_.attacker_mac, scene_.victim_mac, scene_.victim4);
      claim.resize(eth_len + below(arp_repr::buffer_len()));
      out.push_back(std::move(claim));
      return;
    }
    case hostile_kind::truncated_ip: truncate_header(out); return;
    case hostile_kind::truncated_tcp:
      out.push_back(ip_frame(attacker_pair(), ip_protocol::tcp, random_payload(below(20)),
                             scene_.attacker_mac));
      return;
    case hostile_kind::truncated_udp:
      out.push_back(ip_frame(attacker_pair(), ip_protocol::udp, random_payload(below(8)),
                             scene_.attacker_mac));
      return;
    case hostile_kind::truncated_icmp: {
      const ip_protocol icmp = scene_.ipv6 ? ip_protocol::icmpv6 : ip_protocol::icmp;
      out.push_back(ip_frame(attacker_pair(), icmp, random_payload(below(4)), scene_.attacker_mac));
      return;
    }
    case hostile_kind::ipv4_bad_ihl:
    case hostile_kind::ipv4_bad_total_len:
    case hostile_kind::ipv4_bad_checksum: {
      const ip_pair ips(scene_.spoof4_base, scene_.victim4);
      frame_bytes f = ip_frame(ips, ip_protocol::udp, random_payload(32), scene_.attacker_mac);
      auto header = std::span(f).subspan(eth_len, ipv4_repr::buffer_len());
      if (kind == hostile_kind::ipv4_bad_ihl) {
        const std::uint8_t ihl = below(2) == 0 ? static_cast<std::uint8_t>(below(5)) : 15;
        wire::put_u8(header, 0, static_cast<std::uint8_t>(0x40 | ihl));
      } else if (kind == hostile_kind::ipv4_bad_total_len) {
        const std::uint16_t len = below(2) == 0 ? static_cast<std::uint16_t>(below(20))
                                                : static_cast<std::uint16_t>(53 + below(2000));
        wire::put_u16(header, 2, len);
      }
      wire::put_u16(header, 10, 0);
      const std::uint16_t sum = internet_checksum(header);
      // A bad checksum is off by one bit; the other kinds carry a right one.
      wire::put_u16(
          header, 10,
          kind == hostile_kind::ipv4_bad_checksum ? static_cast<std::uint16_t>(sum ^ 1U) : sum);
      out.push_back(std::move(f));
      return;
    }
    case hostile_kind::ipv6_bad_payload_len: {
      const ip_pair ips(scene_.spoof6_base, scene_.victim6);
      frame_bytes f = ip_frame(ips, ip_protocol::udp, random_payload(32), scene_.attacker_mac);
      wire::put_u16(std::span(f).subspan(eth_len), 4, static_cast<std::uint16_t>(33 + below(3000)));
      out.push_back(std::move(f));
      return;
    }
    case hostile_kind::tcp_bad_checksum:
    case hostile_kind::tcp_bad_offset: {
      const ip_pair ips = spoofed_pair();
      frame_bytes s = tcp_segment(ips, syn_to(scene_.listening), {});
      if (kind == hostile_kind::tcp_bad_checksum) {
        s[tcp_checksum_at] ^= std::byte{0x10};
      } else {
        const std::uint8_t words =
            below(2) == 0 ? static_cast<std::uint8_t>(below(5)) : static_cast<std::uint8_t>(15);
        s.resize(std::min<std::size_t>(s.size(), 24));
        wire::put_u8(s, 12, static_cast<std::uint8_t>(words << 4));
        fix_tcp_checksum(ips, s);
      }
      out.push_back(ip_frame(ips, ip_protocol::tcp, s, scene_.attacker_mac));
      return;
    }
    case hostile_kind::tcp_zero_length_option:
    case hostile_kind::tcp_option_past_header:
    case hostile_kind::tcp_repeated_options:
    case hostile_kind::tcp_huge_wscale: bad_tcp_options(kind, out); return;
    case hostile_kind::udp_bad_checksum:
    case hostile_kind::udp_bad_length: {
      const ip_pair ips = attacker_pair();
      const frame_bytes data = random_payload(16);
      const udp_repr u{port(4000), scene_.closed, static_cast<std::uint16_t>(data.size())};
      frame_bytes d(udp_repr::buffer_len() + data.size());
      u.emit(std::span(d).first(udp_repr::buffer_len()), ips, data);
      wire::put_bytes(d, udp_repr::buffer_len(), data);
      if (kind == hostile_kind::udp_bad_checksum) {
        d[6] ^= std::byte{0x01};
      } else {
        wire::put_u16(d, 4,
                      below(2) == 0 ? static_cast<std::uint16_t>(below(8))
                                    : static_cast<std::uint16_t>(d.size() + 1 + below(100)));
      }
      out.push_back(ip_frame(ips, ip_protocol::udp, d, scene_.attacker_mac));
      return;
    }
    case hostile_kind::overlapping_fragments:
    case hostile_kind::endless_fragments:
    case hostile_kind::tiny_fragments: fragments(kind, out); return;
    case hostile_kind::syn_flood:
    case hostile_kind::syn_to_closed_port: {
      const ip_pair ips = spoofed_pair();
      const port to = kind == hostile_kind::syn_flood ? scene_.listening : scene_.closed;
      const frame_bytes s = tcp_segment(ips, syn_to(to), {});
      out.push_back(ip_frame(ips, ip_protocol::tcp, s, scene_.attacker_mac));
      return;
    }
    case hostile_kind::blind_rst:
    case hostile_kind::blind_ack:
    case hostile_kind::blind_syn: blind(kind, out); return;
    case hostile_kind::count_: return;
  }
}

}  // namespace atl::net::testing
