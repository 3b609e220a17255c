// content_type_for: the Content-Type of a static file, from its extension.
//
// Used by the static-file responder (site.hpp). The table is small and fixed:
// the types a website serves (pages, styles, scripts, images, fonts, media,
// archives). Text types carry "; charset=utf-8" so that browsers do not sniff
// them; anything unknown is application/octet-stream, which browsers download
// rather than render.
#pragma once

#include <string_view>

namespace atl::net {

/// content_type_for(path): the media type for the last segment of `path`
/// ("/css/site.css" -> "text/css; charset=utf-8"), by its extension, compared
/// without regard to ASCII case. A name without an extension, a dot file
/// (".htaccess") or an unknown extension gives "application/octet-stream".
/// The view refers to static storage.
[[nodiscard]] std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace atl::net
