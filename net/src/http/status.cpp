// Reason phrases (status.hpp), as RFC 9110 section 15 spells them.
#include <atoll/net/http/status.hpp>

namespace atl::net::http {

std::string_view reason(status s) noexcept {
  switch (s) {
    case status::continue_: return "Continue";
    case status::ok: return "OK";
    case status::no_content: return "No Content";
    case status::partial_content: return "Partial Content";
    case status::moved_permanently: return "Moved Permanently";
    case status::found: return "Found";
    case status::not_modified: return "Not Modified";
    case status::permanent_redirect: return "Permanent Redirect";
    case status::bad_request: return "Bad Request";
    case status::forbidden: return "Forbidden";
    case status::not_found: return "Not Found";
    case status::method_not_allowed: return "Method Not Allowed";
    case status::request_timeout: return "Request Timeout";
    case status::payload_too_large: return "Content Too Large";
    case status::uri_too_long: return "URI Too Long";
    case status::range_not_satisfiable: return "Range Not Satisfiable";
    case status::request_header_fields_too_large: return "Request Header Fields Too Large";
    case status::internal_server_error: return "Internal Server Error";
    case status::not_implemented: return "Not Implemented";
    case status::service_unavailable: return "Service Unavailable";
    case status::http_version_not_supported: return "HTTP Version Not Supported";
  }
  return "";
}

}  // namespace atl::net::http
