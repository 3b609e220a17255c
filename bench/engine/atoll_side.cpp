// The atoll side: core's task and engine, on virtual time (sim_platform), so
// the figures measure the engine and not a host clock or system call.
#include "sides.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>

namespace bench {
namespace {

atl::task<int> immediate(int v) { co_return v; }

atl::task<long> await_many(long n) {
  long total = 0;
  for (long i = 0; i < n; ++i) {
    const int v = co_await immediate(1);
    total += v;
  }
  co_return total;
}

atl::task<void> sleeper(atl::engine& e, atl::mono_time base, long id, long sleepers, long rounds,
                        long& fired) {
  for (long r = 0; r < rounds; ++r) {
    co_await e.sleep_until(base + atl::duration(1 + r * sleepers + id));
    ++fired;
  }
}

atl::task<long> run_sleepers(atl::engine& e, long sleepers, long rounds) {
  long fired = 0;
  atl::task_set set(e, "bench");
  const atl::mono_time base = e.now();
  for (long i = 0; i < sleepers; ++i) (void)set.spawn(sleeper(e, base, i, sleepers, rounds, fired));
  co_await set.join();
  co_return fired;
}

}  // namespace

long atoll_completions(long n) {
  atl::sim_platform p;
  atl::engine e(p);
  return e.run(await_many(n));
}

long atoll_timers(long sleepers, long rounds) {
  atl::sim_platform p;
  atl::engine e(p);
  return e.run(run_sleepers(e, sleepers, rounds));
}

}  // namespace bench
