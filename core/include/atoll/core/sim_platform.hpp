// sim_platform: virtual time for tests and deterministic simulation.
//
// Time stands still while coroutines run and jumps straight to the next
// deadline when the engine yields, so a test of a ten-minute timeout runs in
// microseconds and always takes the same path. Events are injected with
// post(); a yield with no deadline and nothing posted is a deadlock, which
// stops the test with a report instead of hanging.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/platform.hpp>

#include <vector>

namespace atl {

class sim_platform final : public platform {
public:
  explicit sim_platform(mono_time start = mono_time{}) noexcept : now_(start) {}

  mono_time now() noexcept override { return now_; }

  void yield(mono_time deadline, ready_set& ready) noexcept override {
    ++yields_;
    if (!posted_.empty()) {
      std::size_t taken = 0;
      while (taken < posted_.size() && ready.add(posted_[taken])) ++taken;
      posted_.erase(posted_.begin(), posted_.begin() + static_cast<std::ptrdiff_t>(taken));
      return;
    }
    if (deadline == mono_never) ATOLL_PANIC("deadlock: nothing ready, no timer, no event posted");
    if (deadline > now_) now_ = deadline;
  }

  /// advance: moves virtual time forward (deadlines are checked at the next
  /// engine turn).
  void advance(duration d) noexcept { now_ += d; }
  /// post: reports `e` as ready at the next yield.
  void post(event& e) { posted_.push_back(&e); }
  [[nodiscard]] unsigned long yields() const noexcept { return yields_; }

private:
  mono_time now_;
  std::vector<event*> posted_;
  unsigned long yields_ = 0;
};

}  // namespace atl
