// Text the static-file responder writes into headers: dates and URL paths.
//
// site_http_date is the static-file responder's own IMF-fixdate formatter
// (RFC 9110 5.6.7), kept here so that site code does not depend on the HTTP
// wire layer; the two may be merged later.
#pragma once

#include <atoll/core/time.hpp>

#include <string>
#include <string_view>

namespace atl::net {

/// site_http_date(t): `t` as an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT",
/// truncated to the second. Times before 1970 print as the epoch (and, were
/// wall_time ever to reach past 9999, later ones as 9999-12-31T23:59:59), so
/// the text is always 29 bytes.
[[nodiscard]] std::string site_http_date(wall_time t);

/// site_encode_path(path): a decoded path made safe for a Location header and
/// an HTML attribute: every byte other than ALPHA, DIGIT, "-._~/!$()*+,;=:@"
/// is percent-encoded ("/a b" -> "/a%20b"). So CR, LF, quotes, "<", "&",
/// "?", "#" and "\" never appear in the result.
[[nodiscard]] std::string site_encode_path(std::string_view path);

}  // namespace atl::net
