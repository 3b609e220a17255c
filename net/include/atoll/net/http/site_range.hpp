// The static-file responder's reading of a Range header (RFC 9110 14.2).
//
// Only a single byte range is served. Everything else a server may ignore
// (RFC 9110 14.2: "A server MAY ignore the Range header field"), and ignoring
// is always safe: the client gets the whole representation with 200. So:
//   - "bytes=a-b", "bytes=a-", "bytes=-n" (one range): served with 206, the
//     last position clamped to the end; a suffix longer than the value is the
//     whole value;
//   - a single range that starts at or past the end, or a suffix of 0 bytes:
//     unsatisfiable (416 with "Content-Range: bytes */size");
//   - several ranges (multipart/byteranges is not implemented), another unit,
//     a malformed value (last < first, no digits, stray characters), or a
//     value of 0 bytes (no 206 can describe a range of it): ignored.
#pragma once

#include <cstdint>
#include <string_view>

namespace atl::net {

/// site_range: what to do with a request's Range header for a value of a
/// given size.
struct site_range {
  enum class action : std::uint8_t {
    ignore,         ///< serve the whole value, 200
    partial,        ///< serve [first, first + length), 206
    unsatisfiable,  ///< 416
  };
  action what = action::ignore;
  std::uint64_t first = 0;   ///< partial only
  std::uint64_t length = 0;  ///< partial only; at least 1
};

/// decide_site_range(header, size): the decision for the raw Range header
/// value `header` over a value of `size` bytes (rules above). Positions of
/// more digits than fit in 64 bits count as the largest number. Never fails.
[[nodiscard]] site_range decide_site_range(std::string_view header, std::uint64_t size) noexcept;

}  // namespace atl::net
