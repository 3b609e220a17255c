// all / any / with_timeout (core/when.hpp), on virtual time.
#include <atoll/core/budget.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace atl {
namespace {

/// probe: counts the destruction of the frame it lives in.
struct probe {
  int& destroyed;
  ~probe() { ++destroyed; }
};

task<int> value_now(int v) { co_return v; }
task<void> nothing_now() { co_return; }

task<int> value_after(engine& e, duration d, int v) {
  co_await e.sleep_for(d);
  co_return v;
}

task<int> value_after_probed(engine& e, duration d, int v, int& destroyed) {
  probe p{destroyed};
  co_await e.sleep_for(d);
  co_return v;
}

task<void> nothing_after(engine& e, duration d) { co_await e.sleep_for(d); }

task<result<int>> result_after(engine& e, duration d, int v) {
  co_await e.sleep_for(d);
  co_return v;
}

task<result<int>> failure_after(engine& e, duration d) {
  co_await e.sleep_for(d);
  co_return error(errc::refused, "no");
}

task<result<int>> result_now(int v) { co_return v; }

task<result<int>> waits_for(event& ev, int v, int& destroyed) {
  probe p{destroyed};
  co_await ev.wait();
  co_return v;
}

task<void> waits_forever(engine& e, int& destroyed) {
  probe p{destroyed};
  event never(e);
  co_await never.wait();
}

/// budgeted_after: its frame is charged to the budget (a memory_budget&
/// parameter); the tests' own coroutines take budgets by pointer, uncharged.
task<result<int>> budgeted_after(memory_budget&, engine& e, duration d, int v) {
  co_await e.sleep_for(d);
  co_return v;
}

// ---- all --------------------------------------------------------------------

task<std::tuple<int, int>> two_immediate() { co_return co_await all(value_now(1), value_now(2)); }

TEST(all, immediate_children_complete_during_the_start) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(two_immediate()), std::make_tuple(1, 2));
  EXPECT_EQ(e.stats().turns, 0u);  // never suspended: no engine turn was needed
}

task<std::tuple<int, unit, int>> mixed(engine& e) {
  auto values = co_await all(value_after(e, 20ms, 1), nothing_after(e, 10ms), value_now(3));
  co_return values;
}

TEST(all, runs_children_concurrently) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(mixed(e)), std::make_tuple(1, unit{}, 3));
  EXPECT_EQ(p.now(), mono_time(20ms));  // concurrent: the longest, not the sum
  EXPECT_EQ(e.pending_timers(), 0u);
}

task<std::tuple<>> none() { co_return co_await all(); }

TEST(all, of_nothing_is_empty) {
  sim_platform p;
  engine e(p);
  (void)e.run(none());
}

task<std::vector<int>> many(engine& e, int n) {
  std::vector<task<int>> children;
  children.reserve(static_cast<std::size_t>(n));
  // Deadlines in an order unrelated to the positions.
  for (int i = 0; i < n; ++i) children.push_back(value_after(e, duration((i * 7919) % 1000), i));
  auto values = co_await all(std::move(children));
  co_return values;
}

TEST(all, vector_keeps_the_order_of_the_tasks) {
  sim_platform p;
  engine e(p);
  const auto values = e.run(many(e, 5000));
  ASSERT_EQ(values.size(), 5000u);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(values[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(p.now(), mono_time(999ns));
}

task<std::vector<int>> empty_vector() {
  auto values = co_await all(std::vector<task<int>>{});
  co_return values;
}

TEST(all, of_an_empty_vector) {
  sim_platform p;
  engine e(p);
  EXPECT_TRUE(e.run(empty_vector()).empty());
}

task<std::vector<unit>> void_vector(engine& e) {
  std::vector<task<void>> children;
  children.push_back(nothing_after(e, 5ms));
  children.push_back(nothing_now());
  auto values = co_await all(std::move(children));
  co_return values;
}

TEST(all, vector_of_void_tasks) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(void_vector(e)).size(), 2u);
  EXPECT_EQ(p.now(), mono_time(5ms));
}

task<std::tuple<result<int>, result<int>>> with_failure(engine& e) {
  auto values = co_await all(failure_after(e, 1ms), result_after(e, 5ms, 7));
  co_return values;
}

TEST(all, a_failure_does_not_stop_the_others) {
  sim_platform p;
  engine e(p);
  auto [a, b] = e.run(with_failure(e));
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code(), errc::refused);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, 7);
}

// Recursion: a binary tree of all() whose leaves sleep different times.
task<long> tree(engine& e, int depth, long id) {
  if (depth == 0) {
    co_await e.sleep_for(duration((id * 37) % 101));
    co_return 1;
  }
  auto [l, r] = co_await all(tree(e, depth - 1, 2 * id), tree(e, depth - 1, 2 * id + 1));
  co_return l + r;
}

TEST(all, nested_tree) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(tree(e, 12, 1)), 4096);
  EXPECT_EQ(e.pending_timers(), 0u);
}

// ---- any --------------------------------------------------------------------

task<any_result<int>> race(engine& e, int& destroyed) {
  auto first = co_await any(value_after_probed(e, 30ms, 1, destroyed),
                            value_after_probed(e, 10ms, 2, destroyed),
                            value_after_probed(e, 20ms, 3, destroyed));
  // The losers are gone before any() returns.
  EXPECT_EQ(destroyed, 3);
  EXPECT_EQ(e.pending_timers(), 0u);
  co_return first;
}

TEST(any, first_completion_wins_and_the_others_are_cancelled) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  const auto first = e.run(race(e, destroyed));
  EXPECT_EQ(first.index, 1u);
  EXPECT_EQ(first.value, 2);
  EXPECT_EQ(p.now(), mono_time(10ms));
  EXPECT_EQ(e.stats().timers_fired, 1u);
}

task<any_result<int>> immediate_first(engine& e, int& destroyed) {
  auto first = co_await any(value_after_probed(e, 10ms, 1, destroyed), value_now(2),
                            value_after_probed(e, 5ms, 3, destroyed));
  co_return first;
}

TEST(any, a_child_done_at_the_start_wins_and_later_ones_never_start) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  const auto first = e.run(immediate_first(e, destroyed));
  EXPECT_EQ(first.index, 1u);
  EXPECT_EQ(first.value, 2);
  EXPECT_EQ(p.now(), mono_time{});
  // The first was started (its probe lived and died); the third never ran.
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(e.pending_timers(), 0u);
}

task<any_result<unit>> void_race(engine& e) {
  auto first = co_await any(nothing_after(e, 2ms), nothing_after(e, 1ms));
  co_return first;
}

TEST(any, of_void_tasks) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(void_race(e)).index, 1u);
}

task<any_result<int>> vector_race(engine& e) {
  std::vector<task<int>> children;
  children.reserve(100);
  for (int i = 0; i < 100; ++i) children.push_back(value_after(e, duration(1000 - i), i));
  auto first = co_await any(std::move(children));
  co_return first;
}

TEST(any, vector) {
  sim_platform p;
  engine e(p);
  const auto first = e.run(vector_race(e));
  EXPECT_EQ(first.index, 99u);
  EXPECT_EQ(first.value, 99);
  EXPECT_EQ(e.pending_timers(), 0u);
}

task<any_result<int>> tie(engine& e) {
  auto first = co_await any(value_after(e, 10ms, 1), value_after(e, 10ms, 2));
  co_return first;
}

TEST(any, equal_deadlines_go_to_the_earlier_timer) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(e.run(tie(e)).index, 0u);
}

task<any_result<result<int>>> event_race(engine& e, event& ev, int& destroyed) {
  auto first = co_await any(waits_for(ev, 1, destroyed), result_after(e, 3ms, 2));
  co_return first;
}

TEST(any, a_loser_waiting_on_an_event_is_removed_from_its_waiters) {
  sim_platform p;
  engine e(p);
  event ev(e);
  int destroyed = 0;
  const auto first = e.run(event_race(e, ev, destroyed));
  EXPECT_EQ(first.index, 1u);
  EXPECT_EQ(destroyed, 1);
  EXPECT_FALSE(ev.has_waiters());
  ev.set();  // nobody left to wake
}

// ---- with_timeout -----------------------------------------------------------

task<result<int>> timed(engine& e, duration limit, duration work) {
  auto r = co_await with_timeout(e, limit, result_after(e, work, 42));
  co_return r;
}

TEST(with_timeout, inner_completes_first) {
  sim_platform p;
  engine e(p);
  auto r = e.run(timed(e, 10ms, 3ms));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(p.now(), mono_time(3ms));
  EXPECT_EQ(e.pending_timers(), 0u);
  EXPECT_EQ(e.stats().timers_fired, 1u);  // only the inner task's
}

TEST(with_timeout, deadline_passes_first) {
  sim_platform p;
  engine e(p);
  auto r = e.run(timed(e, 10ms, 1s));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::timed_out);
  EXPECT_EQ(p.now(), mono_time(10ms));
  EXPECT_EQ(e.pending_timers(), 0u);  // the inner task's timer went with it
}

TEST(with_timeout, inner_timer_due_at_the_deadline_wins) {
  sim_platform p;
  engine e(p);
  auto r = e.run(timed(e, 10ms, 10ms));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
}

task<result<int>> timed_probe(engine& e, int& destroyed) {
  event never(e);
  auto r = co_await with_timeout(e, 5ms, waits_for(never, 1, destroyed));
  EXPECT_EQ(destroyed, 1);  // cancelled before with_timeout returned
  EXPECT_FALSE(never.has_waiters());
  co_return r;
}

TEST(with_timeout, cancels_the_inner_task) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  auto r = e.run(timed_probe(e, destroyed));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::timed_out);
}

task<result<int>> zero_timeout(engine& e, bool immediate) {
  // Not `co_await with_timeout(..., c ? a() : b())`: g++ 12 destroys a task
  // chosen by ?: inside a co_await expression twice (docs/coroutines.md).
  task<result<int>> inner = immediate ? result_now(5) : result_after(e, 1ms, 6);
  auto r = co_await with_timeout(e, 0ns, std::move(inner));
  co_return r;
}

TEST(with_timeout, zero_lets_an_immediate_task_finish) {
  sim_platform p;
  engine e(p);
  auto done = e.run(zero_timeout(e, true));
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(*done, 5);
  auto late = e.run(zero_timeout(e, false));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), errc::timed_out);
  EXPECT_EQ(p.now(), mono_time{});  // no time passed
  EXPECT_EQ(e.pending_timers(), 0u);
}

task<result<int>> timed_failure(engine& e) {
  auto r = co_await with_timeout(e, 1s, failure_after(e, 1ms));
  co_return r;
}

TEST(with_timeout, passes_the_inner_error_through) {
  sim_platform p;
  engine e(p);
  auto r = e.run(timed_failure(e));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::refused);
}

task<result<int>> deadline(engine& e) {
  co_await e.sleep_for(4ms);
  auto r = co_await with_deadline(e, mono_time(6ms), result_after(e, 5ms, 1));
  co_return r;
}

TEST(with_deadline, absolute) {
  sim_platform p;
  engine e(p);
  auto r = e.run(deadline(e));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(p.now(), mono_time(6ms));
}

task<result<int>> lazy_timeout(engine& e) {
  // Created at t=0, awaited at t=8ms: the 10 ms count from the await.
  auto pending = with_timeout(e, 10ms, result_after(e, 9ms, 3));
  co_await e.sleep_for(8ms);
  auto r = co_await std::move(pending);
  co_return r;
}

TEST(with_timeout, counts_from_when_it_starts) {
  sim_platform p;
  engine e(p);
  auto r = e.run(lazy_timeout(e));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(p.now(), mono_time(17ms));
}

task<result<int>> huge_timeout(engine& e) {
  auto r = co_await with_timeout(e, duration::max(), result_after(e, 1ms, 8));
  co_return r;
}

TEST(with_timeout, a_huge_timeout_saturates) {
  sim_platform p;
  engine e(p);
  auto r = e.run(huge_timeout(e));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 8);
}

// ---- cancellation and memory --------------------------------------------------

task<void> sleep_then_drop(engine& e, duration d) { co_await e.sleep_for(d); }

task<void> spawn_and_cancel(engine& e, memory_budget* budget_ptr, int& destroyed) {
  memory_budget& budget = *budget_ptr;
  {
    task_set set(e, "combinators");
    (void)set.spawn([](memory_budget& b, engine& en, int& d) -> task<void> {
      auto both = co_await all(budgeted_after(b, en, 10ms, 1), budgeted_after(b, en, 50ms, 2),
                               waits_forever(en, d));
      (void)both;
    }(budget, e, destroyed));
    (void)set.spawn([](memory_budget& b, engine& en) -> task<void> {
      auto r = co_await with_timeout(en, 1s, budgeted_after(b, en, 2s, 3));
      (void)r;
    }(budget, e));
    (void)set.spawn([](memory_budget& b, engine& en) -> task<void> {
      auto first = co_await any(budgeted_after(b, en, 30ms, 1), budgeted_after(b, en, 40ms, 2));
      (void)first;
    }(budget, e));
    co_await e.sleep_for(20ms);
    EXPECT_GT(budget.used(), 0u);
    EXPECT_EQ(e.pending_timers(), 5u);
  }  // the set goes: every task in it is cancelled
  EXPECT_EQ(e.pending_timers(), 0u);
}

TEST(cancellation, destroying_combinators_releases_timers_and_frames) {
  sim_platform p;
  engine e(p);
  memory_budget budget("frames", 1 << 20);
  int destroyed = 0;
  e.run(spawn_and_cancel(e, &budget, destroyed));
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_GT(budget.peak(), 0u);
  EXPECT_EQ(destroyed, 1);
  // Time goes on, and nothing cancelled ever fires.
  const auto fired = e.stats().timers_fired;
  e.run(sleep_then_drop(e, 5s));
  EXPECT_EQ(e.stats().timers_fired, fired + 1);
}

task<std::tuple<result<int>, result<int>>> starved(memory_budget* budget, engine& e) {
  auto values =
      co_await all(budgeted_after(*budget, e, 1ms, 1), budgeted_after(*budget, e, 1ms, 2));
  co_return values;
}

TEST(allocation_failure, a_child_without_a_frame_gives_no_memory) {
  sim_platform p;
  engine e(p);
  // Room for one child frame, not two.
  memory_budget probe_budget("probe", 1 << 20);
  { auto t = budgeted_after(probe_budget, e, 1ms, 0); }
  const std::size_t frame = probe_budget.peak();
  memory_budget budget("tight", frame + frame / 2);
  auto [a, b] = e.run(starved(&budget, e));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, 1);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code(), errc::no_memory);
  EXPECT_EQ(budget.used(), 0u);
}

task<result<int>> timeout_of_nothing(memory_budget* budget, engine& e) {
  auto r = co_await with_timeout(e, 1s, budgeted_after(*budget, e, 1ms, 1));
  co_return r;
}

TEST(allocation_failure, with_timeout_of_a_frameless_task) {
  sim_platform p;
  engine e(p);
  memory_budget none("none", 0);
  auto r = e.run(timeout_of_nothing(&none, e));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), errc::no_memory);
  EXPECT_EQ(none.refused(), 1u);
}

}  // namespace
}  // namespace atl
