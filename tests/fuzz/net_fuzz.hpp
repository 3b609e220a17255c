// Shared by the net fuzz harnesses (tests/fuzz/*_fuzzer.cpp for ethernet,
// arp, ipv4, ipv6, icmp, udp, tcp, dhcp).
//
// Transport harnesses (icmp, udp, tcp) need the IP addresses their
// checksums cover; their input starts with them:
//   byte 0: the family, even for IPv4, odd for IPv6;
//   then the source and destination addresses (4 + 4 or 16 + 16 bytes);
//   then the message.
// Seeds are written in that form by tests/net/packets/generate.py.
//
// Every harness checks a round trip where one is meaningful: whatever
// parses, emitted, parses again to an equal repr (and the emitted checksum
// verifies). A failed check stops with ATOLL_ASSERT, which libFuzzer
// reports as a crash.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/checksum.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::fuzz {

/// transport_input: the addresses and the message of a transport harness's input.
struct transport_input {
  ip_pair ips;
  std::span<const std::byte> message;
};

inline std::optional<transport_input> split_transport(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  if (bytes.empty()) return std::nullopt;
  const bool v6 = (data[0] & 1U) != 0;
  const std::size_t addr_len = v6 ? 16 : 4;
  if (bytes.size() < 1 + 2 * addr_len) return std::nullopt;
  const auto src = bytes.subspan(1, addr_len);
  const auto dst = bytes.subspan(1 + addr_len, addr_len);
  const auto message = bytes.subspan(1 + 2 * addr_len);
  if (v6)
    return transport_input{ip_pair(ipv6_addr::from_bytes(src), ipv6_addr::from_bytes(dst)),
                           message};
  return transport_input{ip_pair(ipv4_addr::from_bytes(src), ipv4_addr::from_bytes(dst)), message};
}

/// buffer(n): n zero bytes to emit into.
inline std::vector<std::byte> buffer(std::size_t n) { return std::vector<std::byte>(n); }

}  // namespace atl::net::fuzz
