// decide_site_range (net/http/site_range.hpp): the Range header rules.
#include <atoll/net/http/site_range.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace atl::net {
namespace {

using action = site_range::action;

void expect_partial(std::string_view header, std::uint64_t size, std::uint64_t first,
                    std::uint64_t length) {
  const site_range r = decide_site_range(header, size);
  EXPECT_EQ(r.what, action::partial) << header;
  EXPECT_EQ(r.first, first) << header;
  EXPECT_EQ(r.length, length) << header;
}

TEST(site_range, single_ranges) {
  expect_partial("bytes=0-0", 10, 0, 1);
  expect_partial("bytes=0-9", 10, 0, 10);
  expect_partial("bytes=3-5", 10, 3, 3);
  expect_partial("bytes=9-", 10, 9, 1);
  expect_partial("bytes=0-", 10, 0, 10);
  expect_partial("bytes=-1", 10, 9, 1);
  expect_partial("bytes=-10", 10, 0, 10);
  expect_partial("bytes=-11", 10, 0, 10);  // suffix longer than the value: all of it
  expect_partial("bytes=5-18446744073709551615", 10, 5, 5);
  expect_partial("bytes=5-99999999999999999999999", 10, 5, 5);  // saturates, then clamps
  expect_partial(" BYTES=\t2-3 ", 10, 2, 2);
  expect_partial("bytes=0007-0008", 10, 7, 2);
}

TEST(site_range, unsatisfiable) {
  for (const char* header : {"bytes=10-", "bytes=10-20", "bytes=-0", "bytes=11-11",
                             "bytes=18446744073709551615-", "bytes=99999999999999999999999-"}) {
    EXPECT_EQ(decide_site_range(header, 10).what, action::unsatisfiable) << header;
  }
}

TEST(site_range, ignored) {
  for (const char* header :
       {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-a", "bytes=+1-2", "bytes=1 - 2",
        "bytes=5-4", "bytes=0-1,2-3", "bytes=0-1,", ",bytes=0-1", "bits=0-1", "bytes =0-1x",
        "bytes=0x1-2", "bytes=1--2", "bytes=--1", "bytesx=0-1"}) {
    EXPECT_EQ(decide_site_range(header, 10).what, action::ignore) << header;
  }
}

TEST(site_range, empty_values_are_served_whole) {
  for (const char* header : {"bytes=0-", "bytes=-1", "bytes=-0", "bytes=0-0"}) {
    EXPECT_EQ(decide_site_range(header, 0).what, action::ignore) << header;
  }
}

TEST(site_range, the_last_byte_of_the_largest_value) {
  constexpr std::uint64_t max = ~std::uint64_t{0};
  expect_partial("bytes=-1", max, max - 1, 1);
  expect_partial("bytes=0-", max, 0, max);
}

}  // namespace
}  // namespace atl::net
