// config: what a TLS server or client is, built once from PEM bytes and shared
// by every connection made with it.
//
// Both configurations allow TLS 1.2 and 1.3 only (narrowed by min/max), and
// only ECDHE key exchange with AEAD suites: TLS 1.3's AES-GCM and
// ChaCha20-Poly1305 suites, and for TLS 1.2 ECDHE-{ECDSA,RSA} with AES-128/256-
// GCM or ChaCha20-Poly1305 (no CBC, no RSA key exchange, no renegotiation).
//
// Loading never crashes on bad bytes: a PEM block that does not parse, a
// chain with no certificate, a key that does not match its certificate or an
// ALPN name that is empty or longer than 255 bytes is an errc::invalid_argument
// with a message naming the part at fault.
//
// Lifetime: a config must outlive every session made from it (sessions keep a
// reference to it). It is move-only; moving it keeps the sessions valid.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace atl::tls {

/// version: the protocol versions atoll speaks.
enum class version : std::uint16_t { tls12 = 0x0303, tls13 = 0x0304 };
/// to_string(v): "TLSv1.2" / "TLSv1.3".
std::string_view to_string(version v) noexcept;

/// certificate_pem: one certificate chain (leaf first, then intermediates) and
/// its private key (PKCS#8, SEC1 EC or PKCS#1 RSA), as PEM text. `name` is the
/// server name (SNI) it serves: exact ("www.example.org", compared without
/// case) or one-label wildcard ("*.example.org"); empty for the default.
struct certificate_pem {
  std::string_view name;
  std::string_view chain;
  std::string_view key;
};

/// client_auth: what a server asks of clients' certificates.
///   none      no certificate is requested.
///   optional  one is requested; a client may send none, but one that it
///             sends must verify against client_ca_pem.
///   required  a client without a verifying certificate is refused
///             (reason certificate_required, or the verification's reason).
enum class client_auth : std::uint8_t { none, optional, required };

/// ticket_key_size: bytes of key material per session-ticket key (a 16-byte
/// key name, a 32-byte HMAC-SHA256 key, a 32-byte AES-256 key).
inline constexpr std::size_t ticket_key_size = 80;
/// Bounds on what a configuration holds.
inline constexpr std::size_t max_certificates = 64;
inline constexpr std::size_t max_alpn = 16;

struct server_options {
  /// The certificates by name; the entry with an empty name (else the first)
  /// serves clients that send no SNI or an unknown name. At least one.
  std::span<const certificate_pem> certificates;
  /// ALPN protocols in preference order: the server picks its most preferred
  /// one that the client offers; a client offering ALPN with no common
  /// protocol is refused (no_application_protocol, RFC 7301). Empty: no ALPN.
  std::span<const std::string_view> alpn;
  version min_version = version::tls12;
  version max_version = version::tls13;
  client_auth verify_clients = client_auth::none;
  /// CA certificates (PEM, one or more) that client certificates must chain
  /// to; required unless verify_clients is none.
  std::string_view client_ca_pem;
  /// Initial session-ticket key (ticket_key_size bytes of fresh random
  /// material); empty: no tickets are issued until rotate_ticket_key().
  std::span<const std::byte> ticket_key;
};

class server_config {
public:
  /// create(options): a server configuration, or errc::invalid_argument.
  static result<server_config> create(const server_options& options) noexcept;

  server_config(server_config&&) noexcept;
  server_config& operator=(server_config&&) noexcept;
  ~server_config();

  /// rotate_ticket_key(material): from now on tickets are issued under a key
  /// made of `material` (ticket_key_size bytes, fresh randomness from the
  /// application's entropy device). Tickets issued under the key before stay
  /// valid for resumption (and are renewed), tickets of any older key are
  /// refused (a full handshake follows). No clock is read: the application
  /// decides when to rotate. Enables tickets if they were off.
  /// errc::invalid_argument when `material` has the wrong size.
  result<void> rotate_ticket_key(std::span<const std::byte> material) noexcept;
  /// set_time(now): certificates of connections made from now on are
  /// checked for validity at `now` (the application's wall clock) instead of
  /// the host clock BoringSSL reads by default. Call it as the clock moves
  /// (e.g. before each accept); ticket lifetimes still use BoringSSL's clock.
  void set_time(wall_time now) noexcept;

  struct impl;
  /// native: the implementation, for tls::session.
  [[nodiscard]] impl& native() const noexcept { return *impl_; }

private:
  explicit server_config(std::unique_ptr<impl> i) noexcept;
  std::unique_ptr<impl> impl_;
};

struct client_options {
  /// CA certificates (PEM) that the server's chain must lead to. Required:
  /// a client always verifies the server (chain and name).
  std::string_view ca_pem;
  /// ALPN protocols offered, in preference order. Empty: no ALPN.
  std::span<const std::string_view> alpn;
  version min_version = version::tls12;
  version max_version = version::tls13;
  /// Optional client certificate: chain and key (both or neither).
  std::string_view chain_pem;
  std::string_view key_pem;
};

class client_config {
public:
  /// create(options): a client configuration, or errc::invalid_argument.
  static result<client_config> create(const client_options& options) noexcept;
  /// set_time(now): certificates of connections made from now on are
  /// checked for validity at `now` (the application's wall clock) instead of
  /// the host clock BoringSSL reads by default. Call it as the clock moves
  /// (e.g. before each accept); ticket lifetimes still use BoringSSL's clock.
  void set_time(wall_time now) noexcept;

  client_config(client_config&&) noexcept;
  client_config& operator=(client_config&&) noexcept;
  ~client_config();

  struct impl;
  [[nodiscard]] impl& native() const noexcept { return *impl_; }

private:
  explicit client_config(std::unique_ptr<impl> i) noexcept;
  std::unique_ptr<impl> impl_;
};

}  // namespace atl::tls
