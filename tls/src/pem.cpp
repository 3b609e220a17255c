// Loading certificates, keys and lists into BoringSSL objects, with error
// values that say which part is at fault.
#include "native.hpp"

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <chrono>
#include <climits>
#include <cstring>

namespace atl::tls::detail {
namespace {

// A read-only memory BIO over `pem`; null when it is too long for an int.
bssl::UniquePtr<BIO> reader(std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return bssl::UniquePtr<BIO>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate of a PEM text, in order; an error when a block does not
// parse or there is none. A trailing "no start line" only ends the list.
result<std::vector<bssl::UniquePtr<X509>>> read_certificates(std::string_view what,
                                                             std::string_view pem) {
  std::vector<bssl::UniquePtr<X509>> out;
  bssl::UniquePtr<BIO> bio = reader(pem);
  if (!bio) return error(errc::invalid_argument, what, ": PEM text too long");
  ERR_clear_error();
  for (;;) {
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    if (out.size() >= 16) return error(errc::invalid_argument, what, ": more than 16 certificates");
    out.push_back(std::move(cert));
  }
  const std::uint32_t err = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  if (err != 0 && !clean_end) {
    char text[120];
    return error(errc::invalid_argument, what, ": bad certificate PEM: ", last_error_text(text));
  }
  ERR_clear_error();
  if (out.empty()) return error(errc::invalid_argument, what, ": no certificate in the PEM text");
  return out;
}

}  // namespace

void set_verify_time(SSL_CTX* ctx, wall_time now) noexcept {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), static_cast<time_t>(seconds.count()));
}

std::string_view last_error_text(char (&buffer)[120]) noexcept {
  const std::uint32_t err = ERR_peek_last_error();
  if (err == 0) return "no detail";
  ERR_error_string_n(err, buffer, sizeof buffer);
  ERR_clear_error();
  return std::string_view(buffer);
}

result<keyed_chain> load_chain(std::string_view what, std::string_view chain_pem,
                               std::string_view key_pem) noexcept {
  ATOLL_TRY(auto certs, read_certificates(what, chain_pem));
  bssl::UniquePtr<BIO> bio = reader(key_pem);
  if (!bio) return error(errc::invalid_argument, what, ": key PEM text too long");
  ERR_clear_error();
  keyed_chain out;
  out.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!out.key) {
    char text[120];
    return error(errc::invalid_argument, what, ": bad private key PEM: ", last_error_text(text));
  }
  if (X509_check_private_key(certs.front().get(), out.key.get()) != 1) {
    ERR_clear_error();
    return error(errc::invalid_argument, what, ": the private key does not match the certificate");
  }
  for (const auto& cert : certs) {
    std::uint8_t* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    if (length <= 0) return error(errc::no_memory, what, ": cannot encode a certificate");
    bssl::UniquePtr<CRYPTO_BUFFER> buffer(
        CRYPTO_BUFFER_new(der, static_cast<std::size_t>(length), nullptr));
    OPENSSL_free(der);
    if (!buffer) return error(errc::no_memory, what, ": cannot hold a certificate");
    out.raw.push_back(buffer.get());
    out.chain.push_back(std::move(buffer));
  }
  return out;
}

result<void> load_ca(std::string_view what, std::string_view pem, X509_STORE* store) noexcept {
  ATOLL_TRY(auto certs, read_certificates(what, pem));
  for (const auto& cert : certs) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      char text[120];
      return error(errc::invalid_argument, what, ": cannot add a CA: ", last_error_text(text));
    }
  }
  return ok();
}

result<std::string> alpn_wire(std::span<const std::string_view> list) noexcept {
  if (list.size() > max_alpn)
    return error(errc::invalid_argument, "alpn: more than ", max_alpn, " names");
  std::string out;
  for (std::string_view name : list) {
    if (name.empty() || name.size() > 255) {
      return error(errc::invalid_argument, "alpn: a name must have 1 to 255 bytes");
    }
    out.push_back(static_cast<char>(name.size()));
    out.append(name);
  }
  return out;
}

result<void> apply_common(SSL_CTX* ctx, version min, version max) noexcept {
  if (static_cast<std::uint16_t>(min) > static_cast<std::uint16_t>(max)) {
    return error(errc::invalid_argument, "min_version is above max_version");
  }
  // TLS 1.3's suites are all AEAD and fixed by BoringSSL; this list is TLS 1.2's.
  static constexpr const char* suites =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
  if (SSL_CTX_set_min_proto_version(ctx, static_cast<std::uint16_t>(min)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, static_cast<std::uint16_t>(max)) != 1 ||
      SSL_CTX_set_strict_cipher_list(ctx, suites) != 1) {
    char text[120];
    return error(errc::invalid_argument, "cannot set versions or suites: ", last_error_text(text));
  }
  // Bounded, predictable memory: no stateful session cache (tickets only),
  // and records written one at a time (session.cpp checks the room first).
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return ok();
}

}  // namespace atl::tls::detail

namespace atl::tls {

std::string_view to_string(version v) noexcept {
  return v == version::tls13 ? "TLSv1.3" : "TLSv1.2";
}

}  // namespace atl::tls
