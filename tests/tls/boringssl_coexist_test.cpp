// BoringSSL and the system OpenSSL in one process, the situation libgit2 (through
// libssh2) creates. BoringSSL's archive is linked statically into the executable, so
// were its symbols unprefixed, OpenSSL's callers would bind to BoringSSL's definitions
// of the same names (OpenSSL_version_num answering 0x1010107f, BoringSSL's value).
#include "openssl_side.hpp"

#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace atl {
namespace {

TEST(boringssl_coexist, each_caller_reaches_its_own_library) {
  // BoringSSL claims OpenSSL 1.1.1 compatibility; Debian 12's OpenSSL is 3.x.
  EXPECT_EQ(OpenSSL_version_num(), 0x1010107fUL);
  EXPECT_GE(test::openssl_version_num(), 0x30000000UL);
}

TEST(boringssl_coexist, both_hash_alike) {
  std::string_view text = "atoll";
  const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> ours{};
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> theirs{};
  SHA256(data, text.size(), ours.data());
  test::openssl_sha256(data, text.size(), theirs.data());
  EXPECT_EQ(ours, theirs);
}

}  // namespace
}  // namespace atl
