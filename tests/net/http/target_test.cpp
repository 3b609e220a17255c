// decode_path, parse_range and etag_matches: the traversal list of issue 4
// and the Range and If-None-Match cases a file server meets (the static-file
// responder's own cases included: it uses these two).
#include <atoll/net/http/target.hpp>

#include <gtest/gtest.h>

#include <string>

namespace atl::net::http {
namespace {

TEST(HttpDecodePath, DecodesAndKeepsMeaning) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/", "/"},
      {"/index.html", "/index.html"},
      {"/a/b/", "/a/b/"},
      {"/a%20b", "/a b"},
      {"/caf%C3%A9", "/caf\xc3\xa9"},
      {"/a?x=../../etc/passwd", "/a"},
      {"/a#frag", "/a"},
      {"/a//b", "/a/b"},
      {"//a", "/a"},
      {"/a/b//", "/a/b/"},
      {"/..a/b..", "/..a/b.."},
      {"/.well-known/x", "/.well-known/x"},
      {"/a+b;c", "/a+b;c"},
      {"/%7euser", "/~user"},
      {"/%f0%9f%98%80", "/\xf0\x9f\x98\x80"},
  };
  for (const auto& [in, out] : cases) {
    const auto r = decode_path(in);
    ASSERT_TRUE(r.has_value()) << in << ": " << r.error().message();
    EXPECT_EQ(*r, out) << in;
  }
}

TEST(HttpDecodePath, RejectsTraversalAndAmbiguity) {
  for (const std::string_view bad : {
           std::string_view("/.."),
           std::string_view("/../etc/passwd"),
           std::string_view("/a/../../b"),
           std::string_view("/a/.."),
           std::string_view("/a/./b"),
           std::string_view("/."),
           std::string_view("/%2e%2e/etc/passwd"),
           std::string_view("/%2E%2E/x"),
           std::string_view("/.%2e/x"),
           std::string_view("/%2e./x"),
           std::string_view("/%2e"),
           std::string_view("/a%2f..%2fb"),
           std::string_view("/a%2Fb"),
           std::string_view("/a%5cb"),
           std::string_view("/a\\b"),
           std::string_view("/..\\x"),
           std::string_view("/a%00b"),
           std::string_view("/a\0b", 4),
           std::string_view("/a%0ab"),
           std::string_view("/a%0db"),
           std::string_view("/a%7f"),
           std::string_view("/a b"),
           std::string_view("/a\tb"),
           std::string_view("/caf\xc3\xa9"),
           std::string_view("/%c0%ae%c0%ae/x"),  // overlong '.'
           std::string_view("/%e0%80%ae"),       // overlong '.'
           std::string_view("/%c0%af"),          // overlong '/'
           std::string_view("/%c1%bf"),
           std::string_view("/%ed%a0%80"),     // surrogate
           std::string_view("/%f4%90%80%80"),  // above U+10FFFF
           std::string_view("/%f8%88%80%80%80"),
           std::string_view("/%80"),
           std::string_view("/%c3"),
           std::string_view("/%c3%28"),
           std::string_view("/%"),
           std::string_view("/%4"),
           std::string_view("/%zz"),
           std::string_view("/%%32%65"),
           std::string_view(""),
           std::string_view("a/b"),
           std::string_view("http://h/a"),
           std::string_view("*"),
           std::string_view("?x"),
       }) {
    const auto r = decode_path(bad);
    ASSERT_FALSE(r.has_value()) << bad << " gave " << *r;
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << bad;
  }
}

TEST(HttpDecodePath, BoundedLength) {
  std::string ok = "/" + std::string(max_path - 1, 'a');
  EXPECT_TRUE(decode_path(ok).has_value());
  const auto r = decode_path(ok + "a");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::limit_exceeded);
}

TEST(HttpRange, Satisfiable) {
  const auto r = [](std::string_view h, std::uint64_t size) {
    const auto o = parse_range(h, size);
    EXPECT_EQ(o.kind, range_kind::satisfiable) << h;
    return o.range;
  };
  EXPECT_EQ(r("bytes=0-499", 10000), (byte_range{0, 499}));
  EXPECT_EQ(r("bytes=500-999", 10000), (byte_range{500, 999}));
  EXPECT_EQ(r("bytes=9500-", 10000), (byte_range{9500, 9999}));
  EXPECT_EQ(r("bytes=-500", 10000), (byte_range{9500, 9999}));
  EXPECT_EQ(r("bytes=-20000", 10000), (byte_range{0, 9999}));
  EXPECT_EQ(r("bytes=0-0", 1), (byte_range{0, 0}));
  EXPECT_EQ(r("bytes=0-0", 10), (byte_range{0, 0}));
  EXPECT_EQ(r("bytes=0-9", 10), (byte_range{0, 9}));
  EXPECT_EQ(r("bytes=3-5", 10), (byte_range{3, 5}));
  EXPECT_EQ(r("bytes=9-", 10), (byte_range{9, 9}));
  EXPECT_EQ(r("bytes=0-", 10), (byte_range{0, 9}));
  EXPECT_EQ(r("bytes=-1", 10), (byte_range{9, 9}));
  EXPECT_EQ(r("bytes=-10", 10), (byte_range{0, 9}));
  EXPECT_EQ(r("bytes=-11", 10), (byte_range{0, 9}));  // longer than the value: all of it
  EXPECT_EQ(r("bytes=5-18446744073709551615", 10), (byte_range{5, 9}));
  EXPECT_EQ(r("bytes=5-99999999999999999999999", 10), (byte_range{5, 9}));  // saturates, is cut
  EXPECT_EQ(r("Bytes = 1-2 ", 10).length(), 2U);
  EXPECT_EQ(r(" BYTES=\t2-3 ", 10), (byte_range{2, 3}));
  EXPECT_EQ(r(" bytes=0-", 3), (byte_range{0, 2}));
  EXPECT_EQ(r("bytes=0007-0008", 10), (byte_range{7, 8}));
}

TEST(HttpRange, Unsatisfiable) {
  for (const auto& [h, size] : std::initializer_list<std::pair<std::string_view, std::uint64_t>>{
           {"bytes=10000-", 10000},
           {"bytes=10000-20000", 10000},
           {"bytes=-0", 10000},
           {"bytes=10-", 10},
           {"bytes=10-20", 10},
           {"bytes=-0", 10},
           {"bytes=11-11", 10},
           {"bytes=18446744073709551615-", 10},
           {"bytes=99999999999999999999999-", 10},
       }) {
    EXPECT_EQ(parse_range(h, size).kind, range_kind::unsatisfiable) << h;
  }
}

TEST(HttpRange, Ignored) {
  for (const std::string_view h : {
           "",
           "bytes",
           "bytes=",
           "bytes=-",
           "bytes=5-3",
           "bytes=5-4",
           "bytes=a-b",
           "bytes=1-a",
           "bytes=1-2-3",
           "bytes=1--2",
           "bytes=--1",
           "bytes=1 - 2",
           "bytes=0x1-2",
           "bytes=+1-2",
           "bytes=0-1,5-6",
           "bytes=0-1, 5-6",
           "bytes=0-1,",
           ",bytes=0-1",
           "pages=1-2",
           "bits=0-1",
           "bytesx=0-1",
           "bytes =0-1x",
           "bytes 0-1",
       }) {
    EXPECT_EQ(parse_range(h, 10000).kind, range_kind::ignore) << h;
    EXPECT_EQ(parse_range(h, 10).kind, range_kind::ignore) << h;
  }
}

TEST(HttpRange, EmptyRepresentationIsServedWhole) {
  // No first <= last < 0 exists: no 206 can describe a range of it.
  for (const std::string_view h : {"bytes=0-", "bytes=-1", "bytes=-5", "bytes=-0", "bytes=0-0"}) {
    EXPECT_EQ(parse_range(h, 0).kind, range_kind::ignore) << h;
  }
}

TEST(HttpRange, TheLastByteOfTheLargestValue) {
  constexpr std::uint64_t max = ~std::uint64_t{0};
  EXPECT_EQ(parse_range("bytes=-1", max).range, (byte_range{max - 1, max - 1}));
  const auto all = parse_range("bytes=0-", max);
  EXPECT_EQ(all.kind, range_kind::satisfiable);
  EXPECT_EQ(all.range, (byte_range{0, max - 1}));
  EXPECT_EQ(all.range.length(), max);
}

TEST(HttpEtag, WeakComparison) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\",W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" \"x\" ,W/\"abc\" , ", "\"abc\""));
  EXPECT_TRUE(etag_matches(" , \"x\" ,\t,\"abc\" , ", "\"abc\""));  // empty elements
  EXPECT_TRUE(etag_matches("\"a,b\", \"abc\"", "\"abc\""));         // a comma inside a tag
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"\"", "\"\""));
}

TEST(HttpEtag, NoMatch) {
  for (const std::string_view header : {
           "\"abcd\"",
           "\"ABC\"",
           "",
           " ",
           "abc",
           "\"abc",
           "W/abc",
           "w/\"abc\"",
           R"("ab"c")",
           R"("x" "abc")",
           R"("x";"abc")",
           // A malformed list matches nothing, not even a tag before the fault.
           "\"abc\" \"x\"",
           "\"abc\", junk",
           "*, \"abc\"",
       }) {
    EXPECT_FALSE(etag_matches(header, "\"abc\"")) << header;
  }
  EXPECT_FALSE(etag_matches("\"a b\"", "\"a b\""));  // not an entity-tag
  EXPECT_FALSE(etag_matches("\"abc\"", "abc"));
  EXPECT_FALSE(etag_matches("\"\"", "not-quoted"));
}

TEST(HttpOriginForm, FromEachTargetForm) {
  EXPECT_EQ(origin_form("/a/b?q=1"), "/a/b?q=1");
  EXPECT_EQ(origin_form("http://example.com/a/b?q=1"), "/a/b?q=1");
  EXPECT_EQ(origin_form("https://example.com:8443/"), "/");
  EXPECT_EQ(origin_form("http://example.com"), "/");
  EXPECT_EQ(origin_form("http://example.com?q"), "/");
  EXPECT_EQ(origin_form("http://u@example.com/x"), "/x");
  EXPECT_FALSE(origin_form("*").has_value());
  EXPECT_FALSE(origin_form("example.com:443").has_value());
  EXPECT_FALSE(origin_form("://x/y").has_value());
  EXPECT_FALSE(origin_form("ht tp://x/y").has_value());
  EXPECT_FALSE(origin_form("").has_value());
  const auto path = decode_path(*origin_form("http://h/%2e%2e/etc"));
  EXPECT_FALSE(path.has_value());
}

}  // namespace
}  // namespace atl::net::http
