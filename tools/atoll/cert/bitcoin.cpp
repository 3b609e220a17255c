#include "bitcoin.hpp"

#include <botan/base58.h>
#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/hash.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <exception>

namespace atl::tool::cert {

namespace {

constexpr std::uint8_t wif_version = 0x80;      // mainnet private key
constexpr std::uint8_t p2pkh_version = 0x00;    // mainnet pay-to-pubkey-hash
constexpr std::uint8_t compressed_flag = 0x01;  // WIF suffix of a compressed key

const Botan::EC_Group& secp256k1() {
  static const Botan::EC_Group group("secp256k1");
  return group;
}

std::vector<std::uint8_t> hash(const char* name, std::span<const std::uint8_t> bytes) {
  auto h = Botan::HashFunction::create_or_throw(name);
  h->update(bytes.data(), bytes.size());
  return h->final_stdvec();
}

std::vector<std::uint8_t> checksum(std::span<const std::uint8_t> payload) {
  auto twice = hash("SHA-256", hash("SHA-256", payload));
  twice.resize(4);
  return twice;
}

// in_range(secret): 1 <= k < n, the scalars that are private keys.
bool in_range(const std::array<std::uint8_t, 32>& secret) {
  const Botan::BigInt k(secret.data(), secret.size());
  return k > 0 && k < secp256k1().get_order();
}

atl::error botan_error(const char* what, const std::exception& e) {
  return atl::error(errc::io_error, what, ": ", e.what());
}

}  // namespace

bitcoin_key::~bitcoin_key() { Botan::secure_scrub_memory(secret.data(), secret.size()); }

result<std::string> base58check_encode(std::span<const std::uint8_t> payload) {
  try {
    std::vector<std::uint8_t> all(payload.begin(), payload.end());
    const auto sum = checksum(payload);
    all.insert(all.end(), sum.begin(), sum.end());
    return Botan::base58_encode(all.data(), all.size());
  } catch (const std::exception& e) {
    return botan_error("base58", e);
  }
}

result<std::vector<std::uint8_t>> base58check_decode(std::string_view text) {
  std::vector<std::uint8_t> all;
  try {
    all = Botan::base58_decode(text.data(), text.size());
  } catch (const std::exception&) {
    return atl::error(errc::invalid_argument, "not Base58 text");
  }
  try {
    if (all.size() < 4) return atl::error(errc::invalid_argument, "Base58Check text too short");
    const std::span<const std::uint8_t> payload(all.data(), all.size() - 4);
    const auto sum = checksum(payload);
    if (!std::equal(sum.begin(), sum.end(), all.end() - 4)) {
      return atl::error(errc::corrupt, "Base58Check checksum does not match");
    }
    return std::vector<std::uint8_t>(payload.begin(), payload.end());
  } catch (const std::exception& e) {
    return botan_error("base58check", e);
  }
}

result<bitcoin_key> make_bitcoin_key() {
  try {
    Botan::System_RNG rng;
    // Uniform in [1, n): Botan draws it by rejection sampling.
    const Botan::BigInt k = Botan::BigInt::random_integer(rng, 1, secp256k1().get_order());
    bitcoin_key key;
    k.binary_encode(key.secret.data(), key.secret.size());
    return key;
  } catch (const std::exception& e) {
    return botan_error("random key", e);
  }
}

result<std::string> wif_encode(const bitcoin_key& key) {
  std::vector<std::uint8_t> payload;
  payload.reserve(34);
  payload.push_back(wif_version);
  payload.insert(payload.end(), key.secret.begin(), key.secret.end());
  if (key.compressed) payload.push_back(compressed_flag);
  auto text = base58check_encode(payload);
  Botan::secure_scrub_memory(payload.data(), payload.size());
  return text;
}

result<bitcoin_key> wif_decode(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  auto payload = base58check_decode(text);
  if (!payload)
    return atl::error(payload.error().code(), "not a WIF key: ", payload.error().message());
  const auto& p = *payload;
  const bool compressed = p.size() == 34 && p[33] == compressed_flag;
  if (!compressed && p.size() != 33) {
    return atl::error(errc::invalid_argument, "not a WIF key: wrong length");
  }
  if (p[0] != wif_version) {
    return atl::error(errc::invalid_argument, "not a mainnet WIF key (version byte ", p[0], ")");
  }
  bitcoin_key key;
  std::copy(p.begin() + 1, p.begin() + 33, key.secret.begin());
  key.compressed = compressed;
  Botan::secure_scrub_memory(payload->data(), payload->size());
  try {
    if (!in_range(key.secret)) {
      return atl::error(errc::invalid_argument, "WIF key out of range for secp256k1");
    }
  } catch (const std::exception& e) {
    return botan_error("secp256k1", e);
  }
  return key;
}

result<std::vector<std::uint8_t>> public_key_bytes(const bitcoin_key& key) {
  try {
    if (!in_range(key.secret)) {
      return atl::error(errc::invalid_argument, "key out of range for secp256k1");
    }
    const Botan::BigInt k(key.secret.data(), key.secret.size());
    // Blinded (constant-time) multiplication: k is the secret.
    std::vector<Botan::BigInt> workspace;
    const Botan::PointGFp pub =
        secp256k1().blinded_base_point_multiply(k, Botan::system_rng(), workspace);
    return pub.encode(key.compressed ? Botan::PointGFp::COMPRESSED : Botan::PointGFp::UNCOMPRESSED);
  } catch (const std::exception& e) {
    return botan_error("secp256k1", e);
  }
}

result<std::string> p2pkh_address(const bitcoin_key& key) {
  ATOLL_TRY(const auto pub, public_key_bytes(key));
  std::vector<std::uint8_t> payload{p2pkh_version};
  try {
    const auto h160 = hash("RIPEMD-160", hash("SHA-256", pub));
    payload.insert(payload.end(), h160.begin(), h160.end());
  } catch (const std::exception& e) {
    return botan_error("hash", e);
  }
  return base58check_encode(payload);
}

}  // namespace atl::tool::cert
