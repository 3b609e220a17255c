// ipv6_host: reassembly of received fragments through the shared
// ip::reassembler, and the time exceeded message when one times out.
#include <atoll/net/ipv6/ipv6_host.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace atl::net {

std::optional<ipv6_delivery> ipv6_host::input_fragment(mono_time now, const ipv6_repr& ip,
                                                       const ipv6_upper& upper,
                                                       std::span<const std::byte> data,
                                                       std::span<const std::byte> packet) {
  ++stats_.rx_fragments;
  const ipv6_fragment& fragment = *upper.fragment;
  std::span<const std::byte> whole = data;
  std::optional<buf> assembled;
  // RFC 6946: an atomic fragment (offset 0, no more) is processed alone.
  if (fragment.offset != 0 || fragment.more) {
    // RFC 8200 4.5: a datagram is (source, destination, identification).
    std::array<std::byte, 20> rest{};
    ip.dst.write_to(rest);
    wire::put_u32(rest, 16, fragment.ident);
    std::array<std::byte, 16> source{};
    ip.src.write_to(source);
    const auto key = ip::reassembly_key::make(source, rest);
    auto done = reassembler_.add(key, fragment.offset, fragment.more, data, now);
    if (!done) {
      ++stats_.rx_fragments_dropped;
      forget_fragment(key);
      return std::nullopt;
    }
    if (!*done) {  // kept, waiting for the rest
      track_fragment(now, key, fragment.offset == 0, packet);
      return std::nullopt;
    }
    forget_fragment(key);
    assembled = std::move(**done);
    whole = assembled->bytes();
    ++stats_.rx_reassembled;
  }
  // The packet as if it had come whole: the fixed header, with the
  // fragment's Next Header, then the reassembled data (its own extension
  // headers are walked again, fragment headers refused).
  if (whole.size() > 65535) {
    ++stats_.rx_fragments_dropped;
    return std::nullopt;
  }
  ipv6_repr header = ip;
  header.next_header = upper.protocol;
  header.payload_len = static_cast<std::uint16_t>(whole.size());
  reassembled_.assign(ipv6_view::header_len + whole.size(), std::byte{0});
  header.emit(std::span(reassembled_).first(ipv6_view::header_len));
  std::copy(whole.begin(), whole.end(),
            reassembled_.begin() + static_cast<std::ptrdiff_t>(ipv6_view::header_len));
  return input_packet(now, reassembled_, true);
}

void ipv6_host::track_fragment(mono_time now, const ip::reassembly_key& key, bool first,
                               std::span<const std::byte> packet) {
  auto it = std::find_if(partials_.begin(), partials_.end(),
                         [&](const partial& p) { return p.key == key; });
  if (it == partials_.end()) {
    if (partials_.size() >= config_.reassembly.max_datagrams) return;
    partials_.push_back(partial{key, now + config_.reassembly.timeout, {}});
    it = partials_.end() - 1;
  }
  if (first && it->first.empty()) {
    const auto quoted = packet.first(std::min(packet.size(), icmpv6_repr::max_invoking_len));
    it->first.assign(quoted.begin(), quoted.end());
  }
}

void ipv6_host::forget_fragment(const ip::reassembly_key& key) noexcept {
  std::erase_if(partials_, [&](const partial& p) { return p.key == key; });
}

void ipv6_host::expire_fragments(mono_time now) {
  // Only as many messages as the reassembler timed out now: a datagram it
  // evicted for room is not reported as timed out.
  const auto before = reassembler_.stats().dropped(ip::reassembly_drop::timeout);
  reassembler_.expire(now);
  auto timed_out = reassembler_.stats().dropped(ip::reassembly_drop::timeout) - before;
  for (auto it = partials_.begin(); it != partials_.end();) {
    if (it->deadline > now) {
      ++it;
      continue;
    }
    if (timed_out > 0 && !it->first.empty()) {
      --timed_out;
      ++stats_.reassembly_timeouts;
      // RFC 8200 4.5: time exceeded, code 1 (fragment reassembly time exceeded).
      const std::vector<std::byte> first = std::move(it->first);
      (void)send_error(now, icmpv6_repr::time_exceeded(1, {}), first);
    }
    it = partials_.erase(it);
  }
}

}  // namespace atl::net
