// Validators and conditional requests (net/http/site_conditional.hpp) and the
// responder's text helpers (net/http/site_format.hpp).
#include <atoll/devices/sha256.hpp>
#include <atoll/net/http/site_conditional.hpp>
#include <atoll/net/http/site_format.hpp>

#include <gtest/gtest.h>

namespace atl::net {
namespace {

using namespace std::chrono_literals;

TEST(site_etag, is_the_quoted_first_half_of_the_digest) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
  EXPECT_EQ(site_etag(sha256_of(std::string_view("abc"))), "\"ba7816bf8f01cfea414140de5dae2223\"");
}

TEST(site_none_match, matches) {
  const std::string_view tag = "\"abc\"";
  EXPECT_TRUE(site_none_match("\"abc\"", tag));
  EXPECT_TRUE(site_none_match("W/\"abc\"", tag));
  EXPECT_TRUE(site_none_match("*", tag));
  EXPECT_TRUE(site_none_match(" * ", tag));
  EXPECT_TRUE(site_none_match("\"x\", \"abc\"", tag));
  EXPECT_TRUE(site_none_match("\"x\",W/\"abc\"", tag));
  EXPECT_TRUE(site_none_match(" , \"x\" ,\t,\"abc\" , ", tag));
  EXPECT_TRUE(site_none_match("\"a,b\", \"abc\"", tag));  // a comma inside a tag
  EXPECT_TRUE(site_none_match("\"abc\"", "W/\"abc\""));   // weak comparison both ways
}

TEST(site_none_match, does_not_match) {
  const std::string_view tag = "\"abc\"";
  for (const char* header : {"", " ", "\"abd\"", "abc", "\"abc", "w/\"abc\"", "W/abc", R"("ab"c")",
                             R"("x" "abc")", R"("x";"abc")", "\"ABC\""}) {
    EXPECT_FALSE(site_none_match(header, tag)) << header;
  }
  EXPECT_FALSE(site_none_match("\"\"", "not-quoted"));
}

TEST(site_not_modified_since, at_second_resolution) {
  const wall_time modified{1'000s + 999ms};
  EXPECT_TRUE(site_not_modified_since(modified, wall_time{1'000s}));
  EXPECT_TRUE(site_not_modified_since(modified, wall_time{2'000s}));
  EXPECT_FALSE(site_not_modified_since(modified, wall_time{999s}));
}

TEST(site_http_date, imf_fixdate) {
  EXPECT_EQ(site_http_date(wall_time{}), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(site_http_date(wall_time{784'111'777s}), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(site_http_date(wall_time{784'111'777s + 999ms}), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(site_http_date(wall_time{951'782'400s}), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(site_http_date(wall_time{951'868'799s}), "Tue, 29 Feb 2000 23:59:59 GMT");
  EXPECT_EQ(site_http_date(wall_time{4'107'542'400s}), "Mon, 01 Mar 2100 00:00:00 GMT");
  EXPECT_EQ(site_http_date(wall_time{1'700'000'000s}), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(site_http_date(wall_time{-1s}), "Thu, 01 Jan 1970 00:00:00 GMT");
  // 64-bit nanoseconds end in 2262, well inside four-digit years.
  EXPECT_EQ(site_http_date(wall_time::max()), "Fri, 11 Apr 2262 23:47:16 GMT");
  EXPECT_EQ(site_http_date(wall_time::min()), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(site_encode_path, keeps_safe_bytes_and_encodes_the_rest) {
  EXPECT_EQ(site_encode_path("/a/b-c_d.e~f/"), "/a/b-c_d.e~f/");
  EXPECT_EQ(site_encode_path("/a b"), "/a%20b");
  EXPECT_EQ(site_encode_path("/x\r\nSet-Cookie: y"), "/x%0D%0ASet-Cookie:%20y");
  EXPECT_EQ(site_encode_path("/\\evil"), "/%5Cevil");
  EXPECT_EQ(site_encode_path("/?#%\"<>&'"), "/%3F%23%25%22%3C%3E%26%27");
  EXPECT_EQ(site_encode_path("/\xc3\xa9"), "/%C3%A9");
  EXPECT_EQ(site_encode_path(std::string_view("/\0", 2)), "/%00");
}

}  // namespace
}  // namespace atl::net
