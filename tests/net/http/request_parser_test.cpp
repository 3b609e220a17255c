// request_parser: heads as browsers, curl and attackers send them.
#include "http_test.hpp"
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/request_parser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl::net::http {
namespace {

using testing::bytes;
using testing::feed_bytewise;
using testing::feed_whole;

TEST(HttpRequestParser, ParsesASimpleGet) {
  request_parser p;
  const std::string_view in =
      "GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8.0 \r\n"
      "Accept: */*\r\n\r\n";
  EXPECT_EQ(p.feed(bytes(in)), in.size());
  ASSERT_EQ(p.state(), parse_state::done);
  const auto& r = p.head();
  EXPECT_EQ(r.verb, method::get);
  EXPECT_EQ(r.method_name, "GET");
  EXPECT_EQ(r.target, "/index.html?x=1");
  EXPECT_EQ(r.minor_version, 1);
  ASSERT_EQ(r.fields.size(), 3U);
  EXPECT_EQ(r.fields[1].name, "User-Agent");
  EXPECT_EQ(r.fields[1].value, "curl/8.0");
  EXPECT_EQ(r.get("user-agent"), "curl/8.0");
  EXPECT_EQ(r.get("HOST"), "example.com");
  EXPECT_FALSE(r.get("cookie").has_value());
  EXPECT_EQ(r.body, framing::none);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.expect_continue);
  EXPECT_EQ(p.buffered(), in.size());
}

TEST(HttpRequestParser, OtherMethodsKeepTheirName) {
  request_parser p;
  feed_whole(p, "PROPFIND /dav/ HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().verb, method::other);
  EXPECT_EQ(p.head().method_name, "PROPFIND");
  p.reset();
  feed_whole(p, "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(p.head().verb, method::delete_);
}

TEST(HttpRequestParser, AcceptsBareLfAndLeadingEmptyLines) {
  request_parser p;
  feed_whole(p, "\r\n\nGET / HTTP/1.1\nHost: a\n\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().target, "/");
  EXPECT_EQ(p.head().get("host"), "a");
}

TEST(HttpRequestParser, BoundsLeadingEmptyLines) {
  request_parser p;
  std::string in;
  for (int i = 0; i < 9; ++i) in += "\r\n";
  in += "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  feed_whole(p, in);
  ASSERT_EQ(p.state(), parse_state::failed);
  EXPECT_EQ(p.error(), status::bad_request);
}

TEST(HttpRequestParser, TargetForms) {
  const auto parse = [](std::string_view line) {
    request_parser p;
    std::string in(line);
    in += "\r\nHost: h\r\n\r\n";
    feed_whole(p, in);
    return p.state();
  };
  EXPECT_EQ(parse("OPTIONS * HTTP/1.1"), parse_state::done);
  EXPECT_EQ(parse("GET * HTTP/1.1"), parse_state::failed);
  EXPECT_EQ(parse("GET http://h/x HTTP/1.1"), parse_state::done);
  EXPECT_EQ(parse("CONNECT h:443 HTTP/1.1"), parse_state::done);
  EXPECT_EQ(parse("CONNECT / HTTP/1.1"), parse_state::failed);
  EXPECT_EQ(parse("CONNECT user@h:443 HTTP/1.1"), parse_state::failed);
  EXPECT_EQ(parse("GET h:443 HTTP/1.1"), parse_state::failed);
  EXPECT_EQ(parse("GET x HTTP/1.1"), parse_state::failed);
}

TEST(HttpRequestParser, KeepAliveRules) {
  const auto keep = [](std::string_view in) {
    request_parser p;
    feed_whole(p, in);
    EXPECT_EQ(p.state(), parse_state::done) << in;
    return p.head().keep_alive;
  };
  EXPECT_TRUE(keep("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"));
}

TEST(HttpRequestParser, ExpectContinueOnlyIn11) {
  request_parser p;
  feed_whole(p, "PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_TRUE(p.head().expect_continue);
  EXPECT_EQ(p.head().body, framing::length);
  EXPECT_EQ(p.head().content_length, 3U);
  p.reset();
  feed_whole(p, "PUT /f HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_FALSE(p.head().expect_continue);
}

TEST(HttpRequestParser, ChunkedFraming) {
  request_parser p;
  feed_whole(p, "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().body, framing::chunked);
  p.reset();
  feed_whole(p, "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,  Chunked\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().body, framing::chunked);
}

TEST(HttpRequestParser, ObsTextAllowedInValues) {
  request_parser p;
  feed_whole(p, "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xc3\xa9\tau lait\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().get("x-name"), "caf\xc3\xa9\tau lait");
}

// Every malformed or hostile head fails with its status, fed whole and fed
// one byte at a time.
struct bad_case {
  const char* name;
  std::string_view in;
  status expected;
};

const bad_case bad_cases[] = {
    // Smuggling (issue 4's hostile list).
    {"CL and TE",
     "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     status::bad_request},
    {"TE and CL",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
     status::bad_request},
    {"duplicate CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
     status::bad_request},
    {"CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", status::bad_request},
    {"CL sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", status::bad_request},
    {"CL negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
     status::bad_request},
    {"CL hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", status::bad_request},
    {"CL empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", status::bad_request},
    {"CL overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
     status::bad_request},
    {"CL too big", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n",
     status::payload_too_large},
    {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", status::bad_request},
    {"obs-fold tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", status::bad_request},
    {"space after request line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", status::bad_request},
    {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status::bad_request},
    {"no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", status::bad_request},
    {"empty name", "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", status::bad_request},
    {"TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status::bad_request},
    {"TE not chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
     status::bad_request},
    {"TE chunked twice",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
     status::bad_request},
    {"TE chunked then gzip field",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
     status::bad_request},
    {"TE chunked params", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n",
     status::bad_request},
    {"TE empty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", status::bad_request},
    {"TE gzip chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     status::not_implemented},
    {"TE unknown then chunked",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n\r\n",
     status::not_implemented},
    // Control characters.
    {"bare CR in request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", status::bad_request},
    {"bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", status::bad_request},
    {"NUL in value", std::string_view("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35),
     status::bad_request},
    {"NUL in target", std::string_view("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", 30),
     status::bad_request},
    {"DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", status::bad_request},
    {"tab in target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request},
    {"high byte in target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request},
    // Host.
    {"missing Host", "GET / HTTP/1.1\r\n\r\n", status::bad_request},
    {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", status::bad_request},
    {"two Hosts 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", status::bad_request},
    {"Host with path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status::bad_request},
    {"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", status::bad_request},
    // Request line and version.
    {"HTTP/0.9", "GET /\r\n\r\n", status::bad_request},
    {"double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request},
    {"trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", status::bad_request},
    {"bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request},
    {"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", status::bad_request},
    {"garbage version", "GET / HTTP/11\r\nHost: a\r\n\r\n", status::bad_request},
    {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status::http_version_not_supported},
    {"HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", status::http_version_not_supported},
    {"HTTP/0.9 line", "GET / HTTP/0.9\r\n\r\n", status::http_version_not_supported},
};

class HttpRequestParserBad : public ::testing::TestWithParam<bad_case> {};

TEST_P(HttpRequestParserBad, FailsWithItsStatus) {
  const auto& c = GetParam();
  request_parser whole;
  feed_whole(whole, c.in);
  ASSERT_EQ(whole.state(), parse_state::failed) << c.name;
  EXPECT_EQ(code(whole.error()), code(c.expected)) << c.name << ": " << whole.error_reason();
  EXPECT_FALSE(whole.error_reason().empty());
  request_parser one;
  feed_bytewise(one, c.in);
  ASSERT_EQ(one.state(), parse_state::failed) << c.name;
  EXPECT_EQ(code(one.error()), code(c.expected)) << c.name;
  // Once failed, the parser takes nothing more.
  EXPECT_EQ(whole.feed(bytes("GET / HTTP/1.1\r\n")), 0U);
}

INSTANTIATE_TEST_SUITE_P(Hostile, HttpRequestParserBad, ::testing::ValuesIn(bad_cases));

TEST(HttpRequestParser, ByteAtATimeEqualsWhole) {
  const std::string_view inputs[] = {
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "\r\nPOST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\nbody",
      "PUT /x HTTP/1.1\nHost: b\nTransfer-Encoding: chunked\nExpect: 100-continue\n\nrest",
      "GET http://a/b HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC:   3   \r\n\r\nGET / HTTP/1.1\r\n",
  };
  for (const auto in : inputs) {
    request_parser whole;
    request_parser one;
    const auto used_whole = feed_whole(whole, in);
    const auto used_one = feed_bytewise(one, in);
    ASSERT_EQ(whole.state(), parse_state::done) << in;
    ASSERT_EQ(one.state(), parse_state::done) << in;
    EXPECT_EQ(used_whole, used_one);
    const auto& a = whole.head();
    const auto& b = one.head();
    EXPECT_EQ(a.verb, b.verb);
    EXPECT_EQ(a.method_name, b.method_name);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.minor_version, b.minor_version);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.content_length, b.content_length);
    EXPECT_EQ(a.keep_alive, b.keep_alive);
    EXPECT_EQ(a.expect_continue, b.expect_continue);
    ASSERT_EQ(a.fields.size(), b.fields.size());
    for (std::size_t i = 0; i < a.fields.size(); ++i) {
      EXPECT_EQ(a.fields[i].name, b.fields[i].name);
      EXPECT_EQ(a.fields[i].value, b.fields[i].value);
    }
  }
}

TEST(HttpRequestParser, PipelinedRequestsInOneBuffer) {
  const std::string_view in =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  request_parser p;
  const limits l;
  std::span<const std::byte> rest = bytes(in);
  std::vector<std::string> targets;
  std::vector<std::string> bodies;
  while (!rest.empty()) {
    rest = rest.subspan(p.feed(rest));
    ASSERT_EQ(p.state(), parse_state::done);
    targets.emplace_back(p.head().target);
    auto body = body_decoder::for_request(p.head(), l);
    std::string data;
    while (!body.done()) {
      ASSERT_FALSE(rest.empty());
      const auto step = body.feed(rest);
      ASSERT_FALSE(body.failed());
      data.append(testing::text(step.data));
      rest = rest.subspan(step.consumed);
    }
    bodies.push_back(data);
    const bool last = !p.head().keep_alive;
    p.reset();
    if (last) break;
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/b", "/c", "/d"}));
  EXPECT_EQ(bodies, (std::vector<std::string>{"", "hello", "abc", ""}));
}

TEST(HttpRequestParser, ResetAfterFailureParsesAgain) {
  request_parser p;
  feed_whole(p, "GET / HTTP/1.1\r\nHost : a\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::failed);
  p.reset();
  EXPECT_EQ(p.buffered(), 0U);
  feed_whole(p, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().target, "/ok");
}

// A megabyte of request line fails with 414 once the limit is passed, with
// no more than the limit buffered, whatever the size of the pieces.
TEST(HttpRequestParser, LongRequestLineFailsAtTheLimit) {
  const limits l;
  std::string line = "GET /";
  line.append(1 << 20, 'a');
  for (const std::size_t piece : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{1}}) {
    request_parser p(l);
    std::size_t offered = 0;
    std::size_t max_buffered = 0;
    while (offered < line.size() && p.state() == parse_state::need_more) {
      const auto n = std::min(piece, line.size() - offered);
      p.feed(bytes(std::string_view(line).substr(offered, n)));
      offered += n;
      max_buffered = std::max(max_buffered, p.buffered());
    }
    ASSERT_EQ(p.state(), parse_state::failed) << piece;
    EXPECT_EQ(p.error(), status::uri_too_long);
    EXPECT_LE(max_buffered, l.request_line);
    // It fails within one piece of the limit, not after the megabyte.
    EXPECT_LE(offered, l.request_line + piece + 1) << piece;
  }
}

TEST(HttpRequestParser, RequestLineAtTheLimitIsAccepted) {
  limits l;
  l.request_line = 64;
  std::string line = "GET /";
  line.append(64 - line.size() - 9, 'a');
  line += " HTTP/1.1";
  ASSERT_EQ(line.size(), 64U);
  request_parser ok(l);
  feed_bytewise(ok, line + "\r\nHost: a\r\n\r\n");
  EXPECT_EQ(ok.state(), parse_state::done);
  request_parser too_long(l);
  feed_bytewise(too_long, "G" + line + "\r\nHost: a\r\n\r\n");
  ASSERT_EQ(too_long.state(), parse_state::failed);
  EXPECT_EQ(too_long.error(), status::uri_too_long);
}

TEST(HttpRequestParser, HeadPastHeaderBytesIs431) {
  const limits l;
  std::string in = "GET / HTTP/1.1\r\nHost: a\r\n";
  while (in.size() < 2 * l.header_bytes) in += "X-Filler: " + std::string(100, 'f') + "\r\n";
  request_parser p(l);
  std::size_t max_buffered = 0;
  for (std::size_t i = 0; i < in.size() && p.state() == parse_state::need_more; i += 512) {
    p.feed(bytes(std::string_view(in).substr(i, 512)));
    max_buffered = std::max(max_buffered, p.buffered());
  }
  ASSERT_EQ(p.state(), parse_state::failed);
  EXPECT_EQ(p.error(), status::request_header_fields_too_large);
  EXPECT_LE(max_buffered, l.header_bytes);
}

TEST(HttpRequestParser, TooManyFieldsIs431) {
  limits l;
  l.header_count = 10;
  std::string in = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 9; ++i) in += "X-" + std::to_string(i) + ": v\r\n";
  request_parser ok(l);
  feed_whole(ok, in + "\r\n");
  ASSERT_EQ(ok.state(), parse_state::done);
  EXPECT_EQ(ok.head().fields.size(), 10U);
  request_parser p(l);
  feed_whole(p, in + "X-last: v\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::failed);
  EXPECT_EQ(p.error(), status::request_header_fields_too_large);
}

TEST(HttpRequestParser, ContentLengthAtTheBodyLimit) {
  limits l;
  l.body = 100;
  request_parser p(l);
  feed_whole(p, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.head().content_length, 100U);
  request_parser q(l);
  feed_whole(q, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n");
  ASSERT_EQ(q.state(), parse_state::failed);
  EXPECT_EQ(q.error(), status::payload_too_large);
}

TEST(HttpRequestParser, StopsRightAfterTheHead) {
  request_parser p;
  const std::string_view head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string in = std::string(head) + "NEXT";
  EXPECT_EQ(p.feed(bytes(in)), head.size());
  EXPECT_EQ(p.state(), parse_state::done);
  EXPECT_EQ(p.feed(bytes("more")), 0U);
}

TEST(HttpRequestParser, EndlessFieldLineFailsAtTheHeadLimit) {
  const limits l;
  request_parser p(l);
  p.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "));
  const std::string drip(100, 'z');
  std::size_t offered = 0;
  while (p.state() == parse_state::need_more && offered < (1U << 20)) {
    p.feed(bytes(drip));
    offered += drip.size();
    ASSERT_LE(p.buffered(), l.header_bytes);
  }
  ASSERT_EQ(p.state(), parse_state::failed);
  EXPECT_EQ(p.error(), status::request_header_fields_too_large);
  EXPECT_LE(offered, l.header_bytes + drip.size());
}

TEST(HttpRequestParser, ViewsSurviveAMove) {
  request_parser p;
  feed_whole(p, "GET /moved HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n");
  ASSERT_EQ(p.state(), parse_state::done);
  request_parser q(std::move(p));
  ASSERT_EQ(q.state(), parse_state::done);
  EXPECT_EQ(q.head().target, "/moved");
  EXPECT_EQ(q.head().get("x"), "y");
}

}  // namespace
}  // namespace atl::net::http
