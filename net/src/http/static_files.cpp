// The non-template parts of the static-files handler.
#include <atoll/net/http/static_files.hpp>

#include <charconv>

namespace atl::net::http {

site_request to_site_request(const request& head, std::string path, bool via_tls) {
  site_request r;
  r.head = head.verb == method::head;
  r.path = std::move(path);
  r.via_tls = via_tls;
  if (auto v = head.get("if-none-match")) r.if_none_match = std::string(*v);
  if (auto v = head.get("if-modified-since")) r.if_modified_since = parse_date(*v);
  if (auto v = head.get("range")) r.range = std::string(*v);
  if (auto v = head.get("accept-encoding")) r.accepts_gzip = accepts_coding(*v, "gzip");
  return r;
}

std::optional<std::uint64_t> body_length(const site_response& r) noexcept {
  if (r.has_body) return r.length;
  if (!r.small_body.empty()) return r.small_body.size();
  const auto announced = r.header("content-length");
  if (!announced) {
    if (r.status == 304) return std::nullopt;
    return 0;
  }
  std::uint64_t n = 0;
  const auto* end = announced->data() + announced->size();
  const auto parsed = std::from_chars(announced->data(), end, n);
  if (parsed.ec != std::errc{} || parsed.ptr != end) return 0;
  return n;
}

std::vector<field> site_fields(const site_response& r) {
  std::vector<field> out;
  out.reserve(r.headers.size());
  for (const auto& [name, value] : r.headers) out.push_back({name, value});
  return out;
}

}  // namespace atl::net::http
