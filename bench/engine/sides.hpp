// The two sides of the engine benchmark, compiled apart: atoll_side.cpp under
// the library's own rules (no exceptions, no RTTI), asio_side.cpp with
// exceptions for Boost.Asio. Each function does `n` units of work and returns
// a checksum so that nothing is optimised away.
#pragma once

namespace bench {

/// completions: n times, a coroutine awaits a task that completes at once.
long atoll_completions(long n);
long asio_completions(long n);

/// timers: `sleepers` coroutines each sleep `rounds` times; every sleep has
/// its own deadline, so sleepers * rounds timers fire one by one.
long atoll_timers(long sleepers, long rounds);
long asio_timers(long sleepers, long rounds);

}  // namespace bench
