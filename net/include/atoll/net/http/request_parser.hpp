// request_parser: the head of an HTTP/1.1 request (RFC 9112 sections 2-7),
// sans-I/O: bytes in, a parsed head or an error status out.
//
// The parser copies the head into its own buffer, allocated once and never
// larger than limits.header_bytes, and stops right after the empty line that
// ends it: the bytes after it (body, or the next pipelined request) are left
// to the caller, who hands the body to a body_decoder (body_decoder.hpp) and
// then calls reset() and feeds the rest.
//
// What it accepts and rejects (docs/http.md has the full list):
// - line ends CRLF, or bare LF (RFC 9112 2.2); a bare CR, NUL or another
//   control character than HTAB anywhere in the head: 400;
// - up to 8 empty lines before the request line are skipped, more: 400;
// - request line `method SP target SP version`, single spaces; the method a
//   token; the target origin-form ("/..."), absolute-form ("http://..."),
//   "*" only for OPTIONS, authority-form ("host:port") only for CONNECT,
//   else 400; longer than limits.request_line: 414 as soon as it passes;
// - version exactly HTTP/1.1 or HTTP/1.0; another "HTTP/d.d": 505; else 400;
// - field names tokens with no whitespace before the colon, obs-fold (a
//   line starting with whitespace) rejected: 400; more than
//   limits.header_count fields or a head past limits.header_bytes: 431;
// - Host: exactly one in HTTP/1.1, at most one in 1.0: else 400;
// - Content-Length: digits only; twice, a list (even "5, 5"), or overflow:
//   400; above limits.body: 413;
// - Transfer-Encoding: with Content-Length, in HTTP/1.0, or with a final
//   coding other than chunked: 400 (anti-smuggling, RFC 9112 6.1 and 6.3);
//   chunked preceded by other codings (which atoll does not decode): 501.
#pragma once

#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/head_buffer.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/method.hpp>
#include <atoll/net/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net::http {

/// framing: how a message's body is delimited (RFC 9112 6.3).
enum class framing : std::uint8_t {
  none,        ///< no body (a request without Content-Length or Transfer-Encoding)
  length,      ///< Content-Length bytes (content_length, possibly 0)
  chunked,     ///< the chunked transfer coding
  until_close  ///< responses only: the body runs until the connection closes
};

/// request: a parsed request head. Every view points into the parser's
/// buffer: valid until reset(), or the parser's destruction.
struct request {
  method verb = method::other;
  std::string_view method_name;    ///< as sent, e.g. "GET" or "PROPFIND"
  std::string_view target;         ///< as sent, not decoded (target.hpp decodes)
  std::uint8_t minor_version = 1;  ///< 0 or 1: HTTP/1.0 or HTTP/1.1
  std::span<const field> fields;   ///< in order of arrival
  framing body = framing::none;
  std::uint64_t content_length = 0;  ///< when body == framing::length
  bool keep_alive = true;            ///< 1.1 unless "Connection: close"; 1.0 only with "keep-alive"
  bool expect_continue = false;      ///< HTTP/1.1 with "Expect: 100-continue"

  /// get: the value of the first field named `name` (case-insensitive),
  /// trimmed; std::nullopt when there is none.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
};

// parse_state (where a parser stands) is in head_buffer.hpp.

class request_parser final : private detail::head_events {
public:
  /// request_parser: allocates its buffer (limits.header_bytes) and field
  /// table (limits.header_count) once, here.
  explicit request_parser(const limits& l = {});

  request_parser(const request_parser&) = delete;
  request_parser& operator=(const request_parser&) = delete;
  request_parser(request_parser&&) noexcept = default;
  request_parser& operator=(request_parser&&) noexcept = default;

  /// feed: takes bytes of a request head and returns how many it used. When
  /// the head ends inside `in`, it stops right after the empty line; the
  /// rest is the caller's. Once done or failed, it uses nothing (returns 0)
  /// until reset(). Feeding a head in any number of pieces gives the same
  /// result.
  std::size_t feed(std::span<const std::byte> in) noexcept;

  [[nodiscard]] parse_state state() const noexcept { return reader_.state(); }
  /// head: the parsed head; only when state() == parse_state::done.
  [[nodiscard]] const request& head() const noexcept;
  /// error: the status to answer with, when state() == parse_state::failed:
  /// 400, 413, 414, 431, 501 or 505 (see the top of this file).
  [[nodiscard]] status error() const noexcept { return reader_.error(); }
  /// error_reason: a short constant text for the log and counters
  /// ("duplicate Content-Length").
  [[nodiscard]] std::string_view error_reason() const noexcept { return reader_.error_reason(); }

  /// reset: ready for the next request; keeps the buffer. Views in head()
  /// become invalid.
  void reset() noexcept;
  /// buffered: bytes of head held now.
  [[nodiscard]] std::size_t buffered() const noexcept { return reader_.buffered(); }

private:
  // The request line, and the Host, framing and connection rules once the
  // head is whole (head_events).
  void on_start_line(std::string_view line) noexcept override;
  void on_end_of_head() noexcept override;

  limits limits_;
  detail::head_reader reader_;
  request head_;
};

}  // namespace atl::net::http
