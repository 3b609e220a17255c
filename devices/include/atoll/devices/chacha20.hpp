// chacha20_block: the ChaCha20 block function of RFC 8439 (section 2.3).
//
// The keystream generator under chacha_random. Exposed on its own so that it
// can be checked against the RFC's test vectors; it is not an AEAD and not a
// cipher API (BoringSSL provides those for TLS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl {

inline constexpr std::size_t chacha20_key_size = 32;
inline constexpr std::size_t chacha20_nonce_size = 12;
inline constexpr std::size_t chacha20_block_size = 64;

/// chacha20_block(key, counter, nonce, out): writes the 64-byte keystream
/// block number `counter` for `key` and `nonce` (RFC 8439 layout: a 32-bit
/// block counter and a 96-bit nonce) into `out`. Never fails.
void chacha20_block(std::span<const std::byte, chacha20_key_size> key, std::uint32_t counter,
                    std::span<const std::byte, chacha20_nonce_size> nonce,
                    std::span<std::byte, chacha20_block_size> out) noexcept;

}  // namespace atl
