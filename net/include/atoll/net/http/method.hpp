// HTTP request methods (RFC 9110 section 9).
//
// Method names are case-sensitive tokens: "get" is not GET. Any other valid
// token is `method::other`; the request keeps its spelling in
// `request::method_name` for logs and 405/501 answers.
#pragma once

#include <cstdint>
#include <string_view>

namespace atl::net::http {

/// method: the standard methods, and `other` for every other token.
enum class method : std::uint8_t {
  get,
  head,
  post,
  put,
  delete_,
  options,
  trace,
  connect,
  patch,
  other
};

/// parse_method: the method named exactly (case-sensitive) by `token`, or
/// `method::other`. It does not check that `token` is a valid token: the
/// request parser did.
[[nodiscard]] method parse_method(std::string_view token) noexcept;

/// name: the method's name as sent on the wire ("DELETE"); "" for `other`.
[[nodiscard]] std::string_view name(method m) noexcept;

}  // namespace atl::net::http
