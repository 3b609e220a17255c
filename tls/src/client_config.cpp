// client_config: one SSL_CTX for a client's connections: the trusted CAs,
// ALPN offer, versions, an optional client certificate. Sessions (tickets)
// the server sends are handed to the session that received them
// (session.cpp), never cached here.
#include "native.hpp"

namespace atl::tls {

client_config::client_config(std::unique_ptr<impl> i) noexcept : impl_(std::move(i)) {}
client_config::client_config(client_config&&) noexcept = default;
client_config& client_config::operator=(client_config&&) noexcept = default;
client_config::~client_config() = default;

result<client_config> client_config::create(const client_options& options) noexcept {
  if (options.ca_pem.empty()) {
    return error(errc::invalid_argument, "client: ca_pem is needed to verify servers");
  }
  if (options.chain_pem.empty() != options.key_pem.empty()) {
    return error(errc::invalid_argument, "client: a certificate needs both chain_pem and key_pem");
  }
  std::unique_ptr<impl> self(new (std::nothrow) impl);
  if (!self) return error(errc::no_memory, "client: no memory for the configuration");
  self->ctx.reset(SSL_CTX_new(TLS_method()));
  if (!self->ctx) return error(errc::no_memory, "client: SSL_CTX_new failed");
  SSL_CTX* ctx = self->ctx.get();
  ATOLL_TRYV(detail::apply_common(ctx, options.min_version, options.max_version));
  ATOLL_TRYV(detail::load_ca("CA", options.ca_pem, SSL_CTX_get_cert_store(ctx)));
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  ATOLL_TRY(self->alpn_wire, detail::alpn_wire(options.alpn));
  if (!options.chain_pem.empty()) {
    ATOLL_TRY(detail::keyed_chain chain,
              detail::load_chain("client certificate", options.chain_pem, options.key_pem));
    if (SSL_CTX_set_chain_and_key(ctx, chain.raw.data(), chain.raw.size(), chain.key.get(),
                                  nullptr) != 1) {
      return error(errc::invalid_argument, "client certificate: cannot be used");
    }
    self->has_certificate = true;
  }
  // Sessions reach the session object through the new-session callback
  // (session.cpp); the context keeps none.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(ctx, detail::on_new_session);
  return client_config(std::move(self));
}

void client_config::set_time(wall_time now) noexcept {
  detail::set_verify_time(impl_->ctx.get(), now);
}

}  // namespace atl::tls
