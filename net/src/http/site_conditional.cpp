#include <atoll/net/http/site_conditional.hpp>

#include <chrono>
#include <string_view>

namespace atl::net {

std::string site_etag(const sha256_digest& digest) {
  const auto hex = to_hex(digest);
  std::string out;
  out.reserve(34);
  out.push_back('"');
  out.append(hex.view().substr(0, 32));
  out.push_back('"');
  return out;
}

bool site_not_modified_since(wall_time modified, wall_time since) noexcept {
  return std::chrono::floor<std::chrono::seconds>(modified) <= since;
}

}  // namespace atl::net
