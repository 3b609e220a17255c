// Logging: per-source levels, set_log_levels, the sink and dropped lines.
#include <atoll/core/log.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl {
namespace {

class capture_sink final : public log_sink {
public:
  void write(log_level level, std::string_view source, std::string_view message) noexcept override {
    lines.push_back(std::string(to_string(level)) + " " + std::string(source) + ": " +
                    std::string(message));
  }
  std::vector<std::string> lines;
};

/// installed: a sink for the duration of a test.
struct installed {
  explicit installed(log_sink& s) : previous(set_log_sink(&s)) {}
  installed(const installed&) = delete;
  installed& operator=(const installed&) = delete;
  ~installed() { set_log_sink(previous); }
  log_sink* previous;
};

TEST(log, level_filters_lines) {
  capture_sink sink;
  installed guard(sink);
  log_source src{"test-filter", log_level::warn};
  src.error("e ", 1);
  src.warn("w ", 2);
  src.info("i ", 3);
  src.debug("d ", 4);
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{"error test-filter: e 1", "warn test-filter: w 2"}));
  src.set_level(log_level::debug);
  src.debug("now ", hex{255});
  EXPECT_EQ(sink.lines.back(), "debug test-filter: now ff");
}

TEST(log, lines_without_a_sink_are_dropped_and_counted) {
  log_sink* old = set_log_sink(nullptr);
  log_source src{"test-dropped"};
  const auto before = dropped_log_lines();
  src.info("lost");
  src.debug("filtered, not dropped");
  EXPECT_EQ(dropped_log_lines(), before + 1);
  set_log_sink(old);
}

TEST(log, long_lines_are_cut) {
  capture_sink sink;
  installed guard(sink);
  log_source src{"test-long"};
  src.info(std::string(1000, 'x').c_str());
  ASSERT_EQ(sink.lines.size(), 1u);
  const std::string& line = sink.lines[0];
  EXPECT_EQ(line.size(), std::string("info test-long: ").size() + log_source::max_line);
  EXPECT_EQ(line.substr(line.size() - 3), "...");
}

TEST(log, set_log_levels_by_source_and_wildcard) {
  log_source tcp{"test-tcp"};
  log_source dns{"test-dns"};
  ASSERT_TRUE(set_log_levels("test-tcp:debug").has_value());
  EXPECT_EQ(tcp.level(), log_level::debug);
  EXPECT_EQ(dns.level(), log_level::info);
  // Later entries win; empty entries are skipped.
  ASSERT_TRUE(set_log_levels("*:error,,test-dns:warn").has_value());
  EXPECT_EQ(tcp.level(), log_level::error);
  EXPECT_EQ(dns.level(), log_level::warn);
  ASSERT_TRUE(set_log_levels("test-dns:debug,*:info").has_value());
  EXPECT_EQ(dns.level(), log_level::info);
  EXPECT_TRUE(set_log_levels("").has_value());
  EXPECT_EQ(find_log_source("test-tcp"), &tcp);
  EXPECT_EQ(find_log_source("test-none"), nullptr);
}

TEST(log, set_log_levels_errors_name_the_problem) {
  log_source src{"test-err"};
  auto bad_level = set_log_levels("test-err:loud");
  ASSERT_FALSE(bad_level.has_value());
  EXPECT_EQ(bad_level.error().code(), errc::invalid_argument);
  EXPECT_EQ(bad_level.error().message(), "unknown log level 'loud' (error, warn, info, debug)");
  auto bad_source = set_log_levels("test-typo:debug");
  ASSERT_FALSE(bad_source.has_value());
  EXPECT_EQ(bad_source.error().code(), errc::not_found);
  EXPECT_EQ(bad_source.error().message(), "no log source named 'test-typo'");
  auto no_colon = set_log_levels("debug");
  ASSERT_FALSE(no_colon.has_value());
  EXPECT_EQ(no_colon.error().message(), "log level entry 'debug' is not source:level");
}

TEST(log, a_destroyed_source_unregisters) {
  { log_source temporary{"test-temporary"}; }
  EXPECT_EQ(find_log_source("test-temporary"), nullptr);
  EXPECT_FALSE(set_log_levels("test-temporary:debug").has_value());
}

TEST(log, level_names_round_trip) {
  for (auto level : {log_level::error, log_level::warn, log_level::info, log_level::debug}) {
    auto parsed = parse_log_level(to_string(level));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, level);
  }
}

}  // namespace
}  // namespace atl
