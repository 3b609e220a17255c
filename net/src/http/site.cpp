#include <atoll/net/http/date.hpp>
#include <atoll/net/http/site.hpp>
#include <atoll/net/http/site_conditional.hpp>
#include <atoll/net/http/site_format.hpp>
#include <atoll/net/http/target.hpp>

#include <cstddef>

namespace atl::net {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void add(site_response& r, std::string_view name, std::string value) {
  r.headers.emplace_back(std::string(name), std::move(value));
}

// The headers every response gets, and what HEAD changes; the last step of
// every decision.
site_response finish(const site_config& config, const site_request& request, site_response r) {
  if (request.via_tls && config.hsts_max_age) {
    add(r, "Strict-Transport-Security", "max-age=" + std::to_string(*config.hsts_max_age));
  }
  if (request.head) {
    r.has_body = false;
    r.small_body.clear();
  }
  return r;
}

// A generated HTML page: 404, 400, the text of a redirect.
site_response page(std::uint16_t status, std::string_view title, std::string_view extra) {
  site_response r;
  r.status = status;
  r.small_body = "<!DOCTYPE html>\n<html><head><title>";
  r.small_body.append(title);
  r.small_body.append("</title></head><body><h1>");
  r.small_body.append(title);
  r.small_body.append("</h1>");
  r.small_body.append(extra);
  r.small_body.append("</body></html>\n");
  add(r, "Content-Type", "text/html; charset=utf-8");
  add(r, "Content-Length", std::to_string(r.small_body.size()));
  return r;
}

// `location` is made of site_encode_path output and a checked host, so it
// holds nothing HTML or a header would misread.
site_response redirect(std::string location) {
  site_response r = page(301, "301 Moved Permanently",
                         "<p><a href=\"" + location + "\">" + location + "</a></p>");
  add(r, "Location", std::move(location));
  return r;
}

bool host_name_byte(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool all_digits(std::string_view s) noexcept {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The host of a Host header value without its port: "example.com:8080" ->
// "example.com", "[::1]:80" -> "[::1]"; nullopt unless it is a plain name,
// IPv4 address or bracketed IPv6 literal (so it is safe in a header and in
// HTML).
std::optional<std::string_view> redirect_host(std::string_view host) noexcept {
  std::string_view name = host;
  std::string_view port;
  if (host.starts_with('[')) {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos || close < 3) return std::nullopt;
    name = host.substr(0, close + 1);
    for (const char c : name.substr(1, name.size() - 2)) {
      const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                      c == ':' || c == '.';
      if (!ok) return std::nullopt;
    }
    port = host.substr(close + 1);
  } else {
    const std::size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon);
    }
    if (name.empty()) return std::nullopt;
    for (const char c : name) {
      if (!host_name_byte(c)) return std::nullopt;
    }
  }
  if (!port.empty() && (port.front() != ':' || !all_digits(port.substr(1)))) return std::nullopt;
  return name;
}

site_response https_redirect(const site_config& config, const site_request& request) {
  const std::optional<std::string_view> host = redirect_host(config.host_for_redirect);
  if (!host) return page(400, "400 Bad Request", "");
  std::string location = "https://";
  location.append(*host);
  if (config.https_port != 443) {
    location.push_back(':');
    location.append(std::to_string(config.https_port));
  }
  location.append(site_encode_path(request.path));
  return redirect(std::move(location));
}

// The key text of a request path, or nullopt when the path is refused: not
// absolute, or a segment that is empty, "." or "..".
std::optional<std::string_view> key_text(std::string_view path, bool& directory) noexcept {
  if (!path.starts_with('/')) return std::nullopt;
  path.remove_prefix(1);
  directory = path.empty() || path.ends_with('/');
  if (directory && !path.empty()) path.remove_suffix(1);
  if (path.empty()) return directory ? std::optional<std::string_view>(path) : std::nullopt;
  std::string_view rest = path;
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return path;
}

}  // namespace

std::optional<std::string_view> site_response::header(std::string_view name) const noexcept {
  for (const auto& [key, value] : headers) {
    if (equal_ignoring_case(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

site_plan plan_site_request(const site_config& config, const site_request& request) {
  site_plan plan;
  if (config.redirect_to_https && !request.via_tls) {
    plan.early = finish(config, request, https_redirect(config, request));
    return plan;
  }
  const std::optional<std::string_view> text = key_text(request.path, plan.directory);
  if (!text) {
    plan.early = site_not_found(config, request);
    return plan;
  }
  std::string full(*text);
  if (plan.directory) {
    if (!full.empty()) full.push_back('/');
    full.append(config.index);
  }
  // kv_key::parse checks the segments again, and NUL and the length limits.
  result<kv_key> key = kv_key::parse(full);
  if (!key || key->is_root()) {
    plan.early = site_not_found(config, request);
    return plan;
  }
  plan.key = std::move(*key);
  return plan;
}

site_response site_not_found(const site_config& config, const site_request& request) {
  return finish(config, request, page(404, "404 Not Found", ""));
}

site_response site_directory_redirect(const site_config& config, const site_request& request) {
  return finish(config, request, redirect(site_encode_path(request.path) + "/"));
}

std::optional<kv_key> site_gzip_key(const kv_key& key) {
  if (key.is_root()) return std::nullopt;
  std::string name(key.name());
  name.append(".gz");
  result<kv_key> variant = key.parent().child(name);
  if (!variant) return std::nullopt;
  return std::move(*variant);
}

result<site_response> site_metadata_failure(const site_config& config, const site_request& request,
                                            const error& e) {
  if (e == errc::not_found) return site_not_found(config, request);
  return e;
}

site_response serve_site_file(const site_config& config, const site_request& request,
                              const site_file& file) {
  const site_representation& rep = file.chosen;
  const std::string etag = site_etag(rep.digest);
  site_response r;
  r.body_key = rep.key;

  // RFC 9110 13.2.2: If-None-Match first; If-Modified-Since only without it.
  const bool not_modified =
      request.if_none_match ? http::etag_matches(*request.if_none_match, etag)
                            : (request.if_modified_since &&
                               site_not_modified_since(rep.modified, *request.if_modified_since));
  if (not_modified) {
    // RFC 9110 15.4.5: a 304 carries the ETag and Vary a 200 would have.
    r.status = 304;
    add(r, "ETag", etag);
    if (file.has_variant) add(r, "Vary", "Accept-Encoding");
    return finish(config, request, std::move(r));
  }

  const http::range_outcome range =
      request.range ? http::parse_range(*request.range, rep.size) : http::range_outcome{};
  if (range.kind == http::range_kind::unsatisfiable) {
    r.status = 416;
    add(r, "Content-Range", "bytes */" + std::to_string(rep.size));
    add(r, "Content-Length", "0");
    add(r, "Accept-Ranges", "bytes");
    return finish(config, request, std::move(r));
  }

  add(r, "Content-Type", std::string(file.content_type));
  if (file.gzip) add(r, "Content-Encoding", "gzip");
  if (file.has_variant) add(r, "Vary", "Accept-Encoding");
  add(r, "ETag", etag);
  add(r, "Last-Modified", std::string(http::format_date(rep.modified).view()));
  add(r, "Accept-Ranges", "bytes");
  if (range.kind == http::range_kind::satisfiable) {
    r.status = 206;
    r.offset = range.range.first;
    r.length = range.range.length();
    add(r, "Content-Range",
        "bytes " + std::to_string(range.range.first) + "-" + std::to_string(range.range.last) +
            "/" + std::to_string(rep.size));
  } else {
    r.status = 200;
    r.offset = 0;
    r.length = rep.size;
  }
  add(r, "Content-Length", std::to_string(r.length));
  r.has_body = r.length > 0;
  return finish(config, request, std::move(r));
}

}  // namespace atl::net
