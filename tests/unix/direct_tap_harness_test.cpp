// The system tests' own harness, without TAP: byte_pattern finds a wrong
// byte and a wrong length; a child's failure and a hanging child end the
// wait for them (the child is killed), while the engine keeps running.
#include "byte_pattern.hpp"
#include "direct_tap_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;

TEST(direct_tap_pattern, any_offset_gives_the_same_bytes_and_a_changed_byte_is_found) {
  const byte_pattern p(5);
  std::vector<std::byte> whole(1000);
  p.fill(0, whole);
  std::vector<std::byte> part(100);
  p.fill(333, part);  // not word-aligned
  EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + 333));
  EXPECT_EQ(p.at(333), whole[333]);
  EXPECT_EQ(p.mismatch(333, part), byte_pattern::npos);
  part[57] ^= std::byte{1};
  EXPECT_EQ(p.mismatch(333, part), 57u);
  // Another seed, or the right bytes at the wrong offset, do not match.
  EXPECT_NE(byte_pattern(6).mismatch(0, std::span(whole).first(8)), byte_pattern::npos);
  EXPECT_NE(p.mismatch(8, std::span(whole).first(64)), byte_pattern::npos);
}

TEST(direct_tap_pattern, files_are_checked_for_content_and_length) {
  temp_dir tmp;
  const byte_pattern p(9);
  const std::string file = tmp / "f";
  ASSERT_TRUE(p.write_file(file, 200000));
  EXPECT_EQ(p.check_file(file, 200000), "");
  EXPECT_EQ(p.check_file(file, 200001), "holds 200000 bytes, not 200001");
  EXPECT_EQ(byte_pattern(10).check_file(file, 200000).rfind("first wrong byte at offset", 0), 0u);
  EXPECT_NE(p.check_file(tmp / "missing", 1), "");
}

class direct_tap_harness : public ::testing::Test {
protected:
  std::optional<child_process> spawn(const std::vector<std::string>& argv) {
    return child_process::spawn(argv, tmp_ / "out", tmp_ / "err");
  }

  temp_dir tmp_;
  result<epoll_platform> platform_ = epoll_platform::create();
  engine engine_{*platform_};
};

/// ticking(e, ticks): counts 10 ms ticks until cancelled.
task<result<int>> ticking(engine& e, int& ticks) {
  for (;;) {
    co_await e.sleep_for(10ms);
    ++ticks;
  }
}

TEST_F(direct_tap_harness, a_child_runs_while_the_engine_turns) {
  auto child = spawn({"sh", "-c", "sleep 0.2; echo done"});
  ASSERT_TRUE(child);
  int ticks = 0;
  auto first = engine_.run(any(wait_child(engine_, *child, 5s), ticking(engine_, ticks)));
  EXPECT_EQ(first.index, 0u);
  ASSERT_TRUE(first.value);
  EXPECT_TRUE(exited_ok(*first.value));
  EXPECT_GE(ticks, 5);  // the engine ran another task meanwhile
  EXPECT_EQ(read_file(tmp_ / "out"), "done\n");
}

TEST_F(direct_tap_harness, a_hanging_child_is_killed_at_the_limit) {
  auto child = spawn({"sleep", "30"});
  ASSERT_TRUE(child);
  const auto t0 = std::chrono::steady_clock::now();
  auto status = engine_.run(wait_child(engine_, *child, 200ms));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), errc::timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_FALSE(child->running());
  EXPECT_NE(child->describe().find("killed by signal 9"), std::string::npos) << child->describe();
}

task<result<void>> forever(engine& e) {
  co_await e.sleep_for(1h);
  co_return ok();
}

task<result<void>> quick(engine& e, bool& done) {
  co_await e.sleep_for(50ms);
  done = true;
  co_return ok();
}

TEST_F(direct_tap_harness, beside_fails_fast_when_the_child_fails) {
  auto child = spawn({"sh", "-c", "echo oops >&2; exit 3"});
  ASSERT_TRUE(child);
  auto r = engine_.run(with_timeout(engine_, 5s, beside(engine_, forever(engine_), *child, 4s)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_NE(child->describe().find("exited 3; stderr: oops"), std::string::npos)
      << child->describe();
}

TEST_F(direct_tap_harness, beside_waits_for_both) {
  auto child = spawn({"sh", "-c", "sleep 0.2"});
  ASSERT_TRUE(child);
  bool done = false;
  auto r = engine_.run(beside(engine_, quick(engine_, done), *child, 4s));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(done);
  EXPECT_FALSE(child->running());
  // Work that outlives a successful child by the limit is a failure.
  auto gone = spawn({"true"});
  ASSERT_TRUE(gone);
  auto late = engine_.run(beside(engine_, forever(engine_), *gone, 300ms));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), errc::timed_out);
}

TEST(direct_tap_child, a_missing_program_does_not_start) {
  temp_dir tmp;
  auto child = child_process::spawn({"/nonexistent/atoll-tool"}, tmp / "out", tmp / "err");
  EXPECT_FALSE(child);  // glibc's posix_spawn reports a failed exec
}

}  // namespace
}  // namespace atl::unix_target
