// Helpers shared by the HTTP wire tests: text as bytes, and feeding a
// parser whole or one byte at a time.
#pragma once

#include <atoll/net/http/request_parser.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace atl::net::http::testing {

inline std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

inline std::string_view text(std::span<const std::byte> b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

/// feed_whole / feed_bytewise: feed `in` to a parser (request_parser or
/// response_parser) in one call or one byte per call, stopping when it is no
/// longer waiting; return the bytes it used.
template <class Parser>
std::size_t feed_whole(Parser& p, std::string_view in) {
  return p.feed(bytes(in));
}

template <class Parser>
std::size_t feed_bytewise(Parser& p, std::string_view in) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    used += p.feed(bytes(in.substr(i, 1)));
    if (p.state() != parse_state::need_more) break;
  }
  return used;
}

}  // namespace atl::net::http::testing
