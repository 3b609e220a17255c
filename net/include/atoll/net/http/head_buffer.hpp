// head_buffer: the bounded line reader shared by request_parser and
// response_parser. Not for direct use (namespace detail): it is public only
// because the parsers hold one.
//
// It copies the bytes of a message head into one buffer allocated once at
// construction (limits.header_bytes), a line at a time, and checks the
// limits as bytes arrive: a line that is still growing fails as soon as it
// passes its bound, so the buffer never grows past it whatever the peer
// sends. Lines handed out are views into that buffer and stay valid until
// clear(): fields can point into it.
#pragma once

#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/status.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace atl::net::http::detail {

/// line_step: what next_line() did with its input.
struct line_step {
  std::size_t consumed = 0;              ///< bytes of the input used
  std::optional<std::string_view> line;  ///< a whole line, CRLF or LF removed
  std::optional<status> error;           ///< the head is invalid: answer this
  std::string_view reason;               ///< short text when error is set
};

class head_buffer {
public:
  /// head_buffer: room for `capacity` bytes of head (request line, fields,
  /// line ends); `first_line_limit` bounds the first line (414 past it).
  head_buffer(std::size_t capacity, std::size_t first_line_limit);

  /// next_line: reads `in` up to and including the next LF. It fails with
  /// 414 when the first line passes its limit, 431 when the head passes the
  /// capacity, 400 on a CR that does not end a line, on a NUL or on another
  /// control character than HTAB.
  line_step next_line(std::span<const std::byte> in) noexcept;

  /// drop_line: forgets the line just returned (leading empty lines), so
  /// it takes no room.
  void drop_line() noexcept;
  /// clear: empty, for the next message; views handed out become invalid.
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t first_line_limit_;
  std::size_t size_ = 0;
  std::size_t line_start_ = 0;
  std::size_t last_line_start_ = 0;  // of the line next_line() returned last
  std::size_t lines_ = 0;            // complete lines kept since clear()
};

/// parse_field_line: "name: value" with a token name, no whitespace before
/// the colon, the value trimmed of OWS; std::nullopt when malformed
/// (including an obs-fold continuation line, which starts with whitespace).
[[nodiscard]] std::optional<field> parse_field_line(std::string_view line) noexcept;

/// is_token_char: tchar of RFC 9110 5.6.2.
[[nodiscard]] bool is_token_char(char c) noexcept;
[[nodiscard]] bool is_token(std::string_view s) noexcept;

/// trim_ows: without leading and trailing spaces and tabs.
[[nodiscard]] std::string_view trim_ows(std::string_view s) noexcept;

/// first_field: the value of the first field named `name`, case-insensitively.
[[nodiscard]] std::optional<std::string_view> first_field(std::span<const field> fields,
                                                          std::string_view name) noexcept;

}  // namespace atl::net::http::detail
