#include <atoll/net/http/site_conditional.hpp>

#include <chrono>
#include <cstddef>

namespace atl::net {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// The opaque tag of a quoted entity tag, quotes included; empty if `etag` is
// not one.
std::string_view opaque(std::string_view etag) noexcept {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') return {};
  return etag;
}

}  // namespace

std::string site_etag(const sha256_digest& digest) {
  const auto hex = to_hex(digest);
  std::string out;
  out.reserve(34);
  out.push_back('"');
  out.append(hex.view().substr(0, 32));
  out.push_back('"');
  return out;
}

bool site_none_match(std::string_view header, std::string_view etag) noexcept {
  const std::string_view ours = opaque(etag);
  std::size_t i = 0;
  while (i < header.size()) {
    // Skip OWS and empty list elements (RFC 9110 5.6.1 allows ", ,").
    if (is_ows(header[i]) || header[i] == ',') {
      ++i;
      continue;
    }
    if (header[i] == '*') return true;
    if (header.compare(i, 2, "W/") == 0) i += 2;
    if (i >= header.size() || header[i] != '"') return false;
    const std::size_t close = header.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    const std::string_view theirs = header.substr(i, close - i + 1);
    if (!ours.empty() && theirs == ours) return true;
    i = close + 1;
    // After a tag: OWS, then a comma or the end.
    while (i < header.size() && is_ows(header[i])) ++i;
    if (i < header.size() && header[i] != ',') return false;
  }
  return false;
}

bool site_not_modified_since(wall_time modified, wall_time since) noexcept {
  return std::chrono::floor<std::chrono::seconds>(modified) <= since;
}

}  // namespace atl::net
