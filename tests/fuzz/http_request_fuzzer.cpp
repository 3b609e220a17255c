// Fuzzes request_parser and body_decoder over pipelined requests: the first
// byte picks the size of the pieces the rest is fed in. Checks that any
// split gives the same outcome as feeding everything at once, that no
// buffer passes its limit, and that whatever parses yields only what the
// contracts promise (decode_path's output stays inside the root, dates
// round-trip). A failed check stops with ATOLL_ASSERT.
#include <atoll/core/assert.hpp>
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/date.hpp>
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/target.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

using namespace atl;
using namespace atl::net::http;

namespace {

// Small limits, so the fuzzer reaches them.
constexpr limits small{
    .request_line = 256, .header_bytes = 1024, .header_count = 16, .body = 4096, .chunk_line = 64};

void check_head(const request& r) {
  ATOLL_ASSERT(!r.method_name.empty() && !r.target.empty());
  ATOLL_ASSERT(r.minor_version <= 1);
  ATOLL_ASSERT(r.fields.size() <= small.header_count);
  ATOLL_ASSERT(r.body != framing::until_close);
  if (r.minor_version == 1) ATOLL_ASSERT(r.get("host").has_value());
  if (r.body == framing::length) ATOLL_ASSERT(r.content_length <= small.body);
  if (r.target.front() == '/') {
    const auto path = decode_path(r.target);
    if (path) {
      const std::string_view p = *path;
      ATOLL_ASSERT(!p.empty() && p.front() == '/' && p.size() <= max_path);
      ATOLL_ASSERT(p.find("/../") == std::string_view::npos && !p.ends_with("/.."));
      ATOLL_ASSERT(p.find("/./") == std::string_view::npos && !p.ends_with("/."));
      ATOLL_ASSERT(p.find('\\') == std::string_view::npos);
      ATOLL_ASSERT(p.find('\0') == std::string_view::npos);
      ATOLL_ASSERT(p.find("//") == std::string_view::npos);
    }
  }
  for (const auto& f : r.fields) {
    (void)accepts_coding(f.value, "gzip");
    (void)etag_matches(f.value, "\"abc\"");
    const auto range = parse_range(f.value, 1000);
    if (range.kind == range_kind::satisfiable) {
      ATOLL_ASSERT(range.range.first <= range.range.last && range.range.last < 1000);
    }
    if (const auto date = parse_date(f.value)) {
      ATOLL_ASSERT(parse_date(format_date(*date).view()) == *date);
    }
  }
}

// Parses every request in `in` (at most 8), feeding pieces of `piece` bytes.
// Returns a digest of what happened, to compare between splits.
std::uint64_t run(std::span<const std::byte> in, std::size_t piece) {
  request_parser p(small);
  std::uint64_t digest = 0;
  const auto mix = [&digest](std::uint64_t v) { digest = digest * 1000003 + v + 1; };
  for (int message = 0; message < 8 && !in.empty(); ++message) {
    while (!in.empty() && p.state() == parse_state::need_more) {
      const auto n = std::min(piece, in.size());
      const auto used = p.feed(in.first(n));
      ATOLL_ASSERT(used <= n);
      ATOLL_ASSERT(used > 0 || p.state() != parse_state::need_more);
      ATOLL_ASSERT(p.buffered() <= small.header_bytes);
      in = in.subspan(used);
    }
    mix(static_cast<std::uint64_t>(p.state()));
    if (p.state() == parse_state::failed) {
      mix(code(p.error()));
      ATOLL_ASSERT(!p.error_reason().empty());
      return digest;
    }
    if (p.state() != parse_state::done) return digest;
    const auto& r = p.head();
    check_head(r);
    mix(r.fields.size());
    mix(static_cast<std::uint64_t>(r.body));
    mix(r.keep_alive);
    auto body = body_decoder::for_request(r, small);
    while (!in.empty() && !body.done() && !body.failed()) {
      const auto n = std::min(piece, in.size());
      const auto chunk = in.first(n);
      const auto step = body.feed(chunk);
      ATOLL_ASSERT(step.consumed > 0 && step.consumed <= n);
      if (!step.data.empty()) {
        ATOLL_ASSERT(step.data.data() >= chunk.data() &&
                     step.data.data() + step.data.size() <= chunk.data() + step.consumed);
      }
      in = in.subspan(step.consumed);
    }
    ATOLL_ASSERT(body.total() <= small.body);
    mix(body.total());
    mix(body.done());
    if (body.failed()) {
      mix(code(body.error()));
      return digest;
    }
    if (!body.done()) return digest;
    p.reset();
  }
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto in = std::as_bytes(std::span(data + 1, size - 1));
  const std::size_t piece = data[0] == 0 ? 1 : data[0];
  ATOLL_ASSERT(run(in, in.size() + 1) == run(in, piece));
  return 0;
}
