// sleep: waiting for time to pass (the role of mirage-time's sleep_ns).
//
// A sleep device is handed to code that waits: protocol timers, retries,
// periodic work. On every target it is engine_sleep (engine_sleep.hpp) over
// the engine's timers; the concept keeps code from reaching the engine for
// anything else.
#pragma once

#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>

#include <concepts>

namespace atl {

/// sleep<S>: `s.sleep_until(t)` completes once the monotonic time is at least
/// `t` (at once when it already is); `s.sleep_for(d)` is sleep_until(now + d),
/// now taken when sleep_for is called, and a zero or negative d completes at
/// once. Sleepers wake in deadline order, those with the same deadline in the
/// order they started. Destroying the task cancels the sleep: nothing is left
/// behind. Sleeping cannot fail. The device must outlive the task.
template <class S>
concept sleep = requires(S& s, duration d, mono_time t) {
  { s.sleep_for(d) } -> std::same_as<task<void>>;
  { s.sleep_until(t) } -> std::same_as<task<void>>;
};

}  // namespace atl
