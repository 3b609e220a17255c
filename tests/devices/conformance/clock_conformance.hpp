// clock_conformance: the monotonic_clock and realtime_clock contracts
// (devices/include/atoll/devices/clock.hpp) as typed suites.
//
// Factory (both suites):
//   using device_type = ...;           // meets the concept
//   device_type* make(engine& e);      // or nullptr
//   void let_time_pass(engine& e);     // lets at least a millisecond pass, in
//                                      // the clock's own time (real or virtual)
//   static constexpr bool host_time;   // the clock reads the host's real time
#pragma once

#include "harness.hpp"
#include <atoll/devices/clock.hpp>

namespace atl::conformance {

template <class Factory>
class monotonic_clock_conformance : public engine_fixture<Factory> {};
TYPED_TEST_SUITE_P(monotonic_clock_conformance);

TYPED_TEST_P(monotonic_clock_conformance, never_goes_back) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  static_assert(monotonic_clock<std::remove_pointer_t<decltype(c)>>);
  mono_time last = c->now();
  for (int i = 0; i < 10'000; ++i) {
    const mono_time t = c->now();
    ASSERT_GE(t, last);
    last = t;
  }
}

TYPED_TEST_P(monotonic_clock_conformance, advances_with_time) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  const mono_time before = c->now();
  this->factory_.let_time_pass(this->engine_);
  const mono_time after = c->now();
  EXPECT_GE(after - before, 1ms);
  // ... but not wildly (a broken unit would be off by 1000).
  if (TypeParam::host_time) {
    EXPECT_LT(after - before, 10s);
  }
}

REGISTER_TYPED_TEST_SUITE_P(monotonic_clock_conformance, never_goes_back, advances_with_time);

template <class Factory>
class realtime_clock_conformance : public engine_fixture<Factory> {};
TYPED_TEST_SUITE_P(realtime_clock_conformance);

TYPED_TEST_P(realtime_clock_conformance, reads_a_plausible_date) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  static_assert(realtime_clock<std::remove_pointer_t<decltype(c)>>);
  const wall_time t = c->now();
  if (TypeParam::host_time) {
    // Between 2020-01-01 and 2100-01-01.
    EXPECT_GT(t.time_since_epoch(), duration(1'577'836'800LL * 1'000'000'000));
    EXPECT_LT(t.time_since_epoch(), duration(4'102'444'800LL * 1'000'000'000));
  }
}

TYPED_TEST_P(realtime_clock_conformance, advances_with_time) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  const wall_time before = c->now();
  this->factory_.let_time_pass(this->engine_);
  const wall_time after = c->now();
  EXPECT_GE(after - before, 1ms);
  if (TypeParam::host_time) {
    EXPECT_LT(after - before, 10s);
  }
}

REGISTER_TYPED_TEST_SUITE_P(realtime_clock_conformance, reads_a_plausible_date, advances_with_time);

}  // namespace atl::conformance
