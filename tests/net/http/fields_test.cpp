// Field helpers, methods and status codes.
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/method.hpp>
#include <atoll/net/http/status.hpp>

#include <gtest/gtest.h>

namespace atl::net::http {
namespace {

TEST(HttpFields, Iequals) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Host", "Hos"));
  EXPECT_FALSE(iequals("a", "b"));
  // Only ASCII letters fold: '@' (0x40) is not '`' (0x60).
  EXPECT_FALSE(iequals("@", "`"));
}

TEST(HttpFields, HasToken) {
  EXPECT_TRUE(has_token("keep-alive, close", "close"));
  EXPECT_TRUE(has_token(" Close ", "close"));
  EXPECT_TRUE(has_token("a,,  ,b", "b"));
  EXPECT_TRUE(has_token("upgrade;x=1, close", "upgrade"));
  EXPECT_FALSE(has_token("closed", "close"));
  EXPECT_FALSE(has_token("", "close"));
  EXPECT_FALSE(has_token("keep-alive", "close"));
}

TEST(HttpFields, AcceptEncoding) {
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "gzip"));
  EXPECT_TRUE(accepts_coding("GZIP;q=0.5", "gzip"));
  EXPECT_FALSE(accepts_coding("gzip;q=0", "gzip"));
  EXPECT_FALSE(accepts_coding("gzip ; q=0.000", "gzip"));
  EXPECT_FALSE(accepts_coding("deflate", "gzip"));
  EXPECT_FALSE(accepts_coding("", "gzip"));
  EXPECT_TRUE(accepts_coding("*", "gzip"));
  EXPECT_FALSE(accepts_coding("*;q=0", "gzip"));
  EXPECT_FALSE(accepts_coding("*, gzip;q=0", "gzip"));
  EXPECT_TRUE(accepts_coding("*;q=0, gzip", "gzip"));
  EXPECT_FALSE(accepts_coding("gzip;q=2", "gzip"));  // malformed q counts as 0
  EXPECT_FALSE(accepts_coding("gzip;q=1.5", "gzip"));
  EXPECT_FALSE(accepts_coding("gzipx", "gzip"));
  EXPECT_EQ(qvalue_for("br;q=0.8, gzip;q=0.25", "gzip"), 0.25);
  EXPECT_EQ(qvalue_for("gzip;q=1.000", "gzip"), 1.0);
  EXPECT_EQ(qvalue_for("br", "gzip"), std::nullopt);
}

TEST(HttpMethod, ParseAndName) {
  EXPECT_EQ(parse_method("GET"), method::get);
  EXPECT_EQ(parse_method("HEAD"), method::head);
  EXPECT_EQ(parse_method("DELETE"), method::delete_);
  EXPECT_EQ(parse_method("PATCH"), method::patch);
  EXPECT_EQ(parse_method("get"), method::other);  // case-sensitive
  EXPECT_EQ(parse_method("GETX"), method::other);
  for (auto m : {method::get, method::head, method::post, method::put, method::delete_,
                 method::options, method::trace, method::connect, method::patch}) {
    EXPECT_EQ(parse_method(name(m)), m);
  }
  EXPECT_EQ(name(method::other), "");
}

TEST(HttpStatus, CodesAndReasons) {
  EXPECT_EQ(code(status::ok), 200);
  EXPECT_EQ(reason(status::ok), "OK");
  EXPECT_EQ(code(status::request_header_fields_too_large), 431);
  EXPECT_EQ(reason(status::range_not_satisfiable), "Range Not Satisfiable");
  EXPECT_EQ(reason(status::http_version_not_supported), "HTTP Version Not Supported");
  EXPECT_EQ(reason(static_cast<status>(299)), "");
}

}  // namespace
}  // namespace atl::net::http
