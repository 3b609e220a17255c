// response_head and chunked_encoder: emitting a response, sans-I/O.
//
// response_head writes the status line and fields into a fixed buffer held
// inline (max_size bytes, no allocation); a field that does not fit, or that
// could inject a line (CR, LF or NUL in the name or value, a name that is not
// a token), is refused with an error value and leaves the head unchanged.
// chunked_encoder gives the framing pieces of a chunked body: the caller
// sends header(n), the n bytes, trailer(), ..., then last().
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/net/http/status.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace atl::net::http {

class response_head {
public:
  /// max_size: the largest head, blank line included.
  static constexpr std::size_t max_size = 4096;

  /// response_head: starts with "HTTP/1.<minor> <code> <reason>\r\n";
  /// minor_version is 0 or 1 (anything else is a bug: asserted).
  explicit response_head(status s, std::uint8_t minor_version = 1) noexcept;

  /// add: appends "name: value\r\n". errc::invalid_argument when the name is
  /// not a token or the value holds CR, LF, NUL or another control character
  /// than HTAB, or after finish(); errc::limit_exceeded when it does not fit
  /// (room is kept for the final CRLF). On error nothing is appended.
  result<void> add(std::string_view name, std::string_view value) noexcept;
  /// add_number: the same with a decimal value (Content-Length).
  result<void> add_number(std::string_view name, std::uint64_t value) noexcept;

  /// finish: appends the empty line that ends the head; add() fails after it.
  /// Calling it twice is harmless.
  void finish() noexcept;
  [[nodiscard]] bool finished() const noexcept { return finished_; }

  /// text: the head so far ("HTTP/1.1 200 OK\r\n...\r\n\r\n" after finish()).
  [[nodiscard]] std::string_view text() const noexcept {
    return std::string_view(data_.data(), size_);
  }

private:
  std::array<char, max_size> data_;
  std::size_t size_ = 0;
  bool finished_ = false;
};

/// chunked_encoder: the framing of the chunked transfer coding. Each call
/// returns a view into the encoder, valid until its next call.
class chunked_encoder {
public:
  /// header: "<n in hex>\r\n", before n bytes of data. n must not be 0 (a
  /// zero-size chunk ends the body: use last()); asserted.
  [[nodiscard]] std::string_view header(std::uint64_t n) noexcept;
  /// trailer: "\r\n", after each chunk's data.
  [[nodiscard]] static std::string_view trailer() noexcept { return "\r\n"; }
  /// last: "0\r\n\r\n", the last chunk and an empty trailer section.
  [[nodiscard]] static std::string_view last() noexcept { return "0\r\n\r\n"; }

private:
  std::array<char, 18> text_{};  // 16 hex digits and CRLF
};

}  // namespace atl::net::http
