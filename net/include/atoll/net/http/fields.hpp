// Header fields and the small list grammars servers need (RFC 9110 5.6).
#pragma once

#include <optional>
#include <string_view>

namespace atl::net::http {

/// field: one header field. Both are views into the parser's buffer; the
/// value has no leading or trailing whitespace (OWS).
struct field {
  std::string_view name;
  std::string_view value;
};

/// iequals: ASCII case-insensitive equality (field names, tokens).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// has_token: whether the comma-separated list `list_value` (Connection,
/// Transfer-Encoding, ...) holds `token`, case-insensitively. Elements are
/// trimmed of whitespace; parameters after ';' are ignored; empty elements
/// ("a, , b") are skipped as RFC 9110 5.6.1 asks.
[[nodiscard]] bool has_token(std::string_view list_value, std::string_view token) noexcept;

/// qvalue_for: the weight (0 to 1) that an Accept-Encoding value gives to
/// `coding`: its own element's q (1 when absent), else the q of "*", else
/// std::nullopt (not mentioned). A malformed q counts as 0.
[[nodiscard]] std::optional<double> qvalue_for(std::string_view accept_encoding,
                                               std::string_view coding) noexcept;

/// accepts_coding: whether the client accepts `coding` (e.g. "gzip"): its
/// weight (qvalue_for) is above 0. A coding not mentioned is not accepted
/// (the server falls back to identity, which it always may send).
[[nodiscard]] bool accepts_coding(std::string_view accept_encoding,
                                  std::string_view coding) noexcept;

}  // namespace atl::net::http
