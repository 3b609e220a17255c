// HTTP dates: IMF-fixdate out, three formats in, round trips.
#include <atoll/net/http/date.hpp>

#include <gtest/gtest.h>

namespace atl::net::http {
namespace {

// RFC 9110's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const wall_time example{784111777s};

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(format_date(example).view(), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_date(wall_time{}).view(), "Thu, 01 Jan 1970 00:00:00 GMT");
  // The fraction of a second is dropped, also before 1970.
  EXPECT_EQ(format_date(example + 999ms).view(), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_date(wall_time{-1ns}).view(), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(format_date(wall_time{951782400s}).view(), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format_date(wall_time{951868799s}).view(), "Tue, 29 Feb 2000 23:59:59 GMT");
  // 2100 is not a leap year.
  EXPECT_EQ(format_date(wall_time{4107542400s}).view(), "Mon, 01 Mar 2100 00:00:00 GMT");
  EXPECT_EQ(format_date(wall_time{1700000000s}).view(), "Tue, 14 Nov 2023 22:13:20 GMT");
}

TEST(HttpDate, FormatsAllOfWallTime) {
  // 64-bit nanoseconds span 1677 to 2262, inside four-digit years: the text
  // is always 29 bytes.
  EXPECT_EQ(format_date(wall_time::max()).view(), "Fri, 11 Apr 2262 23:47:16 GMT");
  EXPECT_EQ(format_date(wall_time::min()).view(), "Tue, 21 Sep 1677 00:12:43 GMT");
}

TEST(HttpDate, ParsesTheThreeFormats) {
  EXPECT_EQ(parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), example);
  EXPECT_EQ(parse_date("Sunday, 06-Nov-94 08:49:37 GMT"), example);
  EXPECT_EQ(parse_date("Sun Nov  6 08:49:37 1994"), example);
  EXPECT_EQ(parse_date("Thu, 01 Jan 2037 00:00:00 GMT"), wall_time{2114380800s});
  EXPECT_EQ(parse_date("Thursday, 01-Jan-37 00:00:00 GMT"), wall_time{2114380800s});
  EXPECT_EQ(parse_date("Thu Jan 01 00:00:00 1970"), wall_time{});
}

TEST(HttpDate, RoundTrips) {
  for (std::int64_t s = -2000000000; s < 4000000000; s += 123456789) {
    const wall_time t{std::chrono::seconds(s)};
    EXPECT_EQ(parse_date(format_date(t).view()), t) << s;
  }
}

TEST(HttpDate, RejectsInvalid) {
  for (const auto* bad : {
           "",
           "Sun, 06 Nov 1994 08:49:37 UTC",
           "Sun, 06 Nov 1994 08:49:37 GMT ",
           "sun, 06 Nov 1994 08:49:37 GMT",
           "Sun, 6 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 94 08:49:37 GMT",
           "Xyz, 06 Nov 1994 08:49:37 GMT",
           "Sun, 06 Foo 1994 08:49:37 GMT",
           "Sun, 31 Nov 1994 08:49:37 GMT",
           "Sun, 29 Feb 1900 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nov 1994 08:4a:37 GMT",
           "Sun, 00 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 9999 08:49:37 GMT",  // past what wall_time holds
           "Sun, 06 Nov 1000 08:49:37 GMT",
           "Sun, 06-Nov-94 08:49:37 GMT",
           "Sunday, 06 Nov 1994 08:49:37 GMT",
           "Sun Nov 6 08:49:37 1994",
           "Sun Nov  6 08:49:37 1994 ",
           "1994-11-06T08:49:37Z",
       }) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(HttpDate, LeapSecondCountsAsNext) {
  EXPECT_EQ(parse_date("Sun, 06 Nov 1994 08:49:60 GMT"), example + 23s);
}

}  // namespace
}  // namespace atl::net::http
