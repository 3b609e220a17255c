// event: a notification that coroutines wait on.
//
// set() wakes every coroutine waiting at that moment; when none waits, the
// event remembers one notification and the next wait() consumes it without
// suspending. This is what readiness needs: a device whose source became
// readable sets the event, and a reader that loops "try, then wait" never
// misses a wake-up. Targets register events with their platform, which
// reports them in the ready_set of platform::yield.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/intrusive_list.hpp>

#include <coroutine>

namespace atl {

class event {
public:
  /// event(e): an event whose waiters resume on engine `e` (which must
  /// outlive it).
  explicit event(engine& e) noexcept : engine_(e) {}
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  /// set: wakes all current waiters, or remembers the notification.
  void set() noexcept {
    if (waiters_.empty()) {
      signaled_ = true;
      return;
    }
    while (!waiters_.empty()) engine_.schedule(waiters_.pop_front());
  }
  /// reset: forgets a remembered notification.
  void reset() noexcept { signaled_ = false; }
  [[nodiscard]] bool is_set() const noexcept { return signaled_; }
  [[nodiscard]] bool has_waiters() const noexcept { return !waiters_.empty(); }

  class awaiter {
  public:
    explicit awaiter(event& e) noexcept : event_(e) {}
    [[nodiscard]] bool await_ready() const noexcept { return event_.signaled_; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      self_.handle = h;
      event_.waiters_.push_back(self_);
    }
    void await_resume() const noexcept { event_.signaled_ = false; }

  private:
    event& event_;
    waiter self_;
  };
  /// wait: suspends until the next set(), or consumes a remembered one.
  /// Destroying the waiting coroutine removes it from the waiters.
  [[nodiscard]] awaiter wait() noexcept { return awaiter(*this); }

  [[nodiscard]] engine& owner() noexcept { return engine_; }

private:
  engine& engine_;
  intrusive_list<waiter> waiters_;
  bool signaled_ = false;
};

}  // namespace atl
