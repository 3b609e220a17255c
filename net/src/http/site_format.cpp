#include <atoll/net/http/site_format.hpp>

#include <string_view>

namespace atl::net {
namespace {

bool plain_path_byte(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~/!$()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string site_encode_path(std::string_view path) {
  constexpr std::string_view hex_digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain_path_byte(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex_digits[c >> 4]);
      out.push_back(hex_digits[c & 0xF]);
    }
  }
  return out;
}

}  // namespace atl::net
