// worker: blocking jobs off the loop, results back on it, timeouts that
// leave the loop serving, a bounded queue, shutdown with jobs pending.
#include <atoll/core/when.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/worker.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace atl::unix_target {
namespace {

using namespace std::chrono_literals;

class WorkerTest : public ::testing::Test {
protected:
  epoll_platform platform_ = epoll_platform::create().value();
  engine engine_{platform_};
};

task<result<int>> add(worker& w, int a, int b) {
  auto job = [a, b]() -> result<int> { return a + b; };
  co_return co_await w.run<int>(std::move(job), 5s);
}

TEST_F(WorkerTest, ResultsComeBackOnTheLoopThread) {
  auto w = worker::create(engine_, platform_).value();
  EXPECT_EQ(engine_.run(add(*w, 2, 3)).value(), 5);
  // Many at once, in flight together.
  std::vector<task<result<int>>> jobs;
  for (int i = 0; i < 100; ++i) jobs.push_back(add(*w, i, i));
  auto results = engine_.run(all(std::move(jobs)));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)].value(), 2 * i);
  EXPECT_EQ(w->completed(), 101u);
}

task<result<std::thread::id>> where(worker& w) {
  auto job = []() -> result<std::thread::id> { return std::this_thread::get_id(); };
  co_return co_await w.run<std::thread::id>(std::move(job), 5s);
}

TEST_F(WorkerTest, JobsRunOffTheLoop) {
  auto w = worker::create(engine_, platform_).value();
  EXPECT_NE(engine_.run(where(*w)).value(), std::this_thread::get_id());
}

task<result<int>> slow(worker& w, duration timeout) {
  auto job = []() -> result<int> {
    std::this_thread::sleep_for(500ms);
    return 42;
  };
  co_return co_await w.run<int>(std::move(job), timeout);
}

task<result<int>> ticks(engine& e) {
  int n = 0;
  for (int i = 0; i < 10; ++i) {
    co_await e.sleep_for(10ms);
    ++n;
  }
  co_return n;
}

TEST_F(WorkerTest, ATimeoutLeavesTheLoopServing) {
  auto w = worker::create(engine_, platform_).value();
  const auto start = std::chrono::steady_clock::now();
  // A 500 ms job with a 100 ms timeout, and timers that must keep firing.
  std::vector<task<result<int>>> work;
  work.push_back(slow(*w, 100ms));
  work.push_back(ticks(engine_));
  auto results = engine_.run(all(std::move(work)));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code(), errc::timed_out);
  EXPECT_EQ(results[1].value(), 10);
  // Ten 10 ms ticks did not wait for the 500 ms job.
  EXPECT_LT(elapsed, 400ms);
  // The worker is still usable afterwards; the old job's result is dropped.
  EXPECT_EQ(engine_.run(add(*w, 1, 1)).value(), 2);
}

TEST_F(WorkerTest, QueueIsBounded) {
  auto w = worker::create(engine_, platform_, 2).value();
  std::vector<task<result<int>>> jobs;
  for (int i = 0; i < 6; ++i) jobs.push_back(slow(*w, 5s));
  auto results = engine_.run(all(std::move(jobs)));
  int refused = 0;
  for (auto& r : results) {
    if (!r) {
      EXPECT_EQ(r.error().code(), errc::limit_exceeded);
      ++refused;
    }
  }
  // Two fit in the queue; the thread may take the first off it before the
  // others are submitted, leaving room for one more. The rest are refused,
  // and the accepted ones complete.
  EXPECT_GE(refused, 3);
  EXPECT_LE(refused, 4);
  for (auto& r : results) {
    if (r) {
      EXPECT_EQ(*r, 42);
    }
  }
}

TEST_F(WorkerTest, ShutdownWithJobsPending) {
  auto w = worker::create(engine_, platform_).value();
  {
    // Start a slow job and give up on it at once.
    auto r = engine_.run(slow(*w, 1ms));
    EXPECT_FALSE(r);
  }
  const auto start = std::chrono::steady_clock::now();
  w.reset();  // joins: waits for the running job, skips the rest
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace atl::unix_target
