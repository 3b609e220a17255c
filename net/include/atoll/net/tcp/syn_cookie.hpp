// SYN cookies (RFC 4987 3.6): a listener under a SYN flood answers with a
// SYN-ACK whose ISN encodes what it would have stored, and keeps nothing.
//
// The 32-bit cookie is
//   bits 31..27  time slot counter (64-second slots, modulo 32)
//   bits 26..24  index of the MSS in syn_cookie_mss_table
//   bits 23..0   a keyed hash of (flow id, peer ISN, slot, MSS index)
// The hash is SHA-256 over the 32-byte secret followed by the fields,
// truncated to 24 bits: a forged cookie for a given flow passes with
// probability 2^-24 at best (about 2^-28 for a random 32-bit value, since
// only 2 of the 32 slots are current). A cookie is accepted in its own
// slot and the next one, so it lives between 64 and 128 seconds. `flow_id`
// is the caller's canonical bytes of the 4-tuple (addresses and ports).
// The cookie is our ISN: the peer's ACK acknowledges cookie + 1, and its
// sequence number is peer_isn + 1; the caller converts.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/net/tcp/seq.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net::tcp {

struct syn_cookie_secret {
  std::array<std::byte, 32> key;
};

/// The MSS values a cookie can carry, ascending. make_syn_cookie encodes
/// the largest one not above the peer's MSS (the smallest when all are).
inline constexpr std::array<std::uint16_t, 8> syn_cookie_mss_table{256,  536,  1220, 1300,
                                                                   1400, 1440, 1460, 8960};
/// The length of one time slot.
inline constexpr duration syn_cookie_slot = std::chrono::seconds(64);

[[nodiscard]] seq make_syn_cookie(const syn_cookie_secret& secret,
                                  std::span<const std::byte> flow_id, seq peer_isn,
                                  std::uint16_t mss, mono_time now) noexcept;
/// check_syn_cookie: the MSS to use (a syn_cookie_mss_table value), or
/// nullopt if forged or made more than one slot before the current one.
[[nodiscard]] std::optional<std::uint16_t> check_syn_cookie(const syn_cookie_secret& secret,
                                                            std::span<const std::byte> flow_id,
                                                            seq peer_isn, seq cookie,
                                                            mono_time now) noexcept;

}  // namespace atl::net::tcp
