// Time as typed values: durations, monotonic instants and wall-clock instants.
//
// Monotonic time (`mono_time`) is what timers and protocol timeouts use; it
// never goes backwards and starts at an arbitrary origin (boot). Wall time
// (`wall_time`) is nanoseconds since the Unix epoch and may jump. The two are
// distinct types so one cannot be passed where the other is meant.
#pragma once

#include <chrono>
#include <cstdint>

namespace atl {

using duration = std::chrono::nanoseconds;
using std::chrono_literals::operator""ns;
using std::chrono_literals::operator""us;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

/// mono_clock: a tag type for monotonic instants; it has no now(): time is
/// read from a MonotonicClock device handed to the code that needs it.
struct mono_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = atl::duration;
  using time_point = std::chrono::time_point<mono_clock, duration>;
  static constexpr bool is_steady = true;
};

/// wall_clock: a tag type for instants since the Unix epoch (UTC).
struct wall_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = atl::duration;
  using time_point = std::chrono::time_point<wall_clock, duration>;
  static constexpr bool is_steady = false;
};

using mono_time = mono_clock::time_point;
using wall_time = wall_clock::time_point;

/// The instant after every other: a deadline that never comes.
inline constexpr mono_time mono_never = mono_time::max();

}  // namespace atl
