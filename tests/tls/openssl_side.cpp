// Compiled without BoringSSL's include directory: <openssl/...> is the system OpenSSL.
#include "openssl_side.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstddef>

namespace atl::test {

unsigned long openssl_version_num() { return OpenSSL_version_num(); }

void openssl_sha256(const std::uint8_t* data, std::size_t size, std::uint8_t* out) {
  SHA256(data, size, out);
}

}  // namespace atl::test
