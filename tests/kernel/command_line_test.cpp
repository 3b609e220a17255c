// The kernel command line as words for key_set::parse.
#include <atoll/core/keys.hpp>
#include <atoll/kernel/command_line.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace atl::kernel {
namespace {

std::vector<std::string> words(const command_line& c) {
  return {c.words().begin(), c.words().end()};
}

TEST(kernel_command_line, blanks_quotes_and_escapes) {
  command_line c;
  ASSERT_TRUE(c.parse("  --count=2\t\"--message=hi there\" --a=\\\"q\\\" --x=\"a\"b\n"));
  EXPECT_EQ(words(c),
            (std::vector<std::string>{"--count=2", "--message=hi there", "--a=\"q\"", "--x=ab"}));
  ASSERT_TRUE(c.parse(""));
  EXPECT_TRUE(c.words().empty());
  ASSERT_TRUE(c.parse("\"\""));
  EXPECT_EQ(words(c), (std::vector<std::string>{""}));
}

TEST(kernel_command_line, errors_leave_no_words) {
  command_line c;
  ASSERT_TRUE(c.parse("--a=1"));
  EXPECT_EQ(c.parse("--a=\"open").error().code(), errc::invalid_argument);
  EXPECT_TRUE(c.words().empty());
  EXPECT_EQ(c.parse(std::string_view("--a\0b", 5)).error().code(), errc::invalid_argument);
  EXPECT_EQ(c.parse(std::string(command_line::max_length + 1, 'x')).error().code(),
            errc::limit_exceeded);
  std::string many;
  for (std::size_t i = 0; i <= command_line::max_words; ++i) many += "w ";
  EXPECT_EQ(c.parse(many).error().code(), errc::limit_exceeded);
  EXPECT_TRUE(c.words().empty());
  ASSERT_TRUE(c.parse(std::string(command_line::max_length, 'y')));
  EXPECT_EQ(c.words().size(), 1U);
}

TEST(kernel_command_line, words_feed_the_application_keys) {
  std::uint64_t count = 4;
  std::string_view message = "hello";
  key_set keys("hello");
  keys.add("count", count, "how many");
  keys.add("message", message, "what");
  command_line c;
  ASSERT_TRUE(c.parse("--count=2 \"--message=hi there\""));
  auto outcome = keys.parse(c.words());
  ASSERT_TRUE(outcome) << outcome.error().message();
  EXPECT_EQ(count, 2U);
  EXPECT_EQ(message, "hi there");
}

}  // namespace
}  // namespace atl::kernel
