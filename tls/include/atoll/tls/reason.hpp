// reason: why a TLS connection failed, as a small stable enum an application
// can count (per reason, per listener) and act on.
//
// A failed operation of tls::session (and of tls::server / tls::client over a
// flow) returns an atl::error whose message starts with "tls <reason>:"; the
// session also keeps the reason itself (session::failure()), so nothing has to
// parse messages. Alerts received from the peer and failures found locally map
// to the same reasons: a server that refuses a client certificate reports
// bad_certificate, and so does the client that receives its alert.
#pragma once

#include <atoll/core/result.hpp>

#include <cstdint>
#include <string_view>

namespace atl::tls {

enum class reason : std::uint8_t {
  none,                     ///< no failure (yet)
  truncated,                ///< the flow ended without close_notify
  protocol_version,         ///< no common TLS version, or not a TLS record version
  no_shared_cipher,         ///< no common cipher suite, group or signature algorithm
  bad_certificate,          ///< a certificate that does not verify (or was refused)
  unknown_ca,               ///< a chain that does not lead to a trusted CA
  certificate_expired,      ///< a certificate outside its validity period
  certificate_required,     ///< the server requires a client certificate, none came
  name_mismatch,            ///< the server certificate is not for the name asked for
  no_application_protocol,  ///< ALPN lists without a common protocol
  unrecognized_name,        ///< the peer knows no certificate for the SNI name
  handshake_failure,        ///< any other refusal during the handshake
  decode_error,             ///< a malformed message or record
  bad_record_mac,           ///< a record that does not authenticate
  unexpected_message,       ///< a message or record out of order
  not_tls,                  ///< plain HTTP (or a proxy request) sent to a TLS port
  internal_error,           ///< the peer or BoringSSL failed internally
  closed,                   ///< an operation after close_notify was sent or failure
  other,                    ///< anything else (the message says what)
};

/// to_string(r): the reason's name, as spelled above ("unknown_ca").
std::string_view to_string(reason r) noexcept;

/// errc_of(r): the atl::errc category a failure with reason `r` carries:
/// errc::refused for policy refusals (certificates, versions, suites, ALPN),
/// errc::connection_reset for truncation, errc::closed for `closed`,
/// errc::protocol_error for malformed or unexpected input, errc::io_error for
/// internal errors.
errc errc_of(reason r) noexcept;

}  // namespace atl::tls
