// The system OpenSSL (libcrypto.so.3), reached from a translation unit that sees
// only OpenSSL's headers. Used by boringssl_coexist_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace atl::test {

// OpenSSL_version_num() as the system library answers it.
unsigned long openssl_version_num();
// OpenSSL's SHA256 of data into out[32].
void openssl_sha256(const std::uint8_t* data, std::size_t size, std::uint8_t* out);

}  // namespace atl::test
