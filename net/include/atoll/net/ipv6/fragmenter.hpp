// Fragmentation on send (RFC 8200 section 4.5): a packet larger than the
// path MTU leaves as fragments, each the fixed header, a fragment header
// and a piece of the payload; every piece but the last is a multiple of 8
// bytes. The packets built here carry no extension headers of their own,
// so the whole payload is the fragmentable part.
#pragma once

#include <atoll/net/wire/ipv6.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace atl::net {

inline constexpr std::size_t ipv6_fragment_header_len = 8;

/// ipv6_fragment_packet(header, payload, mtu, ident): the fragments of the
/// packet `header` + `payload` for a path of `mtu` bytes (at least 1280),
/// each a whole IPv6 packet of at most mtu bytes; header.next_header is the
/// protocol of the payload, header.payload_len is ignored. Empty when
/// mtu is too small to carry 8 bytes of payload (a bug in the caller).
[[nodiscard]] std::vector<std::vector<std::byte>> ipv6_fragment_packet(
    const ipv6_repr& header, std::span<const std::byte> payload, std::uint32_t mtu,
    std::uint32_t ident);

}  // namespace atl::net
