#include <atoll/core/assert.hpp>
#include <atoll/unix/clock.hpp>

#include <ctime>

namespace atl::unix_target {

namespace {

duration read_clock(clockid_t id) noexcept {
  timespec ts{};
  // Fails only for an unknown clock id: a bug.
  ATOLL_ASSERT(::clock_gettime(id, &ts) == 0);
  return duration(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

}  // namespace

mono_time mono_clock::now() noexcept { return mono_time(read_clock(CLOCK_MONOTONIC)); }

wall_time wall_clock::now() noexcept { return wall_time(read_clock(CLOCK_REALTIME)); }

}  // namespace atl::unix_target
