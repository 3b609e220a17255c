// Bitcoin keys for the piñata (issue 4): a secp256k1 private key, its WIF
// text and its P2PKH address, with Botan (SHA-256, RIPEMD-160, Base58).
//
// Host code: Botan's exceptions stop at these functions, which report every
// failure as an atl::result error. The key is the piñata's secret: nothing
// here prints or logs it; bitcoin_key wipes its bytes when it goes.
#pragma once

#include <atoll/core/result.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atl::tool::cert {

/// bitcoin_key: a secp256k1 private key (big-endian scalar, 1 <= k < n) and
/// whether its public key is used in compressed form (33 bytes) or not (65).
struct bitcoin_key {
  std::array<std::uint8_t, 32> secret{};
  bool compressed = true;

  bitcoin_key() = default;
  bitcoin_key(const bitcoin_key&) = default;
  bitcoin_key& operator=(const bitcoin_key&) = default;
  ~bitcoin_key();
};

/// base58check_encode(payload): Base58 of payload + the first four bytes of
/// SHA-256(SHA-256(payload)). Fails only if Botan does.
result<std::string> base58check_encode(std::span<const std::uint8_t> payload);

/// base58check_decode(text): the payload; invalid_argument for a character
/// outside the Base58 alphabet, corrupt for a checksum that does not match.
result<std::vector<std::uint8_t>> base58check_decode(std::string_view text);

/// make_bitcoin_key(): a fresh key from the system's RNG (Botan System_RNG),
/// compressed.
result<bitcoin_key> make_bitcoin_key();

/// wif_encode(key): Wallet Import Format: Base58Check of 0x80, the 32 bytes
/// of the key and, for a compressed key, 0x01.
result<std::string> wif_encode(const bitcoin_key& key);

/// wif_decode(text): the key of a mainnet WIF text (surrounding white space
/// ignored); invalid_argument for anything else (testnet, wrong length, a
/// scalar out of range), corrupt for a bad checksum.
result<bitcoin_key> wif_decode(std::string_view text);

/// public_key_bytes(key): the SEC1 encoding of k*G, 33 bytes compressed or
/// 65 uncompressed, as key.compressed says.
result<std::vector<std::uint8_t>> public_key_bytes(const bitcoin_key& key);

/// p2pkh_address(key): Base58Check of 0x00 + RIPEMD-160(SHA-256(public key)).
result<std::string> p2pkh_address(const bitcoin_key& key);

}  // namespace atl::tool::cert
