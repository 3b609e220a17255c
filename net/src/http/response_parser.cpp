// response_parser (response_parser.hpp): the status line, the fields, then
// the framing of RFC 9112 6.3 with the same rules as requests.
#include "framing_rules.hpp"
#include <atoll/net/http/response_parser.hpp>

#include <limits>

namespace atl::net::http {
namespace {

constexpr std::uint8_t max_leading_empty_lines = 8;

}  // namespace

std::optional<std::string_view> response::get(std::string_view name) const noexcept {
  return detail::first_field(fields, name);
}

response_parser::response_parser(const limits& l)
    : limits_(l), buffer_(l.header_bytes, l.request_line) {
  fields_.reserve(l.header_count);
}

std::size_t response_parser::feed(std::span<const std::byte> in) noexcept {
  std::size_t used = 0;
  while (state_ == parse_state::need_more && used < in.size()) {
    const auto step = buffer_.next_line(in.subspan(used));
    used += step.consumed;
    if (step.error) {
      fail(*step.error, *step.error == status::uri_too_long ? "status line too long" : step.reason);
    } else if (step.line) {
      on_line(*step.line);
    }
  }
  return used;
}

const response& response_parser::head() const noexcept { return head_; }

void response_parser::reset() noexcept {
  buffer_.clear();
  fields_.clear();
  head_ = response{};
  state_ = parse_state::need_more;
  error_ = status::bad_request;
  reason_ = {};
  have_status_line_ = false;
  no_body_ = false;
  empty_lines_ = 0;
}

void response_parser::fail(status s, std::string_view why) noexcept {
  state_ = parse_state::failed;
  error_ = s;
  reason_ = why;
}

void response_parser::on_line(std::string_view line) noexcept {
  if (!have_status_line_) {
    if (line.empty()) {
      if (++empty_lines_ > max_leading_empty_lines) return fail(status::bad_request, "empty lines");
      buffer_.drop_line();
      return;
    }
    return on_status_line(line);
  }
  if (line.empty()) return on_end_of_head();
  if (line.front() == ' ' || line.front() == '\t') return fail(status::bad_request, "obs-fold");
  const auto f = detail::parse_field_line(line);
  if (!f) return fail(status::bad_request, "malformed field line");
  if (fields_.size() >= limits_.header_count) {
    return fail(status::request_header_fields_too_large, "too many fields");
  }
  fields_.push_back(*f);
}

void response_parser::on_status_line(std::string_view line) noexcept {
  have_status_line_ = true;
  const auto sp = line.find(' ');
  const auto version = line.substr(0, sp);
  const auto minor = detail::parse_version(version);
  if (!minor) {
    return fail(detail::looks_like_version(version) ? status::http_version_not_supported
                                                    : status::bad_request,
                "unsupported version");
  }
  if (sp == std::string_view::npos) return fail(status::bad_request, "malformed status line");
  auto rest = line.substr(sp + 1);
  if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) {
    return fail(status::bad_request, "malformed status code");
  }
  std::uint16_t code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (rest[i] < '0' || rest[i] > '9') return fail(status::bad_request, "malformed status code");
    code = static_cast<std::uint16_t>(code * 10 + (rest[i] - '0'));
  }
  if (code < 100) return fail(status::bad_request, "malformed status code");
  head_.minor_version = *minor;
  head_.code = code;
  head_.reason = rest.size() > 3 ? rest.substr(4) : std::string_view();
}

void response_parser::on_end_of_head() noexcept {
  const std::span<const field> fields(fields_);
  const bool bodiless = no_body_ || head_.code < 200 || head_.code == 204 || head_.code == 304;
  if (bodiless) {
    // No body whatever the fields say (RFC 9112 6.3 items 1-2); a
    // Content-Length is still reported, as the size a GET would give.
    limits unbounded = limits_;
    unbounded.body = std::numeric_limits<std::uint64_t>::max();
    const auto f = detail::body_framing(fields, head_.minor_version, unbounded, true);
    if (!f.error && f.body == framing::length) head_.content_length = f.content_length;
    head_.body = framing::none;
  } else {
    const auto f = detail::body_framing(fields, head_.minor_version, limits_, true);
    if (f.error) return fail(*f.error, f.reason);
    head_.body = f.body;
    head_.content_length = f.content_length;
  }
  head_.keep_alive =
      detail::keep_alive(fields, head_.minor_version) && head_.body != framing::until_close;
  head_.fields = fields;
  state_ = parse_state::done;
}

}  // namespace atl::net::http
