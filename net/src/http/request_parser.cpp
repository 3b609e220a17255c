// request_parser (request_parser.hpp): the request line, then the Host,
// framing and connection rules of RFC 9112 checked once the head is
// whole. The lines and fields come from head_reader (head_buffer.hpp), which
// enforces the size limits.
#include "framing_rules.hpp"
#include <atoll/net/http/request_parser.hpp>

namespace atl::net::http {
namespace {

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// absolute-form: scheme "://" authority ... (RFC 3986 absolute-URI with an
// authority, as http and https URIs have). Requiring "//" keeps "host:80"
// (authority-form) from passing as a URI of scheme "host".
bool is_absolute_form(std::string_view t) noexcept {
  if (t.empty() || !is_alpha(t[0])) return false;
  std::size_t i = 1;
  while (i < t.size() &&
         (is_alpha(t[i]) || is_digit(t[i]) || t[i] == '+' || t[i] == '-' || t[i] == '.')) {
    ++i;
  }
  return t.substr(i, 3) == "://" && i + 3 < t.size();
}

// authority-form for CONNECT: host ":" port, no path, no userinfo.
bool is_authority_form(std::string_view t) noexcept {
  const auto colon = t.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size()) return false;
  for (std::size_t i = colon + 1; i < t.size(); ++i) {
    if (!is_digit(t[i])) return false;
  }
  return t.find_first_of("/?#@") == std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> request::get(std::string_view name) const noexcept {
  return detail::first_field(fields, name);
}

request_parser::request_parser(const limits& l) : limits_(l), reader_(l, "request line too long") {}

std::size_t request_parser::feed(std::span<const std::byte> in) noexcept {
  return reader_.feed(in, *this);
}

const request& request_parser::head() const noexcept { return head_; }

void request_parser::reset() noexcept {
  reader_.reset();
  head_ = request{};
}

void request_parser::on_start_line(std::string_view line) noexcept {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) {
    return reader_.fail(status::bad_request, "malformed request line");
  }
  const auto method_name = line.substr(0, sp1);
  const auto rest = line.substr(sp1 + 1);
  const auto sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos) {
    return reader_.fail(status::bad_request, "malformed request line");
  }
  const auto target = rest.substr(0, sp2);
  const auto version = rest.substr(sp2 + 1);
  if (!detail::is_token(method_name)) return reader_.fail(status::bad_request, "invalid method");
  if (target.empty()) return reader_.fail(status::bad_request, "malformed request line");
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return reader_.fail(status::bad_request, "invalid target");
  }
  const auto minor = detail::parse_version(version);
  if (!minor) {
    return reader_.fail(detail::looks_like_version(version) ? status::http_version_not_supported
                                                            : status::bad_request,
                        "unsupported version");
  }
  const method verb = parse_method(method_name);
  bool form_ok = false;
  if (verb == method::connect) {
    form_ok = is_authority_form(target);
  } else if (target.front() == '/') {
    form_ok = true;
  } else if (target == "*") {
    form_ok = verb == method::options;
  } else {
    form_ok = is_absolute_form(target);
  }
  if (!form_ok) return reader_.fail(status::bad_request, "invalid target form");
  head_.verb = verb;
  head_.method_name = method_name;
  head_.target = target;
  head_.minor_version = *minor;
}

void request_parser::on_end_of_head() noexcept {
  const std::span<const field> fields = reader_.fields();
  const bool v11 = head_.minor_version == 1;

  std::size_t hosts = 0;
  for (const auto& f : fields) {
    if (!iequals(f.name, "host")) continue;
    ++hosts;
    if (f.value.find_first_of(" \t/\\?#@") != std::string_view::npos) {
      return reader_.fail(status::bad_request, "invalid Host");
    }
  }
  if (hosts > 1) return reader_.fail(status::bad_request, "duplicate Host");
  if (v11 && hosts == 0) return reader_.fail(status::bad_request, "missing Host");

  const auto framing_result = detail::body_framing(fields, head_.minor_version, limits_, false);
  if (framing_result.error) return reader_.fail(*framing_result.error, framing_result.reason);
  if (framing_result.body == framing::until_close) {
    // A request's body length must be known (RFC 9112 6.3, item 4).
    return reader_.fail(status::bad_request, "Transfer-Encoding not ending with chunked");
  }
  head_.body = framing_result.body;
  head_.content_length = framing_result.content_length;
  head_.keep_alive = detail::keep_alive(fields, head_.minor_version);
  if (v11) {
    const auto expect = detail::first_field(fields, "expect");
    head_.expect_continue = expect.has_value() && iequals(*expect, "100-continue");
  }
  head_.fields = fields;
  reader_.finish();
}

}  // namespace atl::net::http
