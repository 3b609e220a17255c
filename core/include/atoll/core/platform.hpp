// platform: the one call through which the engine meets its target.
//
// In the spirit of Solo5's solo5_yield(deadline, ready_set): the engine asks
// the target for the time and, when it has nothing to run, hands it a
// deadline; the target sleeps until the deadline or until one of its event
// sources is ready, and reports the ready sources. The unix target implements
// it with epoll, the kernel targets with interrupts and hlt, and tests with
// virtual time (core/sim_platform.hpp). The engine is compiled once for all of
// them; this is one indirect call per loop turn, not per event.
#pragma once

#include <atoll/core/time.hpp>

#include <cstddef>

namespace atl {

class event;

/// ready_set: the event sources that became ready during one yield.
/// Bounded: a target that has more ready sources reports the rest next turn.
class ready_set {
public:
  static constexpr std::size_t capacity = 128;

  /// add: records a ready source; false when the set is full.
  bool add(event* source) noexcept {
    if (count_ == capacity) return false;
    items_[count_++] = source;
    return true;
  }
  [[nodiscard]] bool full() const noexcept { return count_ == capacity; }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] event* operator[](std::size_t i) const noexcept { return items_[i]; }
  void clear() noexcept { count_ = 0; }

private:
  event* items_[capacity] = {};
  std::size_t count_ = 0;
};

class platform {
public:
  /// now: the current monotonic time.
  virtual mono_time now() noexcept = 0;
  /// yield: returns when `deadline` has passed or when event sources are
  /// ready, adding those to `ready`. A deadline in the past polls without
  /// blocking. Spurious early returns are allowed.
  virtual void yield(mono_time deadline, ready_set& ready) noexcept = 0;

protected:
  platform() = default;
  ~platform() = default;
  platform(const platform&) = default;
  platform& operator=(const platform&) = default;
};

}  // namespace atl
