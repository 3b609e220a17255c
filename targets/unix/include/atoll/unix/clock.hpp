// unix_target::mono_clock and unix_target::wall_clock: the host's clocks.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/devices/clock.hpp>

namespace atl::unix_target {

/// mono_clock: CLOCK_MONOTONIC (the clock the unix engine's timers use).
class mono_clock {
public:
  [[nodiscard]] mono_time now() noexcept;
};

/// wall_clock: CLOCK_REALTIME, nanoseconds since the Unix epoch.
class wall_clock {
public:
  [[nodiscard]] wall_time now() noexcept;
};

static_assert(monotonic_clock<mono_clock>);
static_assert(realtime_clock<wall_clock>);

}  // namespace atl::unix_target
