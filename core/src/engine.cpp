#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>

#include <utility>

namespace atl {

namespace {
// While coroutines are ready, the platform is still polled (deadline in the
// past) every this many turns, so a busy loop cannot starve I/O.
constexpr unsigned poll_interval = 8;

bool earlier(const timer* a, const timer* b) noexcept {
  return a->deadline < b->deadline || (a->deadline == b->deadline && a->sequence < b->sequence);
}
}  // namespace

engine::engine(platform& p) noexcept : platform_(p) { timers_.reserve(1024); }

engine::~engine() {
  ready_.clear();
  for (timer* t : timers_) t->heap_index = timer::not_queued;
}

void engine::schedule(waiter& w) noexcept {
  w.unlink();
  ready_.push_back(w);
}

void engine::run_ready() noexcept {
  // Only what is ready now: coroutines made ready by these wait for the next
  // turn, after timers and I/O have had their chance.
  intrusive_list<waiter> batch;
  while (!ready_.empty()) batch.push_back(ready_.pop_front());
  while (!batch.empty()) {
    waiter& w = batch.pop_front();
    ++stats_.resumed;
    detail::resume(w.handle);
  }
}

void engine::turn(std::coroutine_handle<> main) noexcept {
  ++stats_.turns;
  run_ready();
  if (main.done()) return;
  fire_timers(platform_.now());

  const bool busy = !ready_.empty();
  if (busy && ++turns_since_poll_ < poll_interval) return;
  turns_since_poll_ = 0;

  mono_time deadline = mono_never;
  if (busy) {
    deadline = mono_time::min();
  } else if (!timers_.empty()) {
    deadline = timers_.front()->deadline;
  }
  ready_events_.clear();
  ++stats_.yields;
  platform_.yield(deadline, ready_events_);
  stats_.events += ready_events_.size();
  for (std::size_t i = 0; i < ready_events_.size(); ++i) ready_events_[i]->set();
  fire_timers(platform_.now());
}

void engine::fire_timers(mono_time now) noexcept {
  while (!timers_.empty() && timers_.front()->deadline <= now) {
    timer* t = timers_.front();
    remove_timer(*t);
    ++stats_.timers_fired;
    schedule(t->on_expiry);
  }
}

void engine::add_timer(timer& t) noexcept {
  ATOLL_ASSERT(t.heap_index == timer::not_queued);
  t.sequence = timer_sequence_++;
  timers_.push_back(&t);
  t.heap_index = timers_.size() - 1;
  heap_up(t.heap_index);
}

void engine::remove_timer(timer& t) noexcept {
  const std::size_t i = t.heap_index;
  ATOLL_ASSERT(i < timers_.size() && timers_[i] == &t);
  t.heap_index = timer::not_queued;
  timer* last = timers_.back();
  timers_.pop_back();
  if (i == timers_.size()) return;
  heap_place(i, last);
  heap_up(i);
  heap_down(last->heap_index);
}

void engine::heap_place(std::size_t i, timer* t) noexcept {
  timers_[i] = t;
  t->heap_index = i;
}

void engine::heap_up(std::size_t i) noexcept {
  timer* t = timers_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!earlier(t, timers_[parent])) break;
    heap_place(i, timers_[parent]);
    i = parent;
  }
  heap_place(i, t);
}

void engine::heap_down(std::size_t i) noexcept {
  timer* t = timers_[i];
  const std::size_t n = timers_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(timers_[child + 1], timers_[child])) ++child;
    if (!earlier(timers_[child], t)) break;
    heap_place(i, timers_[child]);
    i = child;
  }
  heap_place(i, t);
}

}  // namespace atl
