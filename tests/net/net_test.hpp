// Helpers shared by the net tests: reference frames (packets.hpp), copies
// to mutate, hex literals, and the layers of a frame found with the views
// under test (each view has its own tests first).
#pragma once

#include "packets.hpp"
#include <atoll/net/wire/ethernet.hpp>
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/ipv6.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace atl::net::testing {

using bytes_vec = std::vector<std::byte>;
namespace pkt = atl::net::test_packets;
using pkt::bytes;

inline bytes_vec copy(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

/// hex("45 00 ..."): bytes from hexadecimal pairs; spaces are ignored.
inline bytes_vec hex(std::string_view text) {
  bytes_vec out;
  int high = -1;
  for (const char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::byte>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

inline std::uint8_t u8(std::span<const std::byte> b, std::size_t at) {
  return static_cast<std::uint8_t>(b[at]);
}
inline void set_u8(bytes_vec& b, std::size_t at, std::uint8_t v) { b[at] = std::byte{v}; }
inline void set_u16(bytes_vec& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v);
}

/// l3(frame): the Ethernet payload of a reference frame.
inline std::span<const std::byte> l3(std::span<const std::byte> frame) {
  auto eth = ethernet_view::checked(frame);
  EXPECT_TRUE(eth.has_value());
  return eth->payload();
}

/// ipv4_payload / ipv6_payload: the IP payload of a reference frame, and its addresses.
struct l4_of {
  std::span<const std::byte> bytes;
  ipv4_addr src4, dst4;
  ipv6_addr src6, dst6;
  bool v6 = false;
  [[nodiscard]] ip_pair ips() const { return v6 ? ip_pair(src6, dst6) : ip_pair(src4, dst4); }
};

inline l4_of l4(std::span<const std::byte> frame) {
  const auto payload = l3(frame);
  l4_of out;
  if ((u8(payload, 0) >> 4) == 4) {
    auto ip = ipv4_view::checked(payload);
    EXPECT_TRUE(ip.has_value());
    out.bytes = ip->payload();
    out.src4 = ip->src();
    out.dst4 = ip->dst();
  } else {
    auto ip = ipv6_view::checked(payload);
    EXPECT_TRUE(ip.has_value());
    auto upper = walk_extensions(*ip);
    EXPECT_TRUE(upper.has_value());
    out.bytes = ip->payload().subspan(upper->offset);
    out.src6 = ip->src();
    out.dst6 = ip->dst();
    out.v6 = true;
  }
  return out;
}

}  // namespace atl::net::testing
