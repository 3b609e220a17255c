// Clocks: monotonic time for timers and timeouts, wall time for dates.
//
// The roles of mirage-clock's MCLOCK and PCLOCK. Code that needs the time is
// handed a clock; there is no ambient now(). Both reads are synchronous,
// cheap and cannot fail.
//
// Names: core's time.hpp already uses `atl::mono_clock` and `atl::wall_clock`
// for the tag types of `mono_time` and `wall_time`, so the concepts are
// `monotonic_clock` and `realtime_clock` (after CLOCK_REALTIME).
#pragma once

#include <atoll/core/time.hpp>

#include <concepts>

namespace atl {

/// monotonic_clock<C>: `c.now()` is a mono_time that never decreases between
/// two calls on the same clock, counted from an arbitrary origin (boot). It
/// advances at the rate of real time (or of virtual time in a simulation).
template <class C>
concept monotonic_clock = requires(C& c) {
  { c.now() } -> std::same_as<mono_time>;
};

/// realtime_clock<C>: `c.now()` is the wall-clock time, nanoseconds since the
/// Unix epoch (UTC). It may jump, forwards or backwards, when the clock is set;
/// use a monotonic_clock to measure intervals.
template <class C>
concept realtime_clock = requires(C& c) {
  { c.now() } -> std::same_as<wall_time>;
};

}  // namespace atl
