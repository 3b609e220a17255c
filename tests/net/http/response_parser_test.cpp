// response_parser: responses as real servers send them, and the framing
// each one implies.
#include "http_test.hpp"
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/response_parser.hpp>

#include <gtest/gtest.h>

#include <string>

namespace atl::net::http {
namespace {

using testing::bytes;
using testing::feed_bytewise;
using testing::feed_whole;

// Parses a head and reads its body with body_decoder; `eof` says whether
// the input ends with the connection's close.
struct exchange {
  parse_state state = parse_state::need_more;
  status error = status::ok;
  std::uint16_t code = 0;
  framing body = framing::none;
  bool keep_alive = false;
  std::string data;
  std::size_t used = 0;
};

exchange read(std::string_view in, bool head_request = false, bool bytewise = false) {
  response_parser p;
  if (head_request) p.expect_no_body();
  exchange e;
  e.used = bytewise ? feed_bytewise(p, in) : feed_whole(p, in);
  e.state = p.state();
  if (p.state() == parse_state::failed) e.error = p.error();
  if (p.state() != parse_state::done) return e;
  e.code = p.head().code;
  e.body = p.head().body;
  e.keep_alive = p.head().keep_alive;
  auto d = body_decoder::for_response(p.head(), {});
  auto rest = bytes(in.substr(e.used));
  while (!rest.empty() && !d.done() && !d.failed()) {
    const auto s = d.feed(rest);
    e.data.append(testing::text(s.data));
    rest = rest.subspan(s.consumed);
    e.used += s.consumed;
  }
  return e;
}

TEST(HttpResponseParser, ContentLength) {
  const std::string_view in =
      "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: nginx/1.22.1\r\n"
      "Content-Type: text/html\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhelloHTTP/1.1";
  for (const bool bytewise : {false, true}) {
    const auto e = read(in, false, bytewise);
    ASSERT_EQ(e.state, parse_state::done);
    EXPECT_EQ(e.code, 200);
    EXPECT_EQ(e.body, framing::length);
    EXPECT_TRUE(e.keep_alive);
    EXPECT_EQ(e.data, "hello");
    EXPECT_EQ(e.used, in.size() - 8);
  }
  response_parser p;
  feed_whole(p, in);
  EXPECT_EQ(p.head().reason, "OK");
  EXPECT_EQ(p.head().minor_version, 1);
  EXPECT_EQ(p.head().get("server"), "nginx/1.22.1");
  EXPECT_EQ(p.head().content_length, 5U);
}

TEST(HttpResponseParser, Chunked) {
  const auto e = read(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
      "7\r\nMozilla\r\n11\r\nDeveloper Network\r\n0\r\n\r\n");
  ASSERT_EQ(e.state, parse_state::done);
  EXPECT_EQ(e.body, framing::chunked);
  EXPECT_EQ(e.data, "MozillaDeveloper Network");
}

TEST(HttpResponseParser, HeadHasNoBody) {
  const auto e = read("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", true);
  ASSERT_EQ(e.state, parse_state::done);
  EXPECT_EQ(e.body, framing::none);
  EXPECT_TRUE(e.keep_alive);
  response_parser p;
  p.expect_no_body();
  feed_whole(p, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().content_length, 99999999999U);  // reported, not a limit
}

TEST(HttpResponseParser, NotModifiedAndNoContentHaveNoBody) {
  const auto e = read("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 50\r\n\r\n");
  ASSERT_EQ(e.state, parse_state::done);
  EXPECT_EQ(e.code, 304);
  EXPECT_EQ(e.body, framing::none);
  const auto n = read("HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(n.body, framing::none);
}

TEST(HttpResponseParser, ContinueThenFinal) {
  const std::string_view in =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
  response_parser p;
  const auto used = p.feed(bytes(in));
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().code, 100);
  EXPECT_EQ(p.head().body, framing::none);
  p.reset();
  p.feed(bytes(in.substr(used)));
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().code, 201);
  EXPECT_EQ(p.head().reason, "Created");
}

TEST(HttpResponseParser, CloseDelimited) {
  const auto e = read("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this");
  ASSERT_EQ(e.state, parse_state::done);
  EXPECT_EQ(e.body, framing::until_close);
  EXPECT_FALSE(e.keep_alive);
  EXPECT_EQ(e.data, "all of this");
  const auto k = read("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nx");
  EXPECT_EQ(k.body, framing::until_close);
  EXPECT_FALSE(k.keep_alive);
}

TEST(HttpResponseParser, ConnectionClose) {
  const auto e = read("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(e.state, parse_state::done);
  EXPECT_EQ(e.code, 404);
  EXPECT_FALSE(e.keep_alive);
  const auto k = read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(k.keep_alive);
}

TEST(HttpResponseParser, EmptyReason) {
  response_parser p;
  feed_whole(p, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().reason, "");
  response_parser q;
  feed_whole(q, "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(q.state(), parse_state::done);
}

TEST(HttpResponseParser, Rejects) {
  const std::pair<std::string_view, status> cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       status::bad_request},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", status::bad_request},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\n", status::bad_request},
      {"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", status::bad_request},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", status::not_implemented},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status::not_implemented},
      {"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", status::bad_request},
      {"HTTP/1.1 20 OK\r\n\r\n", status::bad_request},
      {"HTTP/1.1 2000 OK\r\n\r\n", status::bad_request},
      {"HTTP/1.1 099 Low\r\n\r\n", status::bad_request},
      {"HTTP/1.1 abc OK\r\n\r\n", status::bad_request},
      {"HTTP/2.0 200 OK\r\n\r\n", status::http_version_not_supported},
      {"ICY 200 OK\r\n\r\n", status::bad_request},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", status::payload_too_large},
  };
  for (const auto& [in, expected] : cases) {
    for (const bool bytewise : {false, true}) {
      const auto e = read(in, false, bytewise);
      ASSERT_EQ(e.state, parse_state::failed) << in;
      EXPECT_EQ(code(e.error), code(expected)) << in;
    }
  }
}

TEST(HttpResponseParser, LongStatusLineFailsEarly) {
  std::string in = "HTTP/1.1 200 ";
  in.append(100000, 'x');
  response_parser p;
  std::size_t max_buffered = 0;
  for (std::size_t i = 0; i < in.size() && p.state() == parse_state::need_more; i += 1000) {
    p.feed(bytes(std::string_view(in).substr(i, 1000)));
    max_buffered = std::max(max_buffered, p.buffered());
  }
  ASSERT_EQ(p.state(), parse_state::failed);
  EXPECT_EQ(p.error(), status::uri_too_long);
  EXPECT_LE(max_buffered, limits{}.request_line);
}

}  // namespace
}  // namespace atl::net::http
