// Limits of the HTTP/1.1 parsers and body decoder. Every buffer they keep is
// bounded by these, whatever the peer sends (slowloris, endless lines).
#pragma once

#include <cstddef>
#include <cstdint>

namespace atl::net::http {

/// limits: the bounds a parser enforces as bytes arrive.
struct limits {
  /// Longest request line (or status line), CRLF excluded: 414 past it.
  std::size_t request_line = 8192;
  /// Largest head, request line and CRLFs included; it is also the size of
  /// the parser's buffer: 431 past it.
  std::size_t header_bytes = 16384;
  /// Most fields in a head: 431 past it.
  std::size_t header_count = 100;
  /// Largest body (Content-Length, or chunked total): 413 past it.
  std::uint64_t body = 1 << 20;
  /// Longest chunk-size line with its extensions, and longest trailer line.
  std::size_t chunk_line = 1024;
};

}  // namespace atl::net::http
