// worker: blocking host calls (libgit2, getaddrinfo, ...) on a thread of
// their own, so the event loop never stalls.
//
//   auto r = co_await w.run<int>(engine, [] { return blocking_call(); }, 5s);
//
// run(job, timeout) queues `job` (bounded: limit_exceeded when max_queue
// jobs wait), and the awaiting coroutine resumes on the loop thread when
// the job has returned, with its result. The job runs on the worker thread:
// it may touch only what it owns (capture by value, never a reference into
// the caller's frame). When `timeout` passes first the coroutine gets
// errc::timed_out at once; the job runs on, or is skipped if it has not
// started, and its result is dropped: job state is shared between the two
// sides, so nothing dangles. Jobs run one at a time, in order, which is also
// what libgit2 wants of one repository.
//
// Completion crosses threads through an eventfd registered with the epoll
// platform. Destroying the worker skips the jobs not started, waits for the
// one running, and joins the thread; coroutines still waiting must be gone
// first (their tasks destroyed), as for any device.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/when.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/fd.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace atl::unix_target {

class worker {
public:
  static constexpr std::size_t default_max_queue = 256;

  /// create(e, p, max_queue): a worker whose completions wake `e` through
  /// `p` (both must outlive it).
  static result<std::unique_ptr<worker>> create(engine& e, epoll_platform& p,
                                                std::size_t max_queue = default_max_queue);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  ~worker();

  /// run<R>(job, timeout): see the header comment. `job` returns result<R>.
  template <class R, class F>
  task<result<R>> run(F work, duration timeout) {
    auto state = std::make_shared<typed_job<R, F>>(std::move(work));
    ATOLL_CO_TRYV(submit(state));
    ATOLL_CO_TRYV(co_await with_timeout(engine_, timeout, wait_for(*this, state)));
    co_return std::move(*state->out);
  }

  /// Jobs completed, and results dropped after a timeout, for counters.
  [[nodiscard]] std::uint64_t completed() const noexcept { return completed_; }
  [[nodiscard]] std::uint64_t abandoned() const noexcept { return abandoned_.load(); }

private:
  struct job {
    virtual ~job() = default;
    virtual void execute() = 0;
    std::atomic<bool> done{false};
    std::atomic<bool> waited{true};  ///< false once the caller gave up
  };
  template <class R, class F>
  struct typed_job final : job {
    explicit typed_job(F f) : fn(std::move(f)) {}
    void execute() override { out.emplace(fn()); }
    F fn;
    std::optional<result<R>> out;
  };

  worker(engine& e) noexcept : engine_(e), ready_(e) {}
  result<void> submit(std::shared_ptr<job> j);
  // Waits on the loop until `j` is done (drains the eventfd as it goes).
  static task<result<void>> wait_for(worker& w, std::shared_ptr<job> j);
  void drain() noexcept;
  void loop() noexcept;

  engine& engine_;
  event ready_;
  owned_fd eventfd_;
  fd_registration registration_;
  std::size_t max_queue_ = default_max_queue;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<job>> queue_;
  bool stopping_ = false;
  std::uint64_t completed_ = 0;
  std::atomic<std::uint64_t> abandoned_{0};
  std::thread thread_;
};

}  // namespace atl::unix_target
