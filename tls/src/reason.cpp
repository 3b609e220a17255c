#include <atoll/tls/reason.hpp>

namespace atl::tls {

std::string_view to_string(reason r) noexcept {
  switch (r) {
    case reason::none: return "none";
    case reason::truncated: return "truncated";
    case reason::protocol_version: return "protocol_version";
    case reason::no_shared_cipher: return "no_shared_cipher";
    case reason::bad_certificate: return "bad_certificate";
    case reason::unknown_ca: return "unknown_ca";
    case reason::certificate_expired: return "certificate_expired";
    case reason::certificate_required: return "certificate_required";
    case reason::name_mismatch: return "name_mismatch";
    case reason::no_application_protocol: return "no_application_protocol";
    case reason::unrecognized_name: return "unrecognized_name";
    case reason::handshake_failure: return "handshake_failure";
    case reason::decode_error: return "decode_error";
    case reason::bad_record_mac: return "bad_record_mac";
    case reason::unexpected_message: return "unexpected_message";
    case reason::not_tls: return "not_tls";
    case reason::internal_error: return "internal_error";
    case reason::closed: return "closed";
    case reason::other: return "other";
  }
  return "other";
}

errc errc_of(reason r) noexcept {
  switch (r) {
    case reason::protocol_version:
    case reason::no_shared_cipher:
    case reason::bad_certificate:
    case reason::unknown_ca:
    case reason::certificate_expired:
    case reason::certificate_required:
    case reason::name_mismatch:
    case reason::no_application_protocol:
    case reason::unrecognized_name:
    case reason::handshake_failure: return errc::refused;
    case reason::truncated: return errc::connection_reset;
    case reason::closed: return errc::closed;
    case reason::internal_error: return errc::io_error;
    case reason::none:
    case reason::decode_error:
    case reason::bad_record_mac:
    case reason::unexpected_message:
    case reason::not_tls:
    case reason::other: return errc::protocol_error;
  }
  return errc::protocol_error;
}

}  // namespace atl::tls
