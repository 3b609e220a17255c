// URL paths as the static-file responder writes them into headers and pages.
// (Its dates are the wire layer's IMF-fixdate, http::format_date in date.hpp.)
#pragma once

#include <string>
#include <string_view>

namespace atl::net {

/// site_encode_path(path): a decoded path made safe for a Location header and
/// an HTML attribute: every byte other than ALPHA, DIGIT, "-._~/!$()*+,;=:@"
/// is percent-encoded ("/a b" -> "/a%20b"). So CR, LF, quotes, "<", "&",
/// "?", "#" and "\" never appear in the result.
[[nodiscard]] std::string site_encode_path(std::string_view path);

}  // namespace atl::net
