// manual_wall_clock: a realtime_clock that a test sets by hand.
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/devices/clock.hpp>

namespace atl::conformance {

struct manual_wall_clock {
  wall_time at{};
  [[nodiscard]] wall_time now() const noexcept { return at; }
};

static_assert(realtime_clock<manual_wall_clock>);

}  // namespace atl::conformance
