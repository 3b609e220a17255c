// engine_sleep: the sleep device over an engine's timers, for every target.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/sleep.hpp>

namespace atl {

class engine_sleep {
public:
  /// engine_sleep(e): sleeps on `e`'s timers; `e` must outlive the device
  /// and every task it returns.
  explicit engine_sleep(engine& e) noexcept : engine_(e) {}

  /// sleep_until(t): completes when the engine's time reaches `t`.
  task<void> sleep_until(mono_time deadline) noexcept;
  /// sleep_for(d): the deadline is now + d, taken at the call (saturating:
  /// an enormous d sleeps until mono_never).
  task<void> sleep_for(duration d) noexcept;

private:
  engine& engine_;
};

static_assert(sleep<engine_sleep>);

}  // namespace atl
