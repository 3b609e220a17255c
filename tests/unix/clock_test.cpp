// unix_target::mono_clock and wall_clock: the clock conformance suites on the
// host's time, and agreement with the C++ library's clocks.
#include "../devices/conformance/clock_conformance.hpp"
#include <atoll/unix/clock.hpp>

#include <chrono>
#include <optional>
#include <thread>

namespace atl::conformance {
namespace {

template <class Clock>
struct host_clock_factory {
  using device_type = Clock;
  static constexpr bool host_time = true;
  std::optional<Clock> device;
  Clock* make(engine&) { return &device.emplace(); }
  void let_time_pass(engine&) { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }
};

using mono_factories = ::testing::Types<host_clock_factory<unix_target::mono_clock>>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_mono_clock, monotonic_clock_conformance, mono_factories);
using wall_factories = ::testing::Types<host_clock_factory<unix_target::wall_clock>>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_wall_clock, realtime_clock_conformance, wall_factories);

TEST(unix_clocks, agree_with_the_host) {
  unix_target::wall_clock wall;
  unix_target::mono_clock mono;
  const auto ours = wall.now().time_since_epoch();
  const auto host = std::chrono::system_clock::now().time_since_epoch();
  EXPECT_LT(std::chrono::abs(ours - std::chrono::duration_cast<duration>(host)), 1s);
  const auto mono_ours = mono.now().time_since_epoch();
  const auto mono_host = std::chrono::steady_clock::now().time_since_epoch();
  EXPECT_LT(std::chrono::abs(mono_ours - std::chrono::duration_cast<duration>(mono_host)), 1s);
}

}  // namespace
}  // namespace atl::conformance
