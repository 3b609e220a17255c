// Request-target paths, Range and If-None-Match (target.hpp). decode_path
// is the gate between a peer's bytes and a site's files: it refuses rather
// than repairs anything ambiguous.
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/head_buffer.hpp>
#include <atoll/net/http/target.hpp>

#include <limits>

namespace atl::net::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF.
bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte first, C0/C1 (overlong), F5 and up
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool all_digits(std::string_view s) noexcept {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Digits as a number, saturating at the largest value.
std::uint64_t saturating_number(std::string_view s) noexcept {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t v = 0;
  for (const char c : s) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return max;
    v = v * 10 + d;
  }
  return v;
}

// Reads one entity-tag at the start of `s` and returns its opaque tag
// without quotes, W/ dropped; advances `s`. std::nullopt when malformed.
std::optional<std::string_view> read_etag(std::string_view& s) noexcept {
  std::string_view t = s;
  if (t.substr(0, 2) == "W/") t.remove_prefix(2);
  if (t.empty() || t[0] != '"') return std::nullopt;
  std::size_t i = 1;
  while (i < t.size() && t[i] != '"') {
    const auto u = static_cast<unsigned char>(t[i]);
    if (u < 0x21 || u == 0x7f) return std::nullopt;  // etagc (RFC 9110 8.8.3)
    ++i;
  }
  if (i == t.size()) return std::nullopt;
  const auto tag = t.substr(1, i - 1);
  s = t.substr(i + 1);
  return tag;
}

}  // namespace

result<std::string> decode_path(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/') {
    return error(errc::invalid_argument, "path does not start with /");
  }
  std::string decoded;
  decoded.reserve(std::min(target.size(), max_path + 1));
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') {
      return error(errc::invalid_argument, "invalid character in path");
    }
    if (c == '%') {
      const int hi = i + 2 < target.size() ? hex_value(target[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_value(target[i + 2]) : -1;
      if (lo < 0) return error(errc::invalid_argument, "invalid percent escape");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      const auto d = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\') return error(errc::invalid_argument, "encoded slash in path");
      if (d < 0x20 || d == 0x7f) return error(errc::invalid_argument, "encoded control character");
    }
    if (decoded.size() == max_path) return error(errc::limit_exceeded, "path too long");
    decoded.push_back(c);
  }
  if (!valid_utf8(decoded)) return error(errc::invalid_argument, "invalid UTF-8 in path");

  // Segments: empty ones collapse, dot segments are refused. No decoded
  // byte is '/', so splitting here splits exactly the target's segments.
  std::string path;
  path.reserve(decoded.size());
  std::string_view rest(decoded);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") return error(errc::invalid_argument, "dot segment");
    if (!segment.empty()) {
      path.push_back('/');
      path.append(segment);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (path.empty() || decoded.back() == '/') path.push_back('/');
  return path;
}

std::optional<std::string_view> origin_form(std::string_view target) noexcept {
  if (!target.empty() && target.front() == '/') return target;
  const auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  for (const char c : target.substr(0, scheme_end)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return std::nullopt;
  }
  const auto rest = target.substr(scheme_end + 3);
  const auto path = rest.find_first_of("/?#");
  if (path == std::string_view::npos || rest[path] != '/') return std::string_view("/");
  return rest.substr(path);
}

range_outcome parse_range(std::string_view range_header, std::uint64_t size) noexcept {
  const range_outcome ignore{};
  const range_outcome unsatisfiable{range_kind::unsatisfiable, {}};
  if (size == 0) return ignore;  // no first <= last < size exists
  const auto value = detail::trim_ows(range_header);
  const auto eq = value.find('=');
  if (eq == std::string_view::npos || !iequals(detail::trim_ows(value.substr(0, eq)), "bytes")) {
    return ignore;
  }
  const auto set = detail::trim_ows(value.substr(eq + 1));
  if (set.find(',') != std::string_view::npos) return ignore;  // several ranges
  const auto dash = set.find('-');
  if (dash == std::string_view::npos) return ignore;
  const auto first_text = set.substr(0, dash);
  const auto last_text = set.substr(dash + 1);
  if (!all_digits(first_text) || !all_digits(last_text)) return ignore;
  if (first_text.empty()) {
    if (last_text.empty()) return ignore;
    const auto n = saturating_number(last_text);
    if (n == 0) return unsatisfiable;
    return {range_kind::satisfiable, {size - std::min(n, size), size - 1}};
  }
  const auto first = saturating_number(first_text);
  auto last = std::numeric_limits<std::uint64_t>::max();
  if (!last_text.empty()) {
    last = saturating_number(last_text);
    if (last < first) return ignore;
  }
  if (first >= size) return unsatisfiable;
  return {range_kind::satisfiable, {first, std::min(last, size - 1)}};
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept {
  auto list = detail::trim_ows(if_none_match);
  if (list == "*") return true;
  std::string_view own_text = etag;
  const auto own = read_etag(own_text);
  if (!own || !own_text.empty()) return false;
  bool found = false;
  bool any = false;
  while (true) {
    // Elements are separated by commas with optional whitespace; empty
    // elements are allowed (RFC 9110 5.6.1).
    while (!list.empty() && (list.front() == ',' || list.front() == ' ' || list.front() == '\t')) {
      list.remove_prefix(1);
    }
    if (list.empty()) break;
    const auto tag = read_etag(list);
    if (!tag) return false;
    any = true;
    found = found || *tag == *own;
    list = detail::trim_ows(list);
    if (!list.empty() && list.front() != ',') return false;
  }
  return any && found;
}

}  // namespace atl::net::http
