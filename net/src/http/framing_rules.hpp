// Rules shared by request_parser and response_parser (private): the
// version token, body framing from Content-Length and Transfer-Encoding
// (RFC 9112 6), and persistence (RFC 9112 9.3).
#pragma once

#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/status.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net::http::detail {

/// parse_version: 1 for "HTTP/1.1", 0 for "HTTP/1.0", else std::nullopt.
std::optional<std::uint8_t> parse_version(std::string_view v) noexcept;
/// looks_like_version: "HTTP/d.d": a version, if not one we speak (505).
bool looks_like_version(std::string_view v) noexcept;

struct framing_result {
  framing body = framing::none;
  std::uint64_t content_length = 0;
  std::optional<status> error;
  std::string_view reason;
};

/// body_framing: the framing the fields give. Fails with 400 on a
/// malformed, duplicate or listed Content-Length, on Content-Length with
/// Transfer-Encoding, on Transfer-Encoding in HTTP/1.0, a final coding other
/// than chunked (requests), chunked twice or with parameters; 501 on other
/// codings; 413 on a Content-Length above l.body. For a response
/// (`response` true), a final coding other than chunked is 501: the client
/// decodes no other coding.
framing_result body_framing(std::span<const field> fields, std::uint8_t minor_version,
                            const limits& l, bool response) noexcept;

/// keep_alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
/// "Connection: keep-alive" (and no close).
bool keep_alive(std::span<const field> fields, std::uint8_t minor_version) noexcept;

}  // namespace atl::net::http::detail
