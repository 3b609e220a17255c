// task_set: the owner of background tasks. Failures are logged and counted,
// join waits for all, destruction cancels.
#include <atoll/core/budget.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/log.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl {
namespace {

/// capture_sink: records the lines while installed.
class capture_sink final : public log_sink {
public:
  capture_sink() noexcept : previous_(set_log_sink(this)) {}
  capture_sink(const capture_sink&) = delete;
  capture_sink& operator=(const capture_sink&) = delete;
  ~capture_sink() { set_log_sink(previous_); }

  void write(log_level level, std::string_view source, std::string_view message) noexcept override {
    lines.push_back(std::string(to_string(level)) + " " + std::string(source) + ": " +
                    std::string(message));
  }
  std::vector<std::string> lines;

private:
  log_sink* previous_;
};

struct probe {
  int& destroyed;
  ~probe() { ++destroyed; }
};

task<result<void>> fail_after(engine& e, duration d, const char* why) {
  co_await e.sleep_for(d);
  co_return error(errc::refused, why);
}

task<result<void>> succeed_after(engine& e, duration d) {
  co_await e.sleep_for(d);
  co_return ok();
}

task<void> plain_after(engine& e, duration d, int& finished) {
  co_await e.sleep_for(d);
  ++finished;
}

task<void> join_main(engine& e, int& finished, std::uint64_t& failed) {
  task_set set(e, "workers");
  EXPECT_TRUE(set.spawn(fail_after(e, 5ms, "peer said no")).has_value());
  EXPECT_TRUE(set.spawn(succeed_after(e, 10ms)).has_value());
  EXPECT_TRUE(set.spawn(plain_after(e, 20ms, finished)).has_value());
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(finished, 0);  // spawned tasks start on a later turn
  co_await set.join();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.spawned(), 3u);
  failed = set.failed();
}

TEST(task_set, failures_are_logged_and_counted_and_join_waits_for_all) {
  capture_sink sink;
  sim_platform p;
  engine e(p);
  int finished = 0;
  std::uint64_t failed = 0;
  e.run(join_main(e, finished, failed));
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(p.now(), mono_time(20ms));
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{"error task: task in workers failed: peer said no"}));
}

task<void> empty_join() { co_return; }

task<void> join_of_empty(engine& e) {
  task_set set(e, "empty");
  co_await set.join();
  co_await empty_join();
}

TEST(task_set, join_of_an_empty_set_completes_at_once) {
  sim_platform p;
  engine e(p);
  e.run(join_of_empty(e));
  EXPECT_EQ(e.stats().turns, 0u);
}

task<void> wait_forever(event& ev, int& destroyed) {
  probe pr{destroyed};
  co_await ev.wait();
}

task<void> sleep_forever(engine& e, int& destroyed) {
  probe pr{destroyed};
  co_await e.sleep_for(std::chrono::hours(1000));
}

task<void> cancel_main(engine& e, event& ev, int& destroyed, memory_budget* budget) {
  {
    task_set set(e, "doomed", budget);
    (void)set.spawn(wait_forever(ev, destroyed));
    (void)set.spawn(sleep_forever(e, destroyed));
    (void)set.spawn(sleep_forever(e, destroyed));
    co_await e.yield_now();
    EXPECT_EQ(e.pending_timers(), 2u);
    EXPECT_TRUE(ev.has_waiters());
    EXPECT_GT(budget->used(), 0u);
  }
  EXPECT_EQ(destroyed, 3);
  EXPECT_EQ(e.pending_timers(), 0u);
  EXPECT_FALSE(ev.has_waiters());
  EXPECT_EQ(budget->used(), 0u);
}

TEST(task_set, destruction_cancels_every_task_and_frees_its_wrappers) {
  sim_platform p;
  engine e(p);
  event ev(e);
  int destroyed = 0;
  memory_budget budget("set", 1 << 16);
  e.run(cancel_main(e, ev, destroyed, &budget));
}

task<void> never_started(int& runs) {
  ++runs;
  co_return;
}

TEST(task_set, destruction_before_the_first_turn_runs_nothing) {
  sim_platform p;
  engine e(p);
  int runs = 0;
  {
    task_set set(e, "unstarted");
    (void)set.spawn(never_started(runs));
    (void)set.spawn(never_started(runs));
  }
  EXPECT_EQ(runs, 0);
}

TEST(task_set, spawn_without_memory_is_an_error_and_destroys_the_task) {
  sim_platform p;
  engine e(p);
  memory_budget budget("none", 0);
  task_set set(e, "poor", &budget);
  int runs = 0;
  auto r = set.spawn(never_started(runs));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::no_memory);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.spawned(), 0u);
  EXPECT_EQ(runs, 0);
}

task<void> many_main(engine& e, int n, int& finished) {
  task_set set(e, "many");
  for (int i = 0; i < n; ++i) (void)set.spawn(plain_after(e, duration(i % 97), finished));
  co_await set.join();
}

TEST(task_set, ten_thousand_tasks) {
  sim_platform p;
  engine e(p);
  int finished = 0;
  e.run(many_main(e, 10'000, finished));
  EXPECT_EQ(finished, 10'000);
}

}  // namespace
}  // namespace atl
