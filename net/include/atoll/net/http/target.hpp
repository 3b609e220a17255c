// Request targets, ranges and entity tags: the parts of a request a file
// server acts on, checked so that no input reaches outside a site's root.
#pragma once

#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atl::net::http {

/// max_path: the longest decoded path decode_path returns.
inline constexpr std::size_t max_path = 2048;

/// decode_path: the path of an origin-form target ("/a/b%20c?q#f" gives
/// "/a/b c"): the query and fragment dropped, percent escapes decoded, empty
/// segments collapsed ("/a//b" gives "/a/b"), a trailing slash kept (it
/// means a directory). errc::invalid_argument for anything that could leave
/// a site's root or confuse a key lookup: not starting with "/"; an encoded
/// "/" (%2F) or backslash (raw or %5C); NUL or another control character,
/// raw or encoded; a raw space or byte outside printable ASCII; a "." or
/// ".." segment after decoding (%2e%2e, .%2e); a bad percent escape ("%4",
/// "%zz"); decoded bytes that are not valid UTF-8 (overlong forms such as
/// %c0%ae, surrogates, above U+10FFFF). errc::limit_exceeded past max_path.
result<std::string> decode_path(std::string_view origin_form_target);

/// origin_form: the origin-form part of a request target, for decode_path:
/// "/p?q" itself; for an absolute-form target ("http://host/p?q", RFC 9112
/// 3.2.2) the path and query after the authority, or "/" when there is no
/// path (any query is then dropped: "http://host?q" gives "/").
/// std::nullopt for "*", authority-form and anything else. The view points
/// into `target`, or is a static "/".
[[nodiscard]] std::optional<std::string_view> origin_form(std::string_view target) noexcept;

/// byte_range: an inclusive range of bytes, first <= last < size.
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  [[nodiscard]] std::uint64_t length() const noexcept { return last - first + 1; }
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

/// range_kind: what the server does with a Range field.
enum class range_kind : std::uint8_t {
  ignore,         ///< malformed, another unit or several ranges: send 200 and all of it
  satisfiable,    ///< send 206 with `range`
  unsatisfiable,  ///< send 416 with "Content-Range: bytes */size"
};

struct range_outcome {
  range_kind kind = range_kind::ignore;
  byte_range range;  ///< when kind == satisfiable
};

/// parse_range: a Range field value against a representation of `size`
/// bytes (RFC 9110 14.2), the one reading of Range (the static-file
/// responder's). Only a single byte range is served; ignoring Range is
/// always safe (RFC 9110 14.2: "A server MAY ignore the Range header field"),
/// the client then gets all of it with 200. So:
///   - "bytes=a-b", "bytes=a-", "bytes=-n" (one range): satisfiable, the last
///     position cut to the end; a suffix of n >= size bytes is all of it;
///   - a first byte at or past the end, or a suffix of 0 bytes ("-0"):
///     unsatisfiable;
///   - several ranges (atoll sends no multipart/byteranges), another unit
///     ("pages=1-2"), anything malformed ("bytes=5-3", no digits, stray
///     characters), or a representation of 0 bytes (no 206 can describe a
///     range of it): ignore.
/// The unit is compared without regard to case; OWS around the unit and the
/// range is allowed. Numbers too large for 64 bits count as the largest value.
[[nodiscard]] range_outcome parse_range(std::string_view range_header, std::uint64_t size) noexcept;

/// etag_matches: whether an If-None-Match value matches `etag` (a full
/// entity-tag as sent in ETag, e.g. "\"abc\"" or "W/\"abc\"") by the weak
/// comparison of RFC 9110 8.8.3.2: "*" matches any; otherwise any element of
/// the comma-separated list whose opaque tag equals etag's, W/ ignored on
/// both. A malformed list matches nothing.
[[nodiscard]] bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept;

}  // namespace atl::net::http
