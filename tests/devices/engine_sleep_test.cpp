// engine_sleep, engine_clock and engine_wall_clock: the sleep and clock
// conformance suites on virtual time.
#include "conformance/clock_conformance.hpp"
#include "conformance/sleep_conformance.hpp"
#include <atoll/devices/engine_clock.hpp>
#include <atoll/devices/engine_sleep.hpp>

#include <optional>

namespace atl::conformance {
namespace {

struct engine_sleep_factory {
  using device_type = engine_sleep;
  std::optional<engine_sleep> device;
  engine_sleep* make(engine& e) { return &device.emplace(e); }
};

using sleep_factories = ::testing::Types<engine_sleep_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(engine_sleep, sleep_conformance, sleep_factories);

task<void> pass_time(engine& e) { co_await e.sleep_for(5ms); }

struct engine_clock_factory {
  using device_type = engine_clock;
  static constexpr bool host_time = false;
  std::optional<engine_clock> device;
  engine_clock* make(engine& e) { return &device.emplace(e); }
  void let_time_pass(engine& e) { e.run(pass_time(e)); }
};

struct engine_wall_clock_factory {
  using device_type = engine_wall_clock;
  static constexpr bool host_time = false;
  std::optional<engine_wall_clock> device;
  engine_wall_clock* make(engine& e) {
    return &device.emplace(e, wall_time(duration(1'700'000'000'000'000'000)));
  }
  void let_time_pass(engine& e) { e.run(pass_time(e)); }
};

using mono_factories = ::testing::Types<engine_clock_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(engine_clock, monotonic_clock_conformance, mono_factories);
using wall_factories = ::testing::Types<engine_wall_clock_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(engine_wall_clock, realtime_clock_conformance, wall_factories);

TEST(engine_wall_clock, starts_at_the_given_instant_and_follows_the_engine) {
  sim_platform p;
  engine e(p);
  const wall_time origin(duration(1'700'000'000'000'000'000));
  engine_wall_clock wall(e, origin);
  engine_clock mono(e);
  EXPECT_EQ(wall.now(), origin);
  p.advance(90s);
  EXPECT_EQ(wall.now() - origin, 90s);
  EXPECT_EQ(mono.now().time_since_epoch(), 90s);
}

}  // namespace
}  // namespace atl::conformance
