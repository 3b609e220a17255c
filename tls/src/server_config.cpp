// server_config: one SSL_CTX for every connection of a server. The
// certificate is chosen per connection from the SNI name (cert_cb), ALPN by the
// server's preference, tickets under the application's rotating keys.
#include "native.hpp"

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstring>

namespace atl::tls {
namespace {

server_config::impl* impl_of(const SSL* ssl) {
  return static_cast<server_config::impl*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool name_matches(std::string_view pattern, std::string_view name) {
  if (pattern == name) return true;
  // "*.example.org" matches exactly one more label in front.
  if (pattern.size() > 2 && pattern.substr(0, 2) == "*.") {
    const std::size_t dot = name.find('.');
    return dot != std::string_view::npos && dot > 0 && name.substr(dot) == pattern.substr(1);
  }
  return false;
}

// Picks the chain for the client's SNI name (or the default) for this
// connection. Runs once the ClientHello is read, before the suite is chosen.
int select_certificate(SSL* ssl, void* arg) {
  auto* self = static_cast<server_config::impl*>(arg);
  std::size_t chosen = self->default_chain;
  if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
    const std::string name = lower(sni);
    for (std::size_t i = 0; i < self->chains.size(); ++i) {
      const std::string& pattern = self->chains[i].name;
      if (!pattern.empty() && name_matches(pattern, name)) {
        chosen = i;
        break;
      }
    }
  }
  const detail::keyed_chain& c = self->chains[chosen];
  return SSL_set_chain_and_key(ssl, c.raw.data(), c.raw.size(), c.key.get(), nullptr);
}

// The server's most preferred protocol among the client's; a fatal
// no_application_protocol alert when there is none (RFC 7301 section 3.2).
int select_alpn(SSL* ssl, const std::uint8_t** out, std::uint8_t* out_length,
                const std::uint8_t* in, unsigned in_length, void*) {
  const server_config::impl* self = impl_of(ssl);
  for (const std::string& want : self->alpn) {
    unsigned at = 0;
    while (at < in_length) {
      const unsigned length = in[at];
      if (length == 0 || at + 1 + length > in_length) break;  // BoringSSL checked it already
      if (length == want.size() && std::memcmp(in + at + 1, want.data(), length) == 0) {
        *out = in + at + 1;
        *out_length = static_cast<std::uint8_t>(length);
        return SSL_TLSEXT_ERR_OK;
      }
      at += 1 + length;
    }
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// Session tickets under the current key; tickets of the previous key are
// accepted and renewed (return 2); any other key name means a full handshake.
int ticket_key_callback(SSL* ssl, std::uint8_t* key_name, std::uint8_t* iv, EVP_CIPHER_CTX* cipher,
                        HMAC_CTX* hmac, int encrypt) {
  const server_config::impl* self = impl_of(ssl);
  const detail::ticket_key* key = nullptr;
  int found = 1;
  if (encrypt) {
    if (!self->current.set) return -1;  // tickets are off on such a context
    key = &self->current;
    std::memcpy(key_name, key->name.data(), key->name.size());
    if (RAND_bytes(iv, 16) != 1) return -1;
  } else if (self->current.set && std::memcmp(key_name, self->current.name.data(), 16) == 0) {
    key = &self->current;
  } else if (self->previous.set && std::memcmp(key_name, self->previous.name.data(), 16) == 0) {
    key = &self->previous;
    found = 2;
  } else {
    return 0;
  }
  const bool ok = encrypt
                      ? EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key->aes.data(), iv)
                      : EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key->aes.data(), iv);
  if (!ok || !HMAC_Init_ex(hmac, key->hmac.data(), key->hmac.size(), EVP_sha256(), nullptr)) {
    return -1;
  }
  return found;
}

}  // namespace

server_config::server_config(std::unique_ptr<impl> i) noexcept : impl_(std::move(i)) {}
server_config::server_config(server_config&&) noexcept = default;
server_config& server_config::operator=(server_config&&) noexcept = default;
server_config::~server_config() = default;

result<server_config> server_config::create(const server_options& options) noexcept {
  if (options.certificates.empty()) {
    return error(errc::invalid_argument, "server: at least one certificate is needed");
  }
  if (options.certificates.size() > max_certificates) {
    return error(errc::invalid_argument, "server: more than ", max_certificates, " certificates");
  }
  std::unique_ptr<impl> self(new (std::nothrow) impl);
  if (!self) return error(errc::no_memory, "server: no memory for the configuration");
  self->ctx.reset(SSL_CTX_new(TLS_method()));
  if (!self->ctx) return error(errc::no_memory, "server: SSL_CTX_new failed");
  SSL_CTX* ctx = self->ctx.get();
  ATOLL_TRYV(detail::apply_common(ctx, options.min_version, options.max_version));

  bool have_default = false;
  for (std::size_t i = 0; i < options.certificates.size(); ++i) {
    const certificate_pem& pem = options.certificates[i];
    const std::string_view what =
        pem.name.empty() ? std::string_view("default certificate") : pem.name;
    ATOLL_TRY(detail::keyed_chain chain, detail::load_chain(what, pem.chain, pem.key));
    chain.name = lower(pem.name);
    if (pem.name.empty() && !have_default) {
      self->default_chain = i;
      have_default = true;
    }
    self->chains.push_back(std::move(chain));
  }
  SSL_CTX_set_cert_cb(ctx, select_certificate, self.get());

  if (!options.alpn.empty()) {
    ATOLL_TRY(std::string wire, detail::alpn_wire(options.alpn));  // validates the names
    (void)wire;
    for (std::string_view name : options.alpn) self->alpn.emplace_back(name);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
  }

  if (options.verify_clients != client_auth::none) {
    if (options.client_ca_pem.empty()) {
      return error(errc::invalid_argument, "server: verifying clients needs client_ca_pem");
    }
    ATOLL_TRYV(detail::load_ca("client CA", options.client_ca_pem, SSL_CTX_get_cert_store(ctx)));
    int mode = SSL_VERIFY_PEER;
    if (options.verify_clients == client_auth::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
  }

  // Tickets only, no server-side cache: memory does not grow with clients.
  // The session ID context lets verified-client sessions resume.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  static constexpr std::uint8_t context[] = {'a', 't', 'o', 'l', 'l'};
  if (SSL_CTX_set_session_id_context(ctx, context, sizeof context) != 1 ||
      SSL_CTX_set_ex_data(ctx, 0, self.get()) != 1) {
    return error(errc::no_memory, "server: cannot set the session context");
  }
  SSL_CTX_set_tlsext_ticket_key_cb(ctx, ticket_key_callback);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  server_config out(std::move(self));
  if (!options.ticket_key.empty()) ATOLL_TRYV(out.rotate_ticket_key(options.ticket_key));
  return out;
}

result<void> server_config::rotate_ticket_key(std::span<const std::byte> material) noexcept {
  if (material.size() != ticket_key_size) {
    return error(errc::invalid_argument, "ticket key: ", ticket_key_size, " bytes needed, got ",
                 material.size());
  }
  detail::ticket_key fresh;
  fresh.set = true;
  std::memcpy(fresh.name.data(), material.data(), 16);
  std::memcpy(fresh.hmac.data(), material.data() + 16, 32);
  std::memcpy(fresh.aes.data(), material.data() + 48, 32);
  impl_->previous = impl_->current;
  impl_->current = fresh;
  SSL_CTX_clear_options(impl_->ctx.get(), SSL_OP_NO_TICKET);
  return ok();
}

}  // namespace atl::tls

namespace atl::tls {

void server_config::set_time(wall_time now) noexcept {
  detail::set_verify_time(impl_->ctx.get(), now);
}

}  // namespace atl::tls
