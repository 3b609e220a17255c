// native: the BoringSSL side of the configurations, private to tls/.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/tls/config.hpp>

#include <openssl/base.h>
#include <openssl/evp.h>
#include <openssl/pool.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atl::tls::detail {

/// A chain and its key, ready for SSL_set_chain_and_key.
struct keyed_chain {
  std::string name;  // lower case; empty for a default-only entry
  std::vector<bssl::UniquePtr<CRYPTO_BUFFER>> chain;
  std::vector<CRYPTO_BUFFER*> raw;  // the same, as SSL_set_chain_and_key takes them
  bssl::UniquePtr<EVP_PKEY> key;
};

/// load_chain(what, chain_pem, key_pem): parses and matches a chain and key;
/// `what` names them in error messages.
result<keyed_chain> load_chain(std::string_view what, std::string_view chain_pem,
                               std::string_view key_pem) noexcept;
/// load_ca(what, pem, store): adds every certificate of `pem` to `store`.
result<void> load_ca(std::string_view what, std::string_view pem, X509_STORE* store) noexcept;
/// alpn_wire(list): the ALPN list in wire format (length-prefixed names).
result<std::string> alpn_wire(std::span<const std::string_view> list) noexcept;
/// apply_common(ctx, min, max): versions and the AEAD-only suites.
result<void> apply_common(SSL_CTX* ctx, version min, version max) noexcept;
/// set_verify_time(ctx, now): certificate checks of new connections at `now`.
void set_verify_time(SSL_CTX* ctx, wall_time now) noexcept;
/// last_error_text(): BoringSSL's most recent error, for messages.
std::string_view last_error_text(char (&buffer)[120]) noexcept;

/// on_new_session: the client's new-session callback (session.cpp): hands a
/// session the server sent to the tls::session it belongs to.
int on_new_session(SSL* ssl, SSL_SESSION* session);

struct ticket_key {
  bool set = false;
  std::array<std::uint8_t, 16> name{};
  std::array<std::uint8_t, 32> hmac{};
  std::array<std::uint8_t, 32> aes{};
};

}  // namespace atl::tls::detail

namespace atl::tls {

struct server_config::impl {
  bssl::UniquePtr<SSL_CTX> ctx;
  std::vector<detail::keyed_chain> chains;
  std::size_t default_chain = 0;
  std::vector<std::string> alpn;  // preference order
  detail::ticket_key current;
  detail::ticket_key previous;
};

struct client_config::impl {
  bssl::UniquePtr<SSL_CTX> ctx;
  std::string alpn_wire;
  bool has_certificate = false;
};

}  // namespace atl::tls
