// session: an SSL object between two bounded memory buffers (a BIO pair).
// The SSL side of the pair is the only I/O BoringSSL sees; the caller moves
// ciphertext through the other side with feed() and take_output().
#include "failure.hpp"
#include "native.hpp"
#include <atoll/tls/session.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <climits>

namespace atl::tls {

// ---- saved_session ----------------------------------------------------------

saved_session saved_session::adopt(ssl_session_st* s) noexcept {
  saved_session out;
  out.session_ = s;
  return out;
}
saved_session::saved_session(const saved_session& other) noexcept : session_(other.session_) {
  if (session_ != nullptr) SSL_SESSION_up_ref(session_);
}
saved_session& saved_session::operator=(const saved_session& other) noexcept {
  if (this != &other) {
    saved_session copy(other);
    std::swap(session_, copy.session_);
  }
  return *this;
}
saved_session::saved_session(saved_session&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)) {}
saved_session& saved_session::operator=(saved_session&& other) noexcept {
  if (this != &other) {
    saved_session old(std::move(*this));
    session_ = std::exchange(other.session_, nullptr);
  }
  return *this;
}
saved_session::~saved_session() {
  if (session_ != nullptr) SSL_SESSION_free(session_);
}

// ---- session ----------------------------------------------------------------

struct session::impl {
  bssl::UniquePtr<SSL> ssl;
  bssl::UniquePtr<BIO> network;  // our side of the pair; the SSL owns the other
  bool eof_fed = false;
  bool close_sent = false;
  bool wants_input = false;
  reason failed = reason::none;
  error failure{};
  saved_session saved;  // client: the latest session the server sent

  // Records why the last SSL call failed; the failure is sticky.
  error fail(int ret) noexcept {
    failure = detail::classify(ssl.get(), ret, eof_fed, failed);
    return failure;
  }
  // Translates the outcome of an SSL call that did not succeed: waiting is
  // not a failure.
  result<void> check(int ret) noexcept {
    const int code = SSL_get_error(ssl.get(), ret);
    wants_input = code == SSL_ERROR_WANT_READ;
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) return ok();
    if (code == SSL_ERROR_ZERO_RETURN) return ok();
    return fail(ret);
  }
};

namespace {

std::size_t clamp_int(std::size_t n) { return std::min<std::size_t>(n, INT_MAX); }

result<std::unique_ptr<session::impl>> make(SSL_CTX* ctx) {
  std::unique_ptr<session::impl> self(new (std::nothrow) session::impl);
  if (!self) return error(errc::no_memory, "tls: no memory for a session");
  self->ssl.reset(SSL_new(ctx));
  BIO* inner = nullptr;
  BIO* outer = nullptr;
  if (!self->ssl ||
      BIO_new_bio_pair(&inner, session::buffer_size, &outer, session::buffer_size) != 1) {
    ERR_clear_error();
    return error(errc::no_memory, "tls: no memory for a session");
  }
  SSL_set_bio(self->ssl.get(), inner, inner);  // the SSL takes the one reference
  self->network.reset(outer);
  if (SSL_set_ex_data(self->ssl.get(), 0, self.get()) != 1) {
    return error(errc::no_memory, "tls: no memory for a session");
  }
  return self;
}

}  // namespace

int detail::on_new_session(SSL* ssl, SSL_SESSION* s) {
  auto* self = static_cast<session::impl*>(SSL_get_ex_data(ssl, 0));
  if (self == nullptr) return 0;
  self->saved = saved_session::adopt(s);  // returning 1 hands us the reference
  return 1;
}

session::session(std::unique_ptr<impl> i) noexcept : impl_(std::move(i)) {}
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;
session::~session() = default;

result<session> session::server(const server_config& config) noexcept {
  ATOLL_TRY(auto self, make(config.native().ctx.get()));
  SSL_set_accept_state(self->ssl.get());
  return session(std::move(self));
}

result<session> session::client(const client_config& config, std::string_view name,
                                const saved_session& resume) noexcept {
  if (name.empty() || name.size() > 253 || name.find('\0') != std::string_view::npos) {
    return error(errc::invalid_argument, "tls client: a server name of 1 to 253 bytes is needed");
  }
  ATOLL_TRY(auto self, make(config.native().ctx.get()));
  SSL* ssl = self->ssl.get();
  SSL_set_connect_state(ssl);
  const std::string host(name);
  const std::string& alpn = config.native().alpn_wire;
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1 || SSL_set1_host(ssl, host.c_str()) != 1 ||
      (!alpn.empty() && SSL_set_alpn_protos(ssl, reinterpret_cast<const std::uint8_t*>(alpn.data()),
                                            alpn.size()) != 0) ||
      (resume.valid() && SSL_set_session(ssl, resume.native()) != 1)) {
    ERR_clear_error();
    return error(errc::invalid_argument, "tls client: cannot use server name ", name);
  }
  return session(std::move(self));
}

std::size_t session::feed(std::span<const std::byte> ciphertext) noexcept {
  const std::size_t n = std::min(ciphertext.size(), input_space());
  if (n == 0) return 0;
  const int written = BIO_write(impl_->network.get(), ciphertext.data(), static_cast<int>(n));
  return written > 0 ? static_cast<std::size_t>(written) : 0;
}

std::size_t session::input_space() const noexcept {
  if (impl_->eof_fed) return 0;
  return clamp_int(BIO_ctrl_get_write_guarantee(impl_->network.get()));
}

void session::feed_eof() noexcept {
  if (impl_->eof_fed) return;
  impl_->eof_fed = true;
  BIO_shutdown_wr(impl_->network.get());
}

std::size_t session::pending_output() const noexcept {
  return BIO_ctrl_pending(impl_->network.get());
}

std::size_t session::take_output(std::span<std::byte> out) noexcept {
  const std::size_t n = clamp_int(std::min(out.size(), pending_output()));
  if (n == 0) return 0;
  const int got = BIO_read(impl_->network.get(), out.data(), static_cast<int>(n));
  return got > 0 ? static_cast<std::size_t>(got) : 0;
}

result<bool> session::handshake() noexcept {
  if (impl_->failed != reason::none) return impl_->failure;
  if (handshake_done()) return true;
  ERR_clear_error();
  const int ret = SSL_do_handshake(impl_->ssl.get());
  if (ret == 1) {
    impl_->wants_input = false;
    return true;
  }
  ATOLL_TRYV(impl_->check(ret));
  return false;
}

result<std::size_t> session::read(std::span<std::byte> out) noexcept {
  if (impl_->failed != reason::none) return impl_->failure;
  if (out.empty() || peer_closed()) return std::size_t{0};
  ERR_clear_error();
  const int ret = SSL_read(impl_->ssl.get(), out.data(), static_cast<int>(clamp_int(out.size())));
  if (ret > 0) {
    impl_->wants_input = false;
    return static_cast<std::size_t>(ret);
  }
  ATOLL_TRYV(impl_->check(ret));
  return std::size_t{0};
}

result<std::size_t> session::write(std::span<const std::byte> plaintext) noexcept {
  if (impl_->failed != reason::none) return impl_->failure;
  if (impl_->close_sent) return error(errc::closed, "tls: write after close_notify");
  if (!handshake_done()) return error(errc::invalid_argument, "tls: write before the handshake");
  if (plaintext.empty()) return std::size_t{0};
  SSL* ssl = impl_->ssl.get();
  // One record at a time, and only when its ciphertext fits in the output
  // buffer: BoringSSL then never keeps a half-flushed record of its own.
  const std::size_t chunk = std::min<std::size_t>(plaintext.size(), SSL3_RT_MAX_PLAIN_LENGTH);
  const std::size_t room = BIO_ctrl_get_write_guarantee(SSL_get_wbio(ssl));
  if (room < chunk + SSL_max_seal_overhead(ssl)) return std::size_t{0};
  ERR_clear_error();
  const int ret = SSL_write(ssl, plaintext.data(), static_cast<int>(chunk));
  if (ret > 0) return static_cast<std::size_t>(ret);
  ATOLL_TRYV(impl_->check(ret));
  return std::size_t{0};
}

result<void> session::close_notify() noexcept {
  if (impl_->close_sent) return ok();
  impl_->close_sent = true;
  if (impl_->failed != reason::none || !handshake_done()) return ok();  // nothing to close
  ERR_clear_error();
  const int ret = SSL_shutdown(impl_->ssl.get());
  if (ret >= 0) return ok();
  return impl_->check(ret);
}

bool session::handshake_done() const noexcept {
  return SSL_is_init_finished(impl_->ssl.get()) == 1;
}
bool session::wants_input() const noexcept { return impl_->wants_input; }
bool session::peer_closed() const noexcept {
  return (SSL_get_shutdown(impl_->ssl.get()) & SSL_RECEIVED_SHUTDOWN) != 0;
}
reason session::failure() const noexcept { return impl_->failed; }

std::string_view session::alpn() const noexcept {
  const std::uint8_t* data = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(impl_->ssl.get(), &data, &length);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), length};
}

std::string_view session::server_name() const noexcept {
  const char* name = SSL_get_servername(impl_->ssl.get(), TLSEXT_NAMETYPE_host_name);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

bool session::resumed() const noexcept { return SSL_session_reused(impl_->ssl.get()) == 1; }

version session::protocol() const noexcept {
  return SSL_version(impl_->ssl.get()) == TLS1_3_VERSION ? version::tls13 : version::tls12;
}

std::string_view session::cipher() const noexcept {
  const SSL_CIPHER* c = SSL_get_current_cipher(impl_->ssl.get());
  if (c == nullptr) return {};
  return SSL_CIPHER_standard_name(c);
}

peer_certificate session::peer() const noexcept {
  peer_certificate out;
  bssl::UniquePtr<X509> cert(SSL_get_peer_certificate(impl_->ssl.get()));
  if (!cert) return out;
  out.present = true;
  out.verified = handshake_done() && SSL_get_verify_result(impl_->ssl.get()) == X509_V_OK;
  char subject[256];
  if (X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof subject) != nullptr) {
    out.subject = subject;
  }
  return out;
}

saved_session session::saved() const noexcept { return impl_->saved; }

}  // namespace atl::tls
