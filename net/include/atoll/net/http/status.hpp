// HTTP status codes (RFC 9110 section 15): the ones atoll's server and
// parsers produce, with their reason phrases.
#pragma once

#include <cstdint>
#include <string_view>

namespace atl::net::http {

/// status: a status code. Values are the codes themselves, so
/// `static_cast<status>(n)` of a code not listed here is still meaningful to
/// code(); reason() then says "".
enum class status : std::uint16_t {
  continue_ = 100,
  ok = 200,
  no_content = 204,
  partial_content = 206,
  moved_permanently = 301,
  found = 302,
  not_modified = 304,
  permanent_redirect = 308,
  bad_request = 400,
  forbidden = 403,
  not_found = 404,
  method_not_allowed = 405,
  request_timeout = 408,
  payload_too_large = 413,
  uri_too_long = 414,
  range_not_satisfiable = 416,
  request_header_fields_too_large = 431,
  internal_server_error = 500,
  not_implemented = 501,
  service_unavailable = 503,
  http_version_not_supported = 505,
};

/// reason: the reason phrase ("Not Found"), or "" for a code not listed.
[[nodiscard]] std::string_view reason(status s) noexcept;

/// code: the numeric code.
[[nodiscard]] constexpr std::uint16_t code(status s) noexcept {
  return static_cast<std::uint16_t>(s);
}

}  // namespace atl::net::http
