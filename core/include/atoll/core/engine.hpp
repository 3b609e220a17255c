// engine: the event loop of one unikernel.
//
// The engine runs a main task to completion. Between the steps of that task
// it runs every coroutine that has become ready (FIFO), fires expired timers,
// and, when nothing is ready, waits in the target's platform::yield until the
// next timer deadline or until an event source is ready. It is single
// threaded and target-agnostic: the target supplies only the platform.
//
// Coroutines wait on the engine through awaiters that hold a `waiter` in the
// coroutine frame. Destroying a suspended coroutine destroys its awaiter,
// which unlinks it from the timer heap and the ready queue: cancellation by
// destruction leaves nothing behind.
#pragma once

#include <atoll/core/intrusive_list.hpp>
#include <atoll/core/platform.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace atl {

class engine;

/// waiter: a suspended coroutine waiting for the engine to resume it. It sits
/// in at most one list at a time (an event's waiters or the ready queue).
struct waiter : list_hook<> {
  std::coroutine_handle<> handle{};
};

/// timer: a deadline in the engine's heap; owned by a sleep awaiter.
struct timer {
  static constexpr std::size_t not_queued = static_cast<std::size_t>(-1);
  mono_time deadline{};
  std::uint64_t sequence = 0;
  std::size_t heap_index = not_queued;
  waiter on_expiry;
};

struct engine_stats {
  std::uint64_t turns = 0;
  std::uint64_t resumed = 0;  ///< waiters resumed from the ready queue
  std::uint64_t timers_fired = 0;
  std::uint64_t yields = 0;  ///< calls to platform::yield
  std::uint64_t events = 0;  ///< ready event sources reported by the platform
};

class engine {
public:
  /// engine(p): an engine over platform `p`, which must outlive it.
  explicit engine(platform& p) noexcept;
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;
  ~engine();

  /// run(main): runs `main` and the loop until `main` completes; returns its
  /// value. Background tasks still running then stay with their owners.
  template <class T>
  T run(task<T> main) noexcept {
    auto h = main.handle();
    if (!h) return main.take_value();
    detail::resume(h);
    while (!h.done()) turn(h);
    return main.take_value();
  }

  /// now: the current monotonic time, read from the platform.
  [[nodiscard]] mono_time now() noexcept { return platform_.now(); }

  class sleep_awaiter;
  /// sleep_until(t) / sleep_for(d): suspends the caller until the time has
  /// come. Destroying the sleeping coroutine cancels the timer.
  [[nodiscard]] sleep_awaiter sleep_until(mono_time deadline) noexcept;
  [[nodiscard]] sleep_awaiter sleep_for(duration d) noexcept;

  struct yield_awaiter {
    engine& owner;
    waiter self{};
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      self.handle = h;
      owner.schedule(self);
    }
    void await_resume() const noexcept {}
  };
  /// yield_now: lets every other ready coroutine run before resuming.
  [[nodiscard]] yield_awaiter yield_now() noexcept { return yield_awaiter{*this}; }

  /// schedule(w): makes a waiter ready; it resumes in FIFO order.
  void schedule(waiter& w) noexcept;

  [[nodiscard]] const engine_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::size_t pending_timers() const noexcept { return timers_.size(); }
  [[nodiscard]] platform& target() noexcept { return platform_; }

  // Timer heap primitives used by sleep_awaiter.
  void add_timer(timer& t) noexcept;
  void remove_timer(timer& t) noexcept;

private:
  /// turn: runs what is ready, fires timers and, unless `main` is done,
  /// waits on the platform.
  void turn(std::coroutine_handle<> main) noexcept;
  void run_ready() noexcept;
  void fire_timers(mono_time now) noexcept;
  void heap_up(std::size_t i) noexcept;
  void heap_down(std::size_t i) noexcept;
  void heap_place(std::size_t i, timer* t) noexcept;

  platform& platform_;
  intrusive_list<waiter> ready_;
  std::vector<timer*> timers_;  // binary min-heap on (deadline, sequence)
  std::uint64_t timer_sequence_ = 0;
  unsigned turns_since_poll_ = 0;
  ready_set ready_events_;
  engine_stats stats_;
};

class engine::sleep_awaiter {
public:
  sleep_awaiter(engine& e, mono_time deadline) noexcept : engine_(e) { timer_.deadline = deadline; }
  sleep_awaiter(const sleep_awaiter&) = delete;
  sleep_awaiter& operator=(const sleep_awaiter&) = delete;
  ~sleep_awaiter() {
    if (timer_.heap_index != timer::not_queued) engine_.remove_timer(timer_);
  }

  [[nodiscard]] bool await_ready() const noexcept { return timer_.deadline <= engine_.now(); }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    timer_.on_expiry.handle = h;
    engine_.add_timer(timer_);
  }
  void await_resume() const noexcept {}

private:
  engine& engine_;
  timer timer_;
};

inline engine::sleep_awaiter engine::sleep_until(mono_time deadline) noexcept {
  return sleep_awaiter(*this, deadline);
}
inline engine::sleep_awaiter engine::sleep_for(duration d) noexcept {
  return sleep_awaiter(*this, now() + d);
}

}  // namespace atl
