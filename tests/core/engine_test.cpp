// engine: ready-queue order, timer order, yield fairness, events, and
// cancellation of coroutines suspended on the engine. All on virtual time.
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace atl {
namespace {

struct probe {
  int& destroyed;
  ~probe() { ++destroyed; }
};

task<void> record_twice(engine& e, std::vector<int>& order, int id) {
  order.push_back(id);
  co_await e.yield_now();
  order.push_back(id);
}

task<void> fifo_main(engine& e, std::vector<int>& order) {
  task_set set(e, "fifo");
  for (int i = 0; i < 5; ++i) (void)set.spawn(record_twice(e, order, i));
  co_await set.join();
}

TEST(engine, ready_coroutines_run_in_fifo_order) {
  sim_platform p;
  engine e(p);
  std::vector<int> order;
  e.run(fifo_main(e, order));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
}

task<void> yielder(engine& e, std::vector<int>& order, int id, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    order.push_back(id);
    co_await e.yield_now();
  }
}

task<void> fairness_main(engine& e, std::vector<int>& order) {
  task_set set(e, "fair");
  (void)set.spawn(yielder(e, order, 0, 4));
  (void)set.spawn(yielder(e, order, 1, 4));
  (void)set.spawn(yielder(e, order, 2, 4));
  co_await set.join();
}

TEST(engine, yield_now_lets_every_other_ready_coroutine_run) {
  sim_platform p;
  engine e(p);
  std::vector<int> order;
  e.run(fairness_main(e, order));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}));
}

task<void> sleep_and_record(engine& e, std::vector<int>& order, int id, duration d) {
  co_await e.sleep_for(d);
  order.push_back(id);
}

task<void> timers_main(engine& e, std::vector<int>& order) {
  task_set set(e, "timers");
  // Deadlines out of order, and three pairs of equal deadlines.
  const int ms_of[] = {50, 10, 30, 10, 40, 30, 20, 50};
  for (int i = 0; i < 8; ++i) {
    (void)set.spawn(sleep_and_record(e, order, i, duration(ms_of[i] * 1'000'000)));
  }
  co_await set.join();
}

TEST(engine, timers_fire_by_deadline_then_insertion_order) {
  sim_platform p;
  engine e(p);
  std::vector<int> order;
  e.run(timers_main(e, order));
  EXPECT_EQ(order, (std::vector<int>{1, 3, 6, 2, 5, 4, 0, 7}));
  EXPECT_EQ(p.now(), mono_time(50ms));
  EXPECT_EQ(e.stats().timers_fired, 8u);
}

task<void> many_timers_main(engine& e, std::vector<int>& order, int n) {
  task_set set(e, "many");
  for (int i = 0; i < n; ++i) {
    (void)set.spawn(sleep_and_record(e, order, i, duration((i * 7919) % n)));
  }
  co_await set.join();
}

TEST(engine, heap_keeps_order_for_many_timers) {
  sim_platform p;
  engine e(p);
  std::vector<int> order;
  constexpr int n = 10'007;  // prime: i * 7919 % n is a permutation
  e.run(many_timers_main(e, order, n));
  ASSERT_EQ(order.size(), static_cast<std::size_t>(n));
  for (std::size_t k = 1; k < order.size(); ++k) {
    EXPECT_LT((order[k - 1] * 7919) % n, (order[k] * 7919) % n);
  }
}

task<int> past_deadline(engine& e) {
  co_await e.sleep_until(e.now() - 1s);
  co_await e.sleep_for(0ns);
  co_return 1;
}

TEST(engine, a_deadline_already_passed_does_not_suspend) {
  sim_platform p(mono_time(10s));
  engine e(p);
  EXPECT_EQ(e.run(past_deadline(e)), 1);
  EXPECT_EQ(e.stats().turns, 0u);
  EXPECT_EQ(e.pending_timers(), 0u);
}

task<void> wait_and_record(event& ev, std::vector<int>& order, int id) {
  co_await ev.wait();
  order.push_back(id);
}

task<void> event_main(engine& e, event& ev, std::vector<int>& order) {
  task_set set(e, "waiters");
  for (int i = 0; i < 3; ++i) (void)set.spawn(wait_and_record(ev, order, i));
  co_await e.yield_now();  // let them all wait
  EXPECT_TRUE(ev.has_waiters());
  ev.set();
  co_await set.join();
  // A set() with nobody waiting is remembered, once.
  ev.set();
  ev.set();
  co_await ev.wait();
  EXPECT_FALSE(ev.is_set());
}

TEST(event, set_wakes_waiters_in_order_and_is_remembered_once) {
  sim_platform p;
  engine e(p);
  event ev(e);
  std::vector<int> order;
  e.run(event_main(e, ev, order));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

task<void> posted_main(engine& e, event& ev, sim_platform& p) {
  p.post(ev);
  co_await ev.wait();
  EXPECT_EQ(e.stats().events, 1u);
}

TEST(event, posted_by_the_platform_wakes_its_waiter) {
  sim_platform p;
  engine e(p);
  event ev(e);
  e.run(posted_main(e, ev, p));
}

task<void> spin_until(engine& e, bool& stop, int& spins) {
  while (!stop) {
    ++spins;
    co_await e.yield_now();
  }
}

task<void> wait_then_stop(event& ev, bool& stop) {
  co_await ev.wait();
  stop = true;
}

task<void> busy_main(engine& e, event& ev, sim_platform& p, int& spins) {
  bool stop = false;
  task_set set(e, "busy");
  (void)set.spawn(spin_until(e, stop, spins));
  (void)set.spawn(wait_then_stop(ev, stop));
  p.post(ev);
  co_await set.join();
}

TEST(engine, a_busy_coroutine_does_not_starve_platform_events) {
  sim_platform p;
  engine e(p);
  event ev(e);
  int spins = 0;
  e.run(busy_main(e, ev, p, spins));
  EXPECT_GT(spins, 0);
  EXPECT_LE(spins, 10);  // the platform is polled every few busy turns
}

// ---- cancellation by destruction ----------------------------------------------

task<void> sleeper(engine& e, int& destroyed, int& woke) {
  probe p{destroyed};
  co_await e.sleep_for(10ms);
  ++woke;
}

task<void> waiter(event& ev, int& destroyed, int& woke) {
  probe p{destroyed};
  co_await ev.wait();
  ++woke;
}

task<void> parent_of_sleeper(engine& e, int& destroyed, int& woke) {
  probe p{destroyed};
  co_await sleeper(e, destroyed, woke);
  ++woke;
}

task<void> idle(engine& e, duration d) { co_await e.sleep_for(d); }

TEST(cancellation, destroying_a_task_suspended_on_a_timer) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  int woke = 0;
  {
    task<void> t = sleeper(e, destroyed, woke);
    detail::resume(t.handle());  // start it, as an owner does
    EXPECT_EQ(e.pending_timers(), 1u);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(e.pending_timers(), 0u);
  e.run(idle(e, 1s));
  EXPECT_EQ(woke, 0);
  EXPECT_EQ(e.stats().timers_fired, 1u);  // idle's own timer only
}

task<void> killer(engine& e, task<void>* victim) {
  co_await e.sleep_for(10ms);
  *victim = task<void>();
}

task<void> fired_main(engine& e, task<void>* victim) {
  task_set set(e, "killer");
  (void)set.spawn(killer(e, victim));
  co_await e.yield_now();  // the killer's timer is queued first
  detail::resume(victim->handle());
  co_await set.join();
}

TEST(cancellation, destroying_a_task_whose_timer_fired_but_which_has_not_resumed) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  int woke = 0;
  // Both timers fire in the same turn; the killer runs first and destroys
  // the sleeper while it waits in the ready queue.
  task<void> victim = sleeper(e, destroyed, woke);
  e.run(fired_main(e, &victim));
  EXPECT_EQ(e.stats().timers_fired, 2u);
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(woke, 0);
  EXPECT_FALSE(victim.valid());
}

TEST(cancellation, destroying_a_task_suspended_on_an_event) {
  sim_platform p;
  engine e(p);
  event ev(e);
  int destroyed = 0;
  int woke = 0;
  {
    task<void> t = waiter(ev, destroyed, woke);
    detail::resume(t.handle());
    EXPECT_TRUE(ev.has_waiters());
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_FALSE(ev.has_waiters());
  ev.set();
  EXPECT_TRUE(ev.is_set());  // nobody waited: remembered
  EXPECT_EQ(woke, 0);
}

TEST(cancellation, destroying_a_task_suspended_on_a_child) {
  sim_platform p;
  engine e(p);
  int destroyed = 0;
  int woke = 0;
  {
    task<void> t = parent_of_sleeper(e, destroyed, woke);
    detail::resume(t.handle());
    EXPECT_EQ(e.pending_timers(), 1u);
  }
  EXPECT_EQ(destroyed, 2);  // the parent's frame and the child's
  EXPECT_EQ(e.pending_timers(), 0u);
  e.run(idle(e, 1s));
  EXPECT_EQ(woke, 0);
}

TEST(cancellation, destroying_a_task_that_never_started_runs_nothing) {
  int destroyed = 0;
  int woke = 0;
  sim_platform p;
  engine e(p);
  { task<void> t = sleeper(e, destroyed, woke); }
  EXPECT_EQ(destroyed, 0);  // its body never ran: the probe was never made
  EXPECT_EQ(e.pending_timers(), 0u);
}

TEST(engine, destroyed_before_the_tasks_sleeping_on_it) {
  sim_platform p;
  int destroyed = 0;
  int woke = 0;
  task<void> a;
  task<void> b;
  {
    engine e(p);
    a = sleeper(e, destroyed, woke);
    detail::resume(a.handle());
    b = sleeper(e, destroyed, woke);
    detail::resume(b.handle());
    p.advance(1s);
  }
  // The engine forgot the timers; the tasks can still be destroyed safely
  // (their timers are no longer queued).
  a = task<void>();
  b = task<void>();
  EXPECT_EQ(destroyed, 2);
  EXPECT_EQ(woke, 0);
}

}  // namespace
}  // namespace atl
