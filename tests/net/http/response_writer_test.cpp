// response_head and chunked_encoder: the bytes a response starts with, and
// header injection refused.
#include "http_test.hpp"
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/response_parser.hpp>
#include <atoll/net/http/response_writer.hpp>

#include <gtest/gtest.h>

#include <string>

namespace atl::net::http {
namespace {

TEST(HttpResponseHead, WritesStatusLineAndFields) {
  response_head h(status::not_found);
  ASSERT_TRUE(h.add("Content-Type", "text/html").has_value());
  ASSERT_TRUE(h.add_number("Content-Length", 1234567890123ULL).has_value());
  ASSERT_TRUE(h.add("X-Empty", "").has_value());
  EXPECT_EQ(h.text(),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
            "Content-Length: 1234567890123\r\nX-Empty: \r\n");
  h.finish();
  h.finish();
  EXPECT_TRUE(h.text().ends_with("\r\nX-Empty: \r\n\r\n"));
  EXPECT_FALSE(h.add("Late", "x").has_value());
}

TEST(HttpResponseHead, Version10AndZero) {
  response_head h(status::ok, 0);
  ASSERT_TRUE(h.add_number("Content-Length", 0).has_value());
  h.finish();
  EXPECT_EQ(h.text(), "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpResponseHead, RefusesInjection) {
  response_head h(status::found);
  const auto before = std::string(h.text());
  EXPECT_EQ(h.add("Location", "/a\r\nSet-Cookie: x=1").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("Location", "/a\nb").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("Location", std::string_view("/a\0b", 4)).error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("X-A\r\nB", "v").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("Bad Name", "v").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("", "v").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.add("Bad:", "v").error().code(), errc::invalid_argument);
  EXPECT_EQ(h.text(), before);
  EXPECT_TRUE(h.add("X-Tab", "a\tb").has_value());
}

TEST(HttpResponseHead, BoundedSize) {
  response_head h(status::ok);
  const std::string big(1000, 'v');
  int added = 0;
  while (h.add("X-Big", big).has_value()) ++added;
  EXPECT_EQ(added, 4);
  EXPECT_EQ(h.add("X-Big", big).error().code(), errc::limit_exceeded);
  h.finish();
  EXPECT_LE(h.text().size(), response_head::max_size);
  EXPECT_TRUE(h.text().ends_with("\r\n\r\n"));
  // Filling to the last byte still leaves room for the final CRLF.
  response_head f(status::ok);
  const std::size_t room = response_head::max_size - f.text().size() - 2;
  ASSERT_TRUE(f.add("X", std::string(room - 5, 'a')).has_value());
  EXPECT_FALSE(f.add("Y", "").has_value());
  f.finish();
  EXPECT_EQ(f.text().size(), response_head::max_size);
}

TEST(HttpResponseHead, ParsesBack) {
  response_head h(status::partial_content);
  ASSERT_TRUE(h.add("Content-Range", "bytes 0-4/10").has_value());
  ASSERT_TRUE(h.add_number("Content-Length", 5).has_value());
  h.finish();
  response_parser p;
  EXPECT_EQ(p.feed(testing::bytes(h.text())), h.text().size());
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().code, 206);
  EXPECT_EQ(p.head().reason, "Partial Content");
  EXPECT_EQ(p.head().get("content-range"), "bytes 0-4/10");
  EXPECT_EQ(p.head().content_length, 5U);
}

TEST(HttpChunkedEncoder, PiecesDecodeBack) {
  chunked_encoder e;
  EXPECT_EQ(e.header(1), "1\r\n");
  EXPECT_EQ(e.header(255), "ff\r\n");
  EXPECT_EQ(e.header(0xFFFFFFFFFFFFFFFFULL), "ffffffffffffffff\r\n");
  std::string wire;
  for (const std::string_view piece : {"hello, ", "chunked ", "world"}) {
    wire += e.header(piece.size());
    wire += piece;
    wire += chunked_encoder::trailer();
  }
  wire += chunked_encoder::last();
  auto d = body_decoder::chunked({});
  std::string out;
  auto in = testing::bytes(wire);
  while (!in.empty() && !d.done()) {
    const auto s = d.feed(in);
    out.append(testing::text(s.data));
    in = in.subspan(s.consumed);
  }
  EXPECT_TRUE(d.done());
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(out, "hello, chunked world");
}

}  // namespace
}  // namespace atl::net::http
