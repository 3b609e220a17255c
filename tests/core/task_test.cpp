#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl {
namespace {

task<int> immediate(int v) { co_return v; }

task<long> chain(int depth) {
  if (depth == 0) co_return 0;
  co_return 1 + co_await chain(depth - 1);
}

task<long> sum_immediate(int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) total += co_await immediate(1);
  co_return total;
}

TEST(task, runs_lazily_and_returns_value) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(immediate(42)), 42);
}

TEST(task, million_awaits_of_immediate_tasks_keep_the_stack_flat) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(sum_immediate(1'000'000)), 1'000'000);
}

TEST(task, million_deep_recursive_chain) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(chain(1'000'000)), 1'000'000);
}

task<int> sleeper(engine& e, std::vector<int>& order, int id, duration d) {
  co_await e.sleep_for(d);
  order.push_back(id);
  co_return id;
}

task<int> sleep_main(engine& e, std::vector<int>& order) {
  task_set set(e, "sleepers");
  (void)set.spawn([](engine& en, std::vector<int>& o) -> task<void> {
    co_await sleeper(en, o, 3, 30ms);
  }(e, order));
  (void)set.spawn([](engine& en, std::vector<int>& o) -> task<void> {
    co_await sleeper(en, o, 1, 10ms);
  }(e, order));
  (void)set.spawn([](engine& en, std::vector<int>& o) -> task<void> {
    co_await sleeper(en, o, 2, 20ms);
  }(e, order));
  co_await set.join();
  co_return static_cast<int>(order.size());
}

TEST(engine, timers_fire_in_deadline_order_on_virtual_time) {
  sim_platform p;
  engine e(p);
  std::vector<int> order;
  const auto start = p.now();
  EXPECT_EQ(e.run(sleep_main(e, order)), 3);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(p.now() - start, 30ms);
}

// ---- laziness and ownership ---------------------------------------------------

task<int> counted(int& runs, int v) {
  ++runs;
  co_return v;
}

TEST(task, creating_a_task_runs_nothing) {
  int runs = 0;
  {
    task<int> t = counted(runs, 1);
    EXPECT_TRUE(t.valid());
    EXPECT_FALSE(t.done());
  }
  EXPECT_EQ(runs, 0);
}

task<int> await_moved(int& runs) {
  task<int> a = counted(runs, 5);
  task<int> b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  const int v = co_await std::move(b);
  co_return v;
}

TEST(task, moving_transfers_the_frame) {
  sim_platform p;
  engine e(p);
  int runs = 0;
  EXPECT_EQ(e.run(await_moved(runs)), 5);
  EXPECT_EQ(runs, 1);
}

task<void> void_chain(int& runs, int depth) {
  ++runs;
  if (depth > 0) co_await void_chain(runs, depth - 1);
}

TEST(task, void_tasks) {
  sim_platform p;
  engine e(p);
  int runs = 0;
  e.run(void_chain(runs, 100));
  EXPECT_EQ(runs, 101);
}

task<std::string> text_of(int n) { co_return std::string(static_cast<std::size_t>(n), 'x'); }

task<std::size_t> non_trivial_values() {
  std::string s = co_await text_of(100);
  co_return s.size();
}

TEST(task, non_trivial_value_types) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(non_trivial_values()), 100u);
}

// ---- frame budgets -------------------------------------------------------------

task<result<int>> budgeted(memory_budget&, int v) { co_return v; }
task<int> budgeted_plain(memory_budget&, int v) { co_return v; }

task<result<int>> await_budgeted(memory_budget* budget, int v) {
  auto r = co_await budgeted(*budget, v);
  co_return r;
}

TEST(task, frames_are_charged_to_a_budget_parameter_and_refunded) {
  sim_platform p;
  engine e(p);
  memory_budget budget("frames", 1 << 16);
  {
    task<result<int>> t = budgeted(budget, 1);
    EXPECT_GT(budget.used(), 0u);
  }
  EXPECT_EQ(budget.used(), 0u);
  auto r = e.run(await_budgeted(&budget, 3));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 3);
  EXPECT_EQ(budget.used(), 0u);
}

TEST(task, frame_allocation_failure_is_no_memory_as_a_value) {
  sim_platform p;
  engine e(p);
  memory_budget budget("empty", 16);
  auto r = e.run(await_budgeted(&budget, 3));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::no_memory);
  EXPECT_EQ(budget.refused(), 1u);
  EXPECT_EQ(budget.used(), 0u);
  task<result<int>> t = budgeted(budget, 1);
  EXPECT_FALSE(t.valid());
  auto direct = e.run(std::move(t));
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().code(), errc::no_memory);
}

TEST(task_death, frame_allocation_failure_of_a_plain_value_stops) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        sim_platform p;
        engine e(p);
        memory_budget budget("empty", 16);
        (void)e.run(budgeted_plain(budget, 1));
      },
      "no memory for a coroutine frame");
}

task<long> budget_chain(memory_budget& budget, int depth) {
  if (depth == 0) co_return 0;
  const long below = co_await budget_chain(budget, depth - 1);
  co_return below + 1;
}

TEST(task, budget_bounds_recursion_depth_and_returns_to_zero) {
  sim_platform p;
  engine e(p);
  memory_budget budget("deep", 1 << 20);
  EXPECT_EQ(e.run(budget_chain(budget, 1000)), 1000);
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_GT(budget.peak(), 1000u * sizeof(detail::frame_header));
}

}  // namespace
}  // namespace atl
