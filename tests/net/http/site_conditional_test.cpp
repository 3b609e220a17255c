// Validators (net/http/site_conditional.hpp) and the responder's path
// encoding (net/http/site_format.hpp). If-None-Match matching is
// http::etag_matches, tested in target_test.cpp.
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

TEST(site_not_modified_since, at_second_resolution) {
  const wall_time modified{1'000s + 999ms};
  EXPECT_TRUE(site_not_modified_since(modified, wall_time{1'000s}));
  EXPECT_TRUE(site_not_modified_since(modified, wall_time{2'000s}));
  EXPECT_FALSE(site_not_modified_since(modified, wall_time{999s}));
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
