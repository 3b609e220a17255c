// body_decoder: finds the bytes of a message body in a byte stream,
// sans-I/O: Content-Length, chunked (RFC 9112 section 7.1) or until close.
//
// It never copies: each feed() returns at most one span of body bytes,
// a subspan of its input, and how much of the input it used (framing
// included). The caller calls again with the rest until the input is used
// up or done(). After done(), the bytes left over belong to the next message.
//
// Chunked: sizes are hex digits (overflow, or a size line without digits:
// 400), extensions are skipped but their line is bounded by
// limits.chunk_line (400 past it), trailer fields are skipped, each line
// bounded by limits.chunk_line and all of them by limits.header_bytes (431
// past it). Chunk lines must end with CRLF (a bare LF or CR: 400): there is no
// leniency here for a smuggler to exploit. The total of the chunks above
// limits.body: 413, found from the size line before any byte of that chunk.
#pragma once

#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/response_parser.hpp>
#include <atoll/net/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::net::http {

class body_decoder {
public:
  /// for_request: the decoder the request's framing asks for (none: done at
  /// once; length; chunked bounded by `l`).
  static body_decoder for_request(const request& r, const limits& l) noexcept;
  /// for_response: the same for a response (until_close as well).
  static body_decoder for_response(const response& r, const limits& l) noexcept;
  /// length: exactly n bytes (done at once when n == 0).
  static body_decoder length(std::uint64_t n) noexcept;
  /// chunked: the chunked coding, bounded by `l`.
  static body_decoder chunked(const limits& l) noexcept;
  /// until_close: every byte is body; never done(): the end is the peer's
  /// close, which the caller sees.
  static body_decoder until_close() noexcept;

  /// step: what feed() found.
  struct step {
    std::size_t consumed = 0;         ///< bytes of the input used (framing and data)
    std::span<const std::byte> data;  ///< body bytes found, a subspan of the input
  };

  /// feed: decodes from `in`. Uses at least one byte when `in` is not empty
  /// and the decoder is neither done nor failed; else uses nothing.
  step feed(std::span<const std::byte> in) noexcept;

  [[nodiscard]] bool done() const noexcept { return state_ == state::done; }
  [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
  /// error: 400, 413 or 431 when failed().
  [[nodiscard]] status error() const noexcept { return error_; }
  [[nodiscard]] std::string_view error_reason() const noexcept { return reason_; }
  /// total: body bytes returned so far.
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

private:
  enum class mode : std::uint8_t { length, chunked, until_close };
  enum class state : std::uint8_t {
    size,        // reading the hex digits of a chunk size
    extension,   // skipping "; ext" up to CR
    size_lf,     // after the size line's CR
    data,        // inside a chunk or a Content-Length body
    data_cr,     // after a chunk's data: CR
    data_lf,     //   then LF
    trailer,     // inside a trailer line (or at the final empty line)
    trailer_lf,  // after a trailer line's CR
    done,
    failed,
  };

  body_decoder(mode m, state s) noexcept : mode_(m), state_(s) {}
  void fail(status s, std::string_view why) noexcept;

  mode mode_;
  state state_;
  status error_ = status::bad_request;
  std::string_view reason_;
  std::uint64_t remaining_ = 0;  // bytes left in this chunk or body
  std::uint64_t total_ = 0;
  std::uint64_t max_body_ = 0;
  std::size_t line_limit_ = 0;
  std::size_t trailer_limit_ = 0;
  std::size_t line_length_ = 0;  // bytes of the current size or trailer line
  std::size_t trailer_bytes_ = 0;
  bool digits_ = false;        // the size line has a digit
  bool after_digits_ = false;  // whitespace after the digits: only ';' or CR may follow
};

}  // namespace atl::net::http
