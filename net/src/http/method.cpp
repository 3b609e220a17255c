// Method names (method.hpp).
#include <atoll/net/http/method.hpp>

#include <array>

namespace atl::net::http {
namespace {

constexpr std::array<std::string_view, 9> names = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH",
};

}  // namespace

method parse_method(std::string_view token) noexcept {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == token) return static_cast<method>(i);
  }
  return method::other;
}

std::string_view name(method m) noexcept {
  const auto i = static_cast<std::size_t>(m);
  return i < names.size() ? names[i] : std::string_view();
}

}  // namespace atl::net::http
