#include <atoll/devices/engine_sleep.hpp>

namespace atl {

task<void> engine_sleep::sleep_until(mono_time deadline) noexcept {
  co_await engine_.sleep_until(deadline);
}

task<void> engine_sleep::sleep_for(duration d) noexcept {
  const mono_time now = engine_.now();
  if (d > duration::zero() && now > mono_never - d) return sleep_until(mono_never);
  return sleep_until(now + d);
}

}  // namespace atl
