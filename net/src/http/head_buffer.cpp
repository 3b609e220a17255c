// head_buffer (head_buffer.hpp): one bounded copy of a message head, read a
// line at a time, with the limits checked before any byte is stored; and
// head_reader, the lines of a head as both parsers read them.
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/head_buffer.hpp>

#include <cstring>

namespace atl::net::http::detail {
namespace {

// Empty lines tolerated before the start line (RFC 9112 2.2 asks for at
// least one); more is not a peer, it is noise.
constexpr std::uint8_t max_leading_empty_lines = 8;

}  // namespace

head_buffer::head_buffer(std::size_t capacity, std::size_t first_line_limit)
    : data_(new char[capacity == 0 ? 1 : capacity]),
      capacity_(capacity),
      first_line_limit_(first_line_limit) {}

line_step head_buffer::next_line(std::span<const std::byte> in) noexcept {
  line_step step;
  if (in.empty()) return step;
  const void* lf = std::memchr(in.data(), '\n', in.size());
  const std::size_t take =
      lf == nullptr ? in.size()
                    : static_cast<std::size_t>(static_cast<const std::byte*>(lf) - in.data()) + 1;
  const std::size_t line_bytes = size_ - line_start_ + take;
  if (lines_ == 0) {
    // The first line's own length, without its line end (or a CR that may
    // be the start of one): past the limit it fails now, before the rest.
    std::size_t content = line_bytes;
    const char last = static_cast<char>(in[take - 1]);
    if (lf != nullptr) {
      content -= 1;
      const char before =
          take >= 2 ? static_cast<char>(in[take - 2]) : (line_bytes >= 2 ? data_[size_ - 1] : '\0');
      if (before == '\r') content -= 1;
    } else if (last == '\r') {
      content -= 1;
    }
    if (content > first_line_limit_) {
      step.consumed = take;
      step.error = status::uri_too_long;
      step.reason = "request line too long";
      return step;
    }
  }
  if (take > capacity_ - size_) {
    step.consumed = take;
    step.error = lines_ == 0 ? status::uri_too_long : status::request_header_fields_too_large;
    step.reason = lines_ == 0 ? "request line too long" : "head too large";
    return step;
  }
  std::memcpy(data_.get() + size_, in.data(), take);
  size_ += take;
  step.consumed = take;
  if (lf == nullptr) return step;

  std::string_view line(data_.get() + line_start_, size_ - line_start_ - 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      step.error = status::bad_request;
      step.reason = c == '\r' ? "bare CR in head" : "control character in head";
      return step;
    }
  }
  last_line_start_ = line_start_;
  line_start_ = size_;
  ++lines_;
  step.line = line;
  return step;
}

void head_buffer::drop_line() noexcept {
  size_ = last_line_start_;
  line_start_ = last_line_start_;
  if (lines_ > 0) --lines_;
}

void head_buffer::clear() noexcept {
  size_ = 0;
  line_start_ = 0;
  last_line_start_ = 0;
  lines_ = 0;
}

head_reader::head_reader(const limits& l, std::string_view too_long)
    : buffer_(l.header_bytes, l.request_line), max_fields_(l.header_count), too_long_(too_long) {
  fields_.reserve(max_fields_);
}

std::size_t head_reader::feed(std::span<const std::byte> in, head_events& events) noexcept {
  std::size_t used = 0;
  while (state_ == parse_state::need_more && used < in.size()) {
    const auto step = buffer_.next_line(in.subspan(used));
    used += step.consumed;
    if (step.error) {
      fail(*step.error, *step.error == status::uri_too_long ? too_long_ : step.reason);
    } else if (step.line) {
      on_line(*step.line, events);
    }
  }
  return used;
}

void head_reader::fail(status s, std::string_view why) noexcept {
  state_ = parse_state::failed;
  error_ = s;
  reason_ = why;
}

void head_reader::reset() noexcept {
  buffer_.clear();
  fields_.clear();
  state_ = parse_state::need_more;
  error_ = status::bad_request;
  reason_ = {};
  have_start_line_ = false;
  empty_lines_ = 0;
}

void head_reader::on_line(std::string_view line, head_events& events) noexcept {
  if (!have_start_line_) {
    if (line.empty()) {
      if (++empty_lines_ > max_leading_empty_lines) return fail(status::bad_request, "empty lines");
      buffer_.drop_line();
      return;
    }
    have_start_line_ = true;
    return events.on_start_line(line);
  }
  if (line.empty()) return events.on_end_of_head();
  if (line.front() == ' ' || line.front() == '\t') return fail(status::bad_request, "obs-fold");
  const auto f = parse_field_line(line);
  if (!f) return fail(status::bad_request, "malformed field line");
  if (fields_.size() >= max_fields_) {
    return fail(status::request_header_fields_too_large, "too many fields");
  }
  fields_.push_back(*f);
}

bool is_token_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<field> parse_field_line(std::string_view line) noexcept {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto name = line.substr(0, colon);
  // A leading space or tab (obs-fold) or one before the colon makes the
  // name fail the token check.
  if (!is_token(name)) return std::nullopt;
  return field{name, trim_ows(line.substr(colon + 1))};
}

std::optional<std::string_view> first_field(std::span<const field> fields,
                                            std::string_view name) noexcept {
  for (const auto& f : fields) {
    if (iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

}  // namespace atl::net::http::detail
