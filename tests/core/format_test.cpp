// text_buffer: appends parts without allocation; cuts with "..." when full.
#include <atoll/core/format.hpp>

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

namespace atl {
namespace {

TEST(format, parts_of_every_kind) {
  enum class colour : std::uint8_t { red = 2 };
  text_buffer<128> t("s=", std::string_view("view"), " c=", 'x', " b=", true, " i=", -42,
                     " u=", 42u, " h=", hex{0xbeef}, " e=", colour::red);
  EXPECT_EQ(t.view(), "s=view c=x b=true i=-42 u=42 h=beef e=2");
}

TEST(format, integer_extremes) {
  EXPECT_EQ(text_buffer<32>(LLONG_MIN).view(), "-9223372036854775808");
  EXPECT_EQ(text_buffer<32>(LLONG_MAX).view(), "9223372036854775807");
  EXPECT_EQ(text_buffer<32>(ULLONG_MAX).view(), "18446744073709551615");
  EXPECT_EQ(text_buffer<32>(INT8_MIN).view(), "-128");
  EXPECT_EQ(text_buffer<32>(0).view(), "0");
  EXPECT_EQ(text_buffer<32>(hex{0}).view(), "0");
  EXPECT_EQ(text_buffer<32>(hex{UINT64_MAX}).view(), "ffffffffffffffff");
}

TEST(format, truncation_marks_the_cut) {
  text_buffer<8> t("0123456789");
  EXPECT_EQ(t.view(), "01234...");
  EXPECT_EQ(t.size(), 8u);
  t.append("more");  // still full: stays as it is
  EXPECT_EQ(t.view(), "01234...");
  text_buffer<8> exact("01234567");
  EXPECT_EQ(exact.view(), "01234567");  // fits exactly: no mark
  text_buffer<8> number(123456789);
  EXPECT_EQ(number.view(), "12345...");
  text_buffer<2> tiny("abc");  // too small for the mark: nothing is written
  EXPECT_EQ(tiny.view(), "");
}

TEST(format, clear_and_reuse) {
  text_buffer<16> t("abc");
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  t.append("de").append(1);
  EXPECT_EQ(t.view(), "de1");
}

}  // namespace
}  // namespace atl
