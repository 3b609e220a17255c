// response_parser: the head of an HTTP/1.1 response, for the client; the
// same rules as request_parser (request_parser.hpp) mirrored, sans-I/O.
//
// Status line `HTTP/1.x SP 3DIGIT [SP reason]` (a missing reason is
// accepted); the fields as for requests (no Host rule). Framing per RFC
// 9112 6.3: no body for a response to HEAD (expect_no_body()), and for 1xx,
// 204 and 304 (a Content-Length there is still reported in content_length);
// chunked when Transfer-Encoding is chunked; Content-Length; else until the
// connection closes. Content-Length with Transfer-Encoding, duplicate or
// list Content-Length, obs-fold: failed (400), where a lenient client would
// pick one reading and could be desynchronised. Any transfer coding other
// than chunked, which the client cannot undo: failed (501).
//
// A 1xx response (100 Continue) is a whole message with no body: the caller
// reset()s and feeds the rest to read the final response.
#pragma once

#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/head_buffer.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net::http {

/// response: a parsed response head; views into the parser's buffer, valid
/// until reset() or the parser's destruction.
struct response {
  std::uint8_t minor_version = 1;
  std::uint16_t code = 0;
  std::string_view reason;
  std::span<const field> fields;
  framing body = framing::none;
  std::uint64_t content_length = 0;  ///< when body == framing::length
  /// false when the server said "Connection: close" (or 1.0 without
  /// keep-alive), or the body runs until close.
  bool keep_alive = true;

  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
};

class response_parser final : private detail::head_events {
public:
  /// response_parser: limits.request_line bounds the status line.
  explicit response_parser(const limits& l = {});

  response_parser(const response_parser&) = delete;
  response_parser& operator=(const response_parser&) = delete;
  response_parser(response_parser&&) noexcept = default;
  response_parser& operator=(response_parser&&) noexcept = default;

  /// expect_no_body: the request was HEAD: whatever the fields say, this
  /// response has no body. Call before the head is done; reset() clears it.
  void expect_no_body() noexcept { no_body_ = true; }

  /// feed: as request_parser::feed: stops right after the empty line.
  std::size_t feed(std::span<const std::byte> in) noexcept;
  [[nodiscard]] parse_state state() const noexcept { return reader_.state(); }
  /// head: only when state() == parse_state::done.
  [[nodiscard]] const response& head() const noexcept;
  /// error: why the response is unusable (400: malformed, 413: Content-Length
  /// above limits.body, 414: status line too long, 431: head too big, 501:
  /// transfer coding not supported, 505: not HTTP/1.x).
  [[nodiscard]] status error() const noexcept { return reader_.error(); }
  [[nodiscard]] std::string_view error_reason() const noexcept { return reader_.error_reason(); }
  void reset() noexcept;
  [[nodiscard]] std::size_t buffered() const noexcept { return reader_.buffered(); }

private:
  // The status line, and the framing of RFC 9112 6.3 once the head is whole
  // (head_events).
  void on_start_line(std::string_view line) noexcept override;
  void on_end_of_head() noexcept override;

  limits limits_;
  detail::head_reader reader_;
  response head_;
  bool no_body_ = false;
};

}  // namespace atl::net::http
