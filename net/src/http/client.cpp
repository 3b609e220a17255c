// The non-template parts of the HTTP client.
#include <atoll/net/http/client.hpp>

#include <string>

namespace atl::net::http {

namespace {

bool clean(std::string_view s) noexcept {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> client_response::get(std::string_view name) const noexcept {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

result<buf> request_text(method verb, std::string_view target, std::string_view host,
                         std::span<const field> fields, std::size_t body_size) noexcept {
  if (target.empty() || target.front() != '/' || !clean(target) ||
      target.find(' ') != std::string_view::npos) {
    return error(errc::invalid_argument, "http client: the target must be origin-form");
  }
  if (!clean(host) || host.empty()) return error(errc::invalid_argument, "http client: bad host");
  std::string text;
  text.reserve(128 + target.size());
  text.append(name(verb)).append(" ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
  text.append("\r\n");
  for (const field& f : fields) {
    if (f.name.empty() || !clean(f.name) || !clean(f.value) ||
        f.name.find(':') != std::string_view::npos) {
      return error(errc::invalid_argument, "http client: bad field");
    }
    text.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  if (body_size > 0 || verb == method::post || verb == method::put) {
    text.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n");
  }
  text.append("\r\n");
  return buf::copy_of(text);
}

client_response to_response(const response& head) {
  client_response r;
  r.code = head.code;
  r.reason = std::string(head.reason);
  r.fields.reserve(head.fields.size());
  for (const field& f : head.fields)
    r.fields.emplace_back(std::string(f.name), std::string(f.value));
  return r;
}

}  // namespace atl::net::http
