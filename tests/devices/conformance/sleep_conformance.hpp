// sleep_conformance: the sleep contract (devices/include/atoll/devices/sleep.hpp)
// as a typed suite, on virtual time.
//
// Factory:
//   using device_type = ...;                   // meets atl::sleep
//   device_type* make(engine& e);              // sleeps on `e`'s time, or nullptr
#pragma once

#include "harness.hpp"
#include <atoll/core/task_set.hpp>
#include <atoll/devices/sleep.hpp>

#include <vector>

namespace atl::conformance {

template <sleep S>
task<mono_time> sleep_and_read(engine& e, S& s, duration d) {
  co_await s.sleep_for(d);
  co_return e.now();
}

template <sleep S>
task<mono_time> sleep_until_and_read(engine& e, S& s, mono_time t) {
  co_await s.sleep_until(t);
  co_return e.now();
}

template <sleep S>
task<void> sleeper(S& s, duration d, int id, std::vector<int>& woke) {
  co_await s.sleep_for(d);
  woke.push_back(id);
}

template <sleep S>
task<void> race(engine& e, S& s, std::vector<int>& woke) {
  task_set set(e, "sleepers");
  (void)set.spawn(sleeper(s, 30ms, 3, woke));
  (void)set.spawn(sleeper(s, 10ms, 1, woke));
  (void)set.spawn(sleeper(s, 20ms, 2, woke));
  (void)set.spawn(sleeper(s, 20ms, 4, woke));  // same deadline as 2, started later
  (void)set.spawn(sleeper(s, 0ms, 0, woke));
  co_await set.join();
}

template <sleep S>
task<void> cancel_long_sleep(S& s, task_set& set, std::vector<int>& woke) {
  (void)set.spawn(sleeper(s, 3600s, 9, woke));
  (void)set.spawn(sleeper(s, duration::max(), 10, woke));
  co_await s.sleep_for(5ms);
}

template <class Factory>
class sleep_conformance : public engine_fixture<Factory> {};

TYPED_TEST_SUITE_P(sleep_conformance);

TYPED_TEST_P(sleep_conformance, sleep_for_waits_at_least_the_duration) {
  auto* s = this->factory_.make(this->engine_);
  ASSERT_NE(s, nullptr);
  const mono_time start = this->engine_.now();
  const mono_time woke = this->run(sleep_and_read(this->engine_, *s, 250ms));
  EXPECT_GE(woke - start, 250ms);
}

TYPED_TEST_P(sleep_conformance, sleep_until_waits_for_the_deadline) {
  auto* s = this->factory_.make(this->engine_);
  ASSERT_NE(s, nullptr);
  const mono_time deadline = this->engine_.now() + 2s;
  const mono_time woke = this->run(sleep_until_and_read(this->engine_, *s, deadline));
  EXPECT_GE(woke, deadline);
}

TYPED_TEST_P(sleep_conformance, past_and_zero_deadlines_complete_at_once) {
  auto* s = this->factory_.make(this->engine_);
  ASSERT_NE(s, nullptr);
  this->platform_.advance(1s);
  const mono_time start = this->engine_.now();
  EXPECT_EQ(this->run(sleep_and_read(this->engine_, *s, 0ms)), start);
  EXPECT_EQ(this->run(sleep_and_read(this->engine_, *s, -5s)), start);
  EXPECT_EQ(this->run(sleep_until_and_read(this->engine_, *s, start - 500ms)), start);
}

TYPED_TEST_P(sleep_conformance, sleepers_wake_in_deadline_order) {
  auto* s = this->factory_.make(this->engine_);
  ASSERT_NE(s, nullptr);
  std::vector<int> woke;
  const mono_time start = this->engine_.now();
  this->run(race(this->engine_, *s, woke));
  EXPECT_EQ(woke, (std::vector<int>{0, 1, 2, 4, 3}));
  EXPECT_GE(this->engine_.now() - start, 30ms);
}

TYPED_TEST_P(sleep_conformance, destroying_a_sleep_cancels_it) {
  auto* s = this->factory_.make(this->engine_);
  ASSERT_NE(s, nullptr);
  std::vector<int> woke;
  {
    task_set set(this->engine_, "long sleepers");
    this->run(cancel_long_sleep(*s, set, woke));
    EXPECT_EQ(set.size(), 2u);
  }
  EXPECT_TRUE(woke.empty());
  EXPECT_EQ(this->engine_.pending_timers(), 0u);
  // The engine carries on normally.
  const mono_time start = this->engine_.now();
  const mono_time after = this->run(sleep_and_read(this->engine_, *s, 1ms));
  EXPECT_GE(after - start, 1ms);
}

REGISTER_TYPED_TEST_SUITE_P(sleep_conformance, sleep_for_waits_at_least_the_duration,
                            sleep_until_waits_for_the_deadline,
                            past_and_zero_deadlines_complete_at_once,
                            sleepers_wake_in_deadline_order, destroying_a_sleep_cancels_it);

}  // namespace atl::conformance
