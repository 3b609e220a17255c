// response_parser (response_parser.hpp): the status line, then the framing
// of RFC 9112 6.3 with the same rules as requests. The lines and fields come
// from head_reader (head_buffer.hpp), as for requests.
#include "framing_rules.hpp"
#include <atoll/net/http/response_parser.hpp>

#include <limits>

namespace atl::net::http {

std::optional<std::string_view> response::get(std::string_view name) const noexcept {
  return detail::first_field(fields, name);
}

response_parser::response_parser(const limits& l)
    : limits_(l), reader_(l, "status line too long") {}

std::size_t response_parser::feed(std::span<const std::byte> in) noexcept {
  return reader_.feed(in, *this);
}

const response& response_parser::head() const noexcept { return head_; }

void response_parser::reset() noexcept {
  reader_.reset();
  head_ = response{};
  no_body_ = false;
}

void response_parser::on_start_line(std::string_view line) noexcept {
  const auto sp = line.find(' ');
  const auto version = line.substr(0, sp);
  const auto minor = detail::parse_version(version);
  if (!minor) {
    return reader_.fail(detail::looks_like_version(version) ? status::http_version_not_supported
                                                            : status::bad_request,
                        "unsupported version");
  }
  if (sp == std::string_view::npos) {
    return reader_.fail(status::bad_request, "malformed status line");
  }
  auto rest = line.substr(sp + 1);
  if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) {
    return reader_.fail(status::bad_request, "malformed status code");
  }
  std::uint16_t code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (rest[i] < '0' || rest[i] > '9')
      return reader_.fail(status::bad_request, "malformed status code");
    code = static_cast<std::uint16_t>(code * 10 + (rest[i] - '0'));
  }
  if (code < 100) return reader_.fail(status::bad_request, "malformed status code");
  head_.minor_version = *minor;
  head_.code = code;
  head_.reason = rest.size() > 3 ? rest.substr(4) : std::string_view();
}

void response_parser::on_end_of_head() noexcept {
  const std::span<const field> fields = reader_.fields();
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
    if (f.error) return reader_.fail(*f.error, f.reason);
    head_.body = f.body;
    head_.content_length = f.content_length;
  }
  head_.keep_alive =
      detail::keep_alive(fields, head_.minor_version) && head_.body != framing::until_close;
  head_.fields = fields;
  reader_.finish();
}

}  // namespace atl::net::http
