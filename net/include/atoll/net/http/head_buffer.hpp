// head_buffer and head_reader: the bounded line reader shared by
// request_parser and response_parser, and the line structure of a head both
// follow. Not for direct use (namespace detail): public only because the
// parsers hold one.
//
// It copies the bytes of a message head into one buffer allocated once at
// construction (limits.header_bytes), a line at a time, and checks the
// limits as bytes arrive: a line that is still growing fails as soon as it
// passes its bound, so the buffer never grows past it whatever the peer
// sends. Lines handed out are views into that buffer and stay valid until
// clear(): fields can point into it.
#pragma once

#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace atl::net::http {

/// parse_state: where a parser (request_parser, response_parser) stands.
enum class parse_state : std::uint8_t { need_more, done, failed };

}  // namespace atl::net::http

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

/// head_events: what a parser does with the two lines of a head that differ
/// between requests and responses. on_start_line may end the head with
/// head_reader::fail(); on_end_of_head must end it, with finish() or fail().
class head_events {
public:
  virtual void on_start_line(std::string_view line) noexcept = 0;
  virtual void on_end_of_head() noexcept = 0;

protected:
  ~head_events() = default;
};

/// head_reader: the line structure of a message head (RFC 9112 2.2), the
/// same for requests and responses: up to 8 empty lines skipped (more: 400),
/// a start line handed to on_start_line, then field lines collected (obs-fold
/// or malformed: 400; more than limits.header_count: 431) until the empty
/// line, which calls on_end_of_head. It keeps the parse state; fields() and
/// the views in it point into its buffer, valid until reset().
class head_reader {
public:
  /// head_reader: allocates the buffer (limits.header_bytes) and the field
  /// table (limits.header_count) once. `too_long` is the reason given for a
  /// start line past limits.request_line (414), a constant text.
  head_reader(const limits& l, std::string_view too_long);

  /// feed: as the parsers' feed: reads lines of `in` while the state is
  /// need_more; returns how many bytes it used.
  std::size_t feed(std::span<const std::byte> in, head_events& events) noexcept;

  /// fail: the head is invalid; the parser answers with `s`. `why` is a
  /// constant text.
  void fail(status s, std::string_view why) noexcept;
  /// finish: the head is whole and valid.
  void finish() noexcept { state_ = parse_state::done; }
  /// reset: empty, for the next message; keeps the buffer and table.
  void reset() noexcept;

  [[nodiscard]] parse_state state() const noexcept { return state_; }
  [[nodiscard]] status error() const noexcept { return error_; }
  [[nodiscard]] std::string_view error_reason() const noexcept { return reason_; }
  [[nodiscard]] std::span<const field> fields() const noexcept { return fields_; }
  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size(); }

private:
  void on_line(std::string_view line, head_events& events) noexcept;

  head_buffer buffer_;
  std::vector<field> fields_;  // capacity max_fields_, reserved once
  std::size_t max_fields_;
  std::string_view too_long_;
  parse_state state_ = parse_state::need_more;
  status error_ = status::bad_request;
  std::string_view reason_;
  bool have_start_line_ = false;
  std::uint8_t empty_lines_ = 0;
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
