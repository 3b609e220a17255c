// Fuzzes response_parser and body_decoder: the first byte picks the size of
// the pieces (bits 1-7) and whether the request was HEAD (bit 0). Checks
// that any split gives the same outcome as feeding everything at once, that
// no buffer passes its limit, and that the framing follows RFC 9112 6.3.
#include <atoll/core/assert.hpp>
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/response_parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net::http;

namespace {

constexpr limits small{
    .request_line = 256, .header_bytes = 1024, .header_count = 16, .body = 4096, .chunk_line = 64};

std::uint64_t run(std::span<const std::byte> in, std::size_t piece, bool head_request) {
  response_parser p(small);
  std::uint64_t digest = 0;
  const auto mix = [&digest](std::uint64_t v) { digest = digest * 1000003 + v + 1; };
  for (int message = 0; message < 8 && !in.empty(); ++message) {
    if (head_request) p.expect_no_body();
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
      return digest;
    }
    if (p.state() != parse_state::done) return digest;
    const auto& r = p.head();
    ATOLL_ASSERT(r.code >= 100 && r.code <= 999 && r.minor_version <= 1);
    ATOLL_ASSERT(r.fields.size() <= small.header_count);
    if (head_request || r.code < 200 || r.code == 204 || r.code == 304) {
      ATOLL_ASSERT(r.body == framing::none);
    }
    if (r.body == framing::until_close) ATOLL_ASSERT(!r.keep_alive);
    mix(r.code);
    mix(static_cast<std::uint64_t>(r.body));
    auto body = body_decoder::for_response(r, small);
    while (!in.empty() && !body.done() && !body.failed()) {
      const auto n = std::min(piece, in.size());
      const auto step = body.feed(in.first(n));
      ATOLL_ASSERT(step.consumed > 0 && step.consumed <= n && step.data.size() <= step.consumed);
      in = in.subspan(step.consumed);
    }
    mix(body.total());
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
  const bool head_request = (data[0] & 1U) != 0;
  const std::size_t piece = (data[0] >> 1) == 0 ? 1 : data[0] >> 1;
  ATOLL_ASSERT(run(in, in.size() + 1, head_request) == run(in, piece, head_request));
  return 0;
}
