#include "failure.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstdint>
#include <string_view>

namespace atl::tls::detail {
namespace {

reason reason_of_verify(long result) {
  switch (result) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return reason::unknown_ca;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID: return reason::certificate_expired;
    case X509_V_ERR_HOSTNAME_MISMATCH: return reason::name_mismatch;
    default: return reason::bad_certificate;
  }
}

// BoringSSL's own (non-alert) reasons, for failures found locally.
reason reason_of_ssl(int code) {
  switch (code) {
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SHARED_GROUP:
    case SSL_R_NO_COMMON_SIGNATURE_ALGORITHMS: return reason::no_shared_cipher;
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_WRONG_SSL_VERSION:
    case SSL_R_UNKNOWN_PROTOCOL: return reason::protocol_version;
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: return reason::certificate_required;
    case SSL_R_NO_APPLICATION_PROTOCOL:
    case SSL_R_INVALID_ALPN_PROTOCOL: return reason::no_application_protocol;
    case SSL_R_DECRYPTION_FAILED:
    case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: return reason::bad_record_mac;
    case SSL_R_UNEXPECTED_MESSAGE:
    case SSL_R_UNEXPECTED_RECORD:
    case SSL_R_APPLICATION_DATA_INSTEAD_OF_HANDSHAKE: return reason::unexpected_message;
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST: return reason::not_tls;
    case SSL_R_DECODE_ERROR:
    case SSL_R_BAD_PACKET_LENGTH:
    case SSL_R_DATA_LENGTH_TOO_LONG:
    case SSL_R_ENCRYPTED_LENGTH_TOO_LONG:
    case SSL_R_EXCESSIVE_MESSAGE_SIZE:
    case SSL_R_PARSE_TLSEXT:
    case SSL_R_CLIENTHELLO_PARSE_FAILED:
    case SSL_R_CLIENTHELLO_TLSEXT:
    case SSL_R_RECORD_LENGTH_MISMATCH:
    case SSL_R_TOO_MANY_EMPTY_FRAGMENTS:
    case SSL_R_TOO_MANY_WARNING_ALERTS:
    case SSL_R_TOO_MANY_KEY_UPDATES: return reason::decode_error;
    default: return reason::handshake_failure;
  }
}

}  // namespace

reason reason_of_alert(int alert) noexcept {
  switch (alert) {
    case SSL_AD_UNEXPECTED_MESSAGE: return reason::unexpected_message;
    case SSL_AD_BAD_RECORD_MAC:
    case SSL_AD_DECRYPTION_FAILED: return reason::bad_record_mac;
    case SSL_AD_RECORD_OVERFLOW:
    case SSL_AD_DECODE_ERROR:
    case SSL_AD_ILLEGAL_PARAMETER: return reason::decode_error;
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_ACCESS_DENIED: return reason::bad_certificate;
    case SSL_AD_CERTIFICATE_EXPIRED: return reason::certificate_expired;
    case SSL_AD_UNKNOWN_CA: return reason::unknown_ca;
    case SSL_AD_PROTOCOL_VERSION:
    case SSL_AD_INAPPROPRIATE_FALLBACK: return reason::protocol_version;
    case SSL_AD_INSUFFICIENT_SECURITY: return reason::no_shared_cipher;
    case SSL_AD_INTERNAL_ERROR: return reason::internal_error;
    case SSL_AD_CERTIFICATE_REQUIRED: return reason::certificate_required;
    case SSL_AD_NO_APPLICATION_PROTOCOL: return reason::no_application_protocol;
    case SSL_AD_UNRECOGNIZED_NAME: return reason::unrecognized_name;
    default: return reason::handshake_failure;
  }
}

error classify(const SSL* ssl, int ret, bool eof_fed, reason& out) noexcept {
  const int code = SSL_get_error(ssl, ret);
  // The first error queued is the cause; later ones are context.
  const std::uint32_t packed = ERR_peek_error();
  char text[120] = "no detail";
  if (packed != 0) ERR_error_string_n(packed, text, sizeof text);
  ERR_clear_error();

  if (packed == 0 && (code == SSL_ERROR_SYSCALL || code == SSL_ERROR_ZERO_RETURN || eof_fed)) {
    out = reason::truncated;
    return error(errc_of(out), "tls truncated: the flow ended without close_notify");
  }
  if (packed == 0) {
    out = reason::other;
    return error(errc_of(out), "tls other: SSL error ", code);
  }
  if (ERR_GET_LIB(packed) != ERR_LIB_SSL) {
    out = reason::internal_error;
    return error(errc_of(out), "tls internal_error: ", std::string_view(text));
  }
  const int r = ERR_GET_REASON(packed);
  if (r == SSL_R_CERTIFICATE_VERIFY_FAILED) {
    const long verify = SSL_get_verify_result(ssl);
    out = reason_of_verify(verify);
    return error(errc_of(out), "tls ", to_string(out), ": ",
                 std::string_view(X509_verify_cert_error_string(verify)));
  }
  if (r >= SSL_AD_REASON_OFFSET) {
    const int alert = r - SSL_AD_REASON_OFFSET;
    out = reason_of_alert(alert);
    return error(errc_of(out), "tls ", to_string(out), ": peer sent alert ",
                 std::string_view(SSL_alert_desc_string_long(alert)));
  }
  out = reason_of_ssl(r);
  return error(errc_of(out), "tls ", to_string(out), ": ", std::string_view(text));
}

}  // namespace atl::tls::detail
