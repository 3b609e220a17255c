// engine_clock and engine_wall_clock: clocks read from an engine's platform.
//
// engine_clock is the monotonic clock the engine's timers use, so a clock and
// a sleep handed to the same code always agree; on sim_platform it is virtual
// time. engine_wall_clock is a wall clock for simulations: a fixed instant at
// the platform's time origin, advancing with the engine's monotonic time, so a
// simulated run has reproducible dates.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/clock.hpp>

namespace atl {

class engine_clock {
public:
  /// engine_clock(e): reads `e`, which must outlive the clock.
  explicit engine_clock(engine& e) noexcept : engine_(e) {}
  [[nodiscard]] mono_time now() noexcept { return engine_.now(); }

private:
  engine& engine_;
};

class engine_wall_clock {
public:
  /// engine_wall_clock(e, at_origin): the wall time is `at_origin` when the
  /// engine's monotonic time is zero. `e` must outlive the clock.
  engine_wall_clock(engine& e, wall_time at_origin) noexcept : engine_(e), origin_(at_origin) {}
  [[nodiscard]] wall_time now() noexcept { return origin_ + engine_.now().time_since_epoch(); }

private:
  engine& engine_;
  wall_time origin_;
};

static_assert(monotonic_clock<engine_clock>);
static_assert(realtime_clock<engine_wall_clock>);

}  // namespace atl
