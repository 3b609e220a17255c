// Framing and persistence rules (framing_rules.hpp), shared by both parsers
// so that a request and a response are delimited by the same reading.
#include "framing_rules.hpp"

#include <atoll/net/http/head_buffer.hpp>

namespace atl::net::http::detail {

std::optional<std::uint8_t> parse_version(std::string_view v) noexcept {
  if (v == "HTTP/1.1") return 1;
  if (v == "HTTP/1.0") return 0;
  return std::nullopt;
}

bool looks_like_version(std::string_view v) noexcept {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && digit(v[5]) && v[6] == '.' && digit(v[7]);
}

framing_result body_framing(std::span<const field> fields, std::uint8_t minor_version,
                            const limits& l, bool response) noexcept {
  framing_result r;
  const auto fail = [&r](status s, std::string_view why) {
    r.error = s;
    r.reason = why;
    return r;
  };
  std::size_t lengths = 0;
  std::optional<std::string_view> length_value;
  bool has_te = false;
  for (const auto& f : fields) {
    if (iequals(f.name, "content-length")) {
      ++lengths;
      length_value = f.value;
    } else if (iequals(f.name, "transfer-encoding")) {
      has_te = true;
    }
  }
  if (lengths > 1) return fail(status::bad_request, "duplicate Content-Length");
  if (has_te) {
    if (lengths > 0) return fail(status::bad_request, "Content-Length with Transfer-Encoding");
    if (minor_version == 0) return fail(status::bad_request, "Transfer-Encoding in HTTP/1.0");
    // The codings of every Transfer-Encoding field, in order, as one list.
    std::size_t codings = 0;
    bool chunked_last = false;
    bool other = false;
    for (const auto& f : fields) {
      if (!iequals(f.name, "transfer-encoding")) continue;
      std::string_view list = f.value;
      while (true) {
        const auto comma = list.find(',');
        const auto element = trim_ows(list.substr(0, comma));
        if (!element.empty()) {
          if (chunked_last) return fail(status::bad_request, "chunked not last");
          ++codings;
          const auto semi = element.find(';');
          const auto name = trim_ows(element.substr(0, semi));
          if (!is_token(name)) return fail(status::bad_request, "invalid transfer coding");
          if (iequals(name, "chunked")) {
            if (semi != std::string_view::npos) {
              return fail(status::bad_request, "chunked with parameters");
            }
            chunked_last = true;
          } else {
            other = true;
          }
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
    if (codings == 0) return fail(status::bad_request, "empty Transfer-Encoding");
    if (!chunked_last) {
      return fail(response ? status::not_implemented : status::bad_request,
                  "Transfer-Encoding not ending with chunked");
    }
    if (other) return fail(status::not_implemented, "transfer coding not supported");
    r.body = framing::chunked;
    return r;
  }
  if (length_value) {
    const auto v = *length_value;
    if (v.empty()) return fail(status::bad_request, "invalid Content-Length");
    std::uint64_t n = 0;
    for (const char c : v) {
      if (c < '0' || c > '9') return fail(status::bad_request, "invalid Content-Length");
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (n > (UINT64_MAX - d) / 10) return fail(status::bad_request, "Content-Length overflow");
      n = n * 10 + d;
    }
    if (n > l.body) return fail(status::payload_too_large, "body too large");
    r.body = framing::length;
    r.content_length = n;
    return r;
  }
  r.body = response ? framing::until_close : framing::none;
  return r;
}

bool keep_alive(std::span<const field> fields, std::uint8_t minor_version) noexcept {
  bool close = false;
  bool keep = false;
  for (const auto& f : fields) {
    if (!iequals(f.name, "connection")) continue;
    close = close || has_token(f.value, "close");
    keep = keep || has_token(f.value, "keep-alive");
  }
  if (close) return false;
  return minor_version == 1 || keep;
}

}  // namespace atl::net::http::detail
