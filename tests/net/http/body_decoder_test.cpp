// body_decoder: Content-Length, chunked and until-close bodies, split in
// every way, and the hostile chunk sizes of issue 4.
#include "http_test.hpp"
#include <atoll/net/http/body_decoder.hpp>

#include <gtest/gtest.h>

#include <string>

namespace atl::net::http {
namespace {

using testing::bytes;

struct decoded {
  std::string data;
  std::size_t consumed = 0;
  bool done = false;
  bool failed = false;
  status error = status::ok;
};

// Feeds `in` in pieces of `piece` bytes (each piece fed until used up or the
// decoder stops), collecting the body.
decoded decode(body_decoder d, std::string_view in, std::size_t piece) {
  decoded out;
  for (std::size_t at = 0; at < in.size() && !d.done() && !d.failed();) {
    auto chunk = bytes(in.substr(at, std::min(piece, in.size() - at)));
    while (!chunk.empty() && !d.done() && !d.failed()) {
      const auto step = d.feed(chunk);
      EXPECT_TRUE(step.consumed > 0 || d.done() || d.failed());
      EXPECT_LE(step.data.size(), step.consumed);
      out.data.append(testing::text(step.data));
      chunk = chunk.subspan(step.consumed);
      at += step.consumed;
      out.consumed += step.consumed;
      if (step.consumed == 0) break;
    }
  }
  out.done = d.done();
  out.failed = d.failed();
  if (d.failed()) out.error = d.error();
  EXPECT_EQ(d.total(), out.data.size());
  return out;
}

TEST(HttpBodyDecoder, LengthStopsAtItsEnd) {
  for (const std::size_t piece : {1, 3, 100}) {
    const auto r = decode(body_decoder::length(5), "helloGET /", piece);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.data, "hello");
    EXPECT_EQ(r.consumed, 5U);
  }
  EXPECT_TRUE(body_decoder::length(0).done());
}

TEST(HttpBodyDecoder, ChunkedWithExtensionsAndTrailers) {
  const std::string_view in =
      "4\r\nWiki\r\n5;name=\"value\"\r\npedia\r\nE ; ext\r\n in\r\n\r\nchunks.\r\n"
      "0\r\nExpires: never\r\nX-Trailer: 1\r\n\r\nNEXT";
  for (const std::size_t piece : {1, 2, 7, 1000}) {
    const auto r = decode(body_decoder::chunked({}), in, piece);
    EXPECT_TRUE(r.done) << piece;
    EXPECT_FALSE(r.failed) << piece;
    EXPECT_EQ(r.data, "Wikipedia in\r\n\r\nchunks.");
    EXPECT_EQ(r.consumed, in.size() - 4);
  }
}

TEST(HttpBodyDecoder, ChunkedHexCaseAndLeadingZeros) {
  const auto r =
      decode(body_decoder::chunked({}), "000a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n", 3);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.data.size(), 20U);
}

TEST(HttpBodyDecoder, OneDataSpanPerCall) {
  auto d = body_decoder::chunked({});
  const std::string_view in = "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
  const auto first = d.feed(bytes(in));
  EXPECT_EQ(testing::text(first.data), "abc");
  EXPECT_EQ(first.consumed, 6U);
  const auto second = d.feed(bytes(in.substr(first.consumed)));
  EXPECT_EQ(testing::text(second.data), "def");
}

struct bad_chunk {
  const char* name;
  std::string_view in;
  status expected;
};

const bad_chunk bad_chunks[] = {
    {"no digits", "\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"negative", "-3\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"0x prefix", "0x3\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"leading space", " 3\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"space inside", "1 0\r\n", status::bad_request},
    {"plus", "+3\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"overflow", "10000000000000000\r\n", status::bad_request},
    {"overflow long", "fffffffffffffffffffffffff\r\n", status::bad_request},
    {"bare LF after size", "3\nabc\r\n0\r\n\r\n", status::bad_request},
    {"bare CR after size", "3\rabc\r\n0\r\n\r\n", status::bad_request},
    {"data too long", "3\r\nabcd\r\n0\r\n\r\n", status::bad_request},
    {"data not followed by CRLF", "3\r\nabc\n0\r\n\r\n", status::bad_request},
    {"control in extension", "3;a\x01\r\nabc\r\n0\r\n\r\n", status::bad_request},
    {"bare CR in trailer", "0\r\nX: a\rb\r\n\r\n", status::bad_request},
    {"over the body limit", "100001\r\n", status::payload_too_large},
};

class HttpBodyDecoderBad : public ::testing::TestWithParam<bad_chunk> {};

TEST_P(HttpBodyDecoderBad, FailsWithItsStatus) {
  const auto& c = GetParam();
  for (const std::size_t piece : {1, 1000}) {
    const auto r = decode(body_decoder::chunked({}), c.in, piece);
    EXPECT_TRUE(r.failed) << c.name;
    EXPECT_EQ(code(r.error), code(c.expected)) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Hostile, HttpBodyDecoderBad, ::testing::ValuesIn(bad_chunks));

TEST(HttpBodyDecoder, TotalOfChunksBoundedByLimit) {
  limits l;
  l.body = 10;
  const auto ok = decode(body_decoder::chunked(l), "5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n", 4);
  EXPECT_TRUE(ok.done);
  const auto r = decode(body_decoder::chunked(l), "5\r\n12345\r\n6\r\n678901\r\n0\r\n\r\n", 4);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.error, status::payload_too_large);
  // It stops at the size line: nothing of the second chunk was given out.
  EXPECT_EQ(r.data, "12345");
}

TEST(HttpBodyDecoder, ChunkLineBounded) {
  limits l;
  l.chunk_line = 16;
  const std::string ext = "1;" + std::string(100, 'x') + "\r\na\r\n0\r\n\r\n";
  const auto r = decode(body_decoder::chunked(l), ext, 1);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.error, status::bad_request);
  EXPECT_LE(r.consumed, 17U);
  // Endless zeros count too.
  const auto z = decode(body_decoder::chunked(l), std::string(100, '0'), 1);
  EXPECT_TRUE(z.failed);
}

TEST(HttpBodyDecoder, TrailersBounded) {
  limits l;
  l.chunk_line = 32;
  l.header_bytes = 64;
  std::string in = "0\r\n";
  for (int i = 0; i < 10; ++i) in += "X-T: 0123456789\r\n";
  in += "\r\n";
  const auto r = decode(body_decoder::chunked(l), in, 5);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.error, status::request_header_fields_too_large);
  const auto line =
      decode(body_decoder::chunked(l), "0\r\nX: " + std::string(40, 'a') + "\r\n\r\n", 5);
  EXPECT_TRUE(line.failed);
  EXPECT_EQ(line.error, status::request_header_fields_too_large);
}

TEST(HttpBodyDecoder, UntilCloseTakesEverything) {
  auto d = body_decoder::until_close();
  const auto s = d.feed(bytes("abc"));
  EXPECT_EQ(s.consumed, 3U);
  EXPECT_EQ(testing::text(s.data), "abc");
  EXPECT_FALSE(d.done());
  EXPECT_EQ(d.total(), 3U);
}

TEST(HttpBodyDecoder, ForRequestFollowsFraming) {
  request r;
  r.body = framing::none;
  EXPECT_TRUE(body_decoder::for_request(r, {}).done());
  r.body = framing::length;
  r.content_length = 2;
  auto d = body_decoder::for_request(r, {});
  EXPECT_FALSE(d.done());
  EXPECT_EQ(d.feed(bytes("abc")).consumed, 2U);
  EXPECT_TRUE(d.done());
}

}  // namespace
}  // namespace atl::net::http
