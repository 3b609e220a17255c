// The static-file responder (net/http/site.hpp) end to end through
// respond(), over memory_kv and crunched_kv: conditional requests, ranges,
// the gzip variant, HEAD, and reading the body.
#include "site_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl::net::site_testing {
namespace {

TEST_F(site_test, if_none_match_strong_weak_list_and_star) {
  const std::string etag = etag_of("<h1>home</h1>");
  for (const std::string& value : {etag, "W/" + etag, "\"other\", " + etag,
                                   "\"a\",W/" + etag + " , \"b\"", std::string("*")}) {
    site_request request;
    request.path = "/";
    request.if_none_match = value;
    const site_response r = get(request);
    EXPECT_EQ(r.status, 304) << value;
    EXPECT_EQ(header(r, "ETag"), etag) << value;
    EXPECT_EQ(header(r, "Content-Length"), "<none>") << value;
    EXPECT_EQ(header(r, "Last-Modified"), "<none>") << value;
    EXPECT_FALSE(r.has_body) << value;
    EXPECT_TRUE(r.small_body.empty()) << value;
  }
  for (const std::string& value : {std::string("\"other\""), std::string(R"(W/"other", "x")"),
                                   etag.substr(1, 32), std::string("")}) {
    site_request request;
    request.path = "/";
    request.if_none_match = value;
    EXPECT_EQ(get(request).status, 200) << value;
  }
}

TEST_F(site_test, if_modified_since) {
  const auto at = [this](wall_time since) {
    site_request request;
    request.path = "/docs/guide.txt";
    request.if_modified_since = since;
    return get(request).status;
  };
  EXPECT_EQ(at(mtime - 1s), 200);                      // changed since
  EXPECT_EQ(at(wall_time(1'700'000'000s)), 304);       // equal, at second resolution
  EXPECT_EQ(at(mtime + 1h), 304);                      // later
  EXPECT_EQ(at(wall_time(1'700'000'000s) - 1s), 200);  // one second before
}

TEST_F(site_test, if_none_match_takes_precedence_over_if_modified_since) {
  site_request request;
  request.path = "/";
  request.if_none_match = "\"stale\"";
  request.if_modified_since = mtime + 1h;
  EXPECT_EQ(get(request).status, 200);
  request.if_none_match = etag_of("<h1>home</h1>");
  request.if_modified_since = mtime - 1h;
  EXPECT_EQ(get(request).status, 304);
}

TEST_F(site_test, ranges_give_206) {
  struct expected {
    const char* range;
    std::uint64_t first;
    std::uint64_t length;
    const char* content_range;
  };
  for (const expected& e : {expected{"bytes=0-9", 0, 10, "bytes 0-9/100"},
                            expected{"bytes=99-99", 99, 1, "bytes 99-99/100"},
                            expected{"bytes=90-", 90, 10, "bytes 90-99/100"},
                            expected{"bytes=-10", 90, 10, "bytes 90-99/100"},
                            expected{"bytes=95-5000", 95, 5, "bytes 95-99/100"},
                            expected{"bytes=-500", 0, 100, "bytes 0-99/100"},
                            expected{"Bytes = 1-2", 1, 2, "bytes 1-2/100"}}) {
    const site_response r = get(ranged(e.range));
    EXPECT_EQ(r.status, 206) << e.range;
    EXPECT_EQ(r.offset, e.first) << e.range;
    EXPECT_EQ(r.length, e.length) << e.range;
    EXPECT_TRUE(r.has_body) << e.range;
    EXPECT_EQ(header(r, "Content-Range"), e.content_range) << e.range;
    EXPECT_EQ(header(r, "Content-Length"), std::to_string(e.length)) << e.range;
    EXPECT_EQ(header(r, "ETag"), etag_of(digits())) << e.range;
  }
}

TEST_F(site_test, unsatisfiable_range_is_416) {
  for (const char* range :
       {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=99999999999999999999-"}) {
    const site_response r = get(ranged(range));
    EXPECT_EQ(r.status, 416) << range;
    EXPECT_EQ(header(r, "Content-Range"), "bytes */100") << range;
    EXPECT_FALSE(r.has_body) << range;
  }
}

TEST_F(site_test, malformed_or_multiple_ranges_are_ignored) {
  for (const char* range : {"bytes=abc", "bytes=5-3", "items=0-1", "bytes", "bytes=0-1,3-4",
                            "bytes=0-1, 5-", "bytes=-", "bytes=1-2x", "bytes=--1", ""}) {
    const site_response r = get(ranged(range));
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_EQ(r.length, 100u) << range;
    EXPECT_EQ(header(r, "Content-Range"), "<none>") << range;
  }
}

TEST_F(site_test, a_range_of_an_empty_file_is_ignored) {
  site_request request = ranged("bytes=0-");
  request.path = "/zero.txt";
  const site_response r = get(request);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Length"), "0");
  EXPECT_FALSE(r.has_body);
}

TEST_F(site_test, a_matching_validator_wins_over_range) {
  site_request request = ranged("bytes=0-9");
  request.if_none_match = etag_of(digits());
  EXPECT_EQ(get(request).status, 304);
}

TEST_F(site_test, gzip_variant_served_only_when_accepted_and_present) {
  site_request request;
  request.path = "/style.css";
  request.accepts_gzip = true;
  const site_response gz = get(request);
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body_key.text(), "style.css.gz");
  EXPECT_EQ(gz.length, 13u);
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(gz, "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(header(gz, "ETag"), etag_of("GZIPPED-STYLE"));
  EXPECT_EQ(header(gz, "Vary"), "Accept-Encoding");

  request.accepts_gzip = false;
  const site_response plain = get(request);
  EXPECT_EQ(plain.body_key.text(), "style.css");
  EXPECT_EQ(plain.length, 19u);
  EXPECT_EQ(header(plain, "Content-Encoding"), "<none>");
  EXPECT_EQ(header(plain, "ETag"), etag_of("body { color: red }"));
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");

  // No variant: no Content-Encoding, no Vary, whatever the client accepts.
  request.path = "/docs/guide.txt";
  request.accepts_gzip = true;
  const site_response none = get(request);
  EXPECT_EQ(none.body_key.text(), "docs/guide.txt");
  EXPECT_EQ(header(none, "Content-Encoding"), "<none>");
  EXPECT_EQ(header(none, "Vary"), "<none>");
}

TEST_F(site_test, ranges_and_validators_apply_to_the_variant_served) {
  site_request request;
  request.path = "/style.css";
  request.accepts_gzip = true;
  request.range = "bytes=-3";
  const site_response r = get(request);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body_key.text(), "style.css.gz");
  EXPECT_EQ(header(r, "Content-Range"), "bytes 10-12/13");
  request.range.reset();
  request.if_none_match = etag_of("body { color: red }");  // the identity's tag
  EXPECT_EQ(get(request).status, 200);
  request.if_none_match = etag_of("GZIPPED-STYLE");
  const site_response not_modified = get(request);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(header(not_modified, "Vary"), "Accept-Encoding");
}

TEST_F(site_test, head_has_the_headers_of_get_without_a_body) {
  for (const char* path : {"/", "/big.txt", "/nope", "/docs"}) {
    site_request request;
    request.path = path;
    const site_response full = get(request);
    request.head = true;
    const site_response head = get(request);
    EXPECT_EQ(head.status, full.status) << path;
    EXPECT_EQ(head.headers, full.headers) << path;
    EXPECT_FALSE(head.has_body) << path;
    EXPECT_TRUE(head.small_body.empty()) << path;
  }
  site_request request = ranged("bytes=0-9");
  request.head = true;
  const site_response r = get(request);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(header(r, "Content-Length"), "10");
  EXPECT_FALSE(r.has_body);
}

TEST_F(site_test, read_site_body_reads_the_slice_and_detects_a_shrunk_value) {
  const site_response r = get(ranged("bytes=10-19"));
  auto slice = engine_.run(read_site_body(kv_, r.body_key, r.offset, r.length));
  ASSERT_TRUE(slice.has_value());
  std::string text;
  for (const std::byte b : slice->bytes()) text.push_back(static_cast<char>(b));
  EXPECT_EQ(text, "0123456789");

  put("big.txt", "short");
  auto shrunk = engine_.run(read_site_body(kv_, r.body_key, r.offset, r.length));
  ASSERT_FALSE(shrunk.has_value());
  EXPECT_TRUE(shrunk.error() == errc::corrupt || shrunk.error() == errc::invalid_argument);
  put("big.txt", "0123456789abc");
  auto short_read = engine_.run(read_site_body(kv_, r.body_key, r.offset, r.length));
  ASSERT_FALSE(short_read.has_value());
  EXPECT_TRUE(short_read.error() == errc::corrupt);
}

}  // namespace
}  // namespace atl::net::site_testing
