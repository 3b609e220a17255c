// memory_console and console_log_sink: the console conformance suite, the
// bound, and the line format.
#include "conformance/console_conformance.hpp"
#include <atoll/devices/console_log_sink.hpp>
#include <atoll/devices/memory_console.hpp>

#include <optional>
#include <string>

namespace atl::conformance {
namespace {

struct memory_console_factory {
  using device_type = memory_console;
  std::optional<memory_console> device;
  memory_console* make(engine&) { return &device.emplace(); }
  std::string written(memory_console& c) { return std::string(c.text()); }
};

using factories = ::testing::Types<memory_console_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(memory_console, console_conformance, factories);

TEST(memory_console, refuses_writes_past_its_bound) {
  memory_console c(10);
  ASSERT_OK(c.write("0123456789"));
  EXPECT_ERRC(c.write("x"), errc::limit_exceeded);
  EXPECT_EQ(c.text(), "0123456789");
  EXPECT_EQ(c.refused(), 1u);
}

TEST(console_log_sink, line_format) {
  EXPECT_EQ(format_log_line(log_level::warn, "tcp", "retransmit").view(),
            "[warn] tcp: retransmit\n");
  EXPECT_EQ(format_log_line(log_level::debug, "x", "").view(), "[debug] x: \n");
}

TEST(console_log_sink, long_messages_are_cut_but_end_the_line) {
  const std::string huge(5000, 'm');
  const auto line = format_log_line(log_level::info, "src", huge);
  EXPECT_LE(line.size(), log_source::max_line + 64);
  EXPECT_EQ(line.view().back(), '\n');
  EXPECT_EQ(line.view().substr(line.size() - 4), "...\n");
  EXPECT_TRUE(line.view().starts_with("[info] src: mmm"));
}

TEST(console_log_sink, counts_console_failures) {
  memory_console c(8);
  console_log_sink<memory_console> sink(c);
  sink.write(log_level::error, "s", "too long for the console");
  EXPECT_EQ(sink.failures(), 1u);
  EXPECT_EQ(c.text(), "");
}

}  // namespace
}  // namespace atl::conformance
