#include <atoll/net/endpoint.hpp>

namespace atl::net {

result<ip_addr> ip_addr::parse(std::string_view text) noexcept {
  if (text.find(':') != std::string_view::npos) {
    ATOLL_TRY(const ipv6_addr a, ipv6_addr::parse(text));
    return ip_addr(a);
  }
  ATOLL_TRY(const ipv4_addr a, ipv4_addr::parse(text));
  return ip_addr(a);
}

text_buffer<48> ip_addr::text() const noexcept {
  if (is_v4()) return text_buffer<48>(v4_.text().view());
  return text_buffer<48>(v6_.text().view());
}

result<ip_endpoint> ip_endpoint::parse(std::string_view text) noexcept {
  const auto bad = [text](std::string_view why) {
    return error(errc::invalid_argument, "'", text, "' is not an endpoint: ", why);
  };
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("no ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("no ':port' after ']'");
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return bad("brackets around a non-IPv6 address");
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no ':port'");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("an IPv6 address needs brackets");
  }
  auto addr = ip_addr::parse(host);
  if (!addr) return bad(addr.error().message());
  auto p = port::parse(port_text);
  if (!p) return bad(p.error().message());
  return ip_endpoint{*addr, *p};
}

text_buffer<56> ip_endpoint::text() const noexcept {
  if (addr.is_v4()) return text_buffer<56>(addr.text().view(), ':', port.value());
  return text_buffer<56>('[', addr.text().view(), "]:", port.value());
}

}  // namespace atl::net
