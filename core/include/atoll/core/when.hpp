// Combinators: run tasks concurrently and wait for all of them, for the first
// of them, or for a deadline (the role of Lwt's join, pick and timeout).
//
//   auto [page, logo] = co_await all(fetch(a), fetch(b));    // both, concurrently
//   auto first = co_await any(ask(primary), ask(backup));      // first.index, first.value
//   auto reply = co_await with_timeout(eng, 2s, query(dns));   // errc::timed_out after 2 s
//
// Each combinator is a task: like every task it is lazy, and it owns the tasks
// it is given. When it is awaited it starts them one after the other, each
// running until its first suspension, so that they proceed concurrently on the
// one engine; then it suspends until the condition holds. Destroying the
// combinator's task (cancelling it) destroys the tasks it owns, which releases
// whatever they were suspended on: timers, events, buffers, child tasks.
//
// Results. A task<void> contributes `unit` to a result. A task whose frame
// could not be allocated counts as completed at once, with the value awaiting
// it would give: an errc::no_memory error for a result<T>, a stop with a
// report for a plain value (the rule of task.hpp).
//
// Mechanics (docs/coroutines.md): children are started through the trampoline
// (detail::resume) with no continuation, so one that completes during the start
// (while the combinator is still inside await_suspend) names nobody and is
// seen as done afterwards; once all are started, the children still running get
// the combinator as their continuation, and each completion resumes it through
// the trampoline. Starting nests one trampoline per level of combinator
// nesting, so native stack grows with the nesting depth of combinators (not
// with the length of await chains, which stays flat).
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>

#include <array>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace atl {

/// unit: the value that a task<void> contributes to all() and any().
struct unit {
  friend constexpr bool operator==(unit, unit) noexcept { return true; }
};

/// value_or_unit_t<T>: T, or unit for void.
template <class T>
using value_or_unit_t = std::conditional_t<std::is_void_v<T>, unit, T>;

/// any_result<V>: which task completed first (its position among the
/// arguments, from 0) and its value.
template <class V>
struct any_result {
  std::size_t index;
  V value;
};

namespace detail {

/// join_child: a task's coroutine as the combinators drive it; an empty
/// handle for a task without a frame.
struct join_child {
  std::coroutine_handle<> handle{};
  promise_base* promise = nullptr;

  [[nodiscard]] bool done() const noexcept { return !handle || handle.done(); }
};

template <class T>
join_child child_of(const task<T>& t) noexcept {
  const auto h = t.handle();
  if (!h) return {};
  return {h, &h.promise()};
}
inline join_child child_of(const join_child& c) noexcept { return c; }

/// take(t): the value of a completed task, unit for task<void>.
template <class T>
value_or_unit_t<T> take(task<T>& t) noexcept {
  if constexpr (std::is_void_v<T>) {
    t.take_value();
    return unit{};
  } else {
    return t.take_value();
  }
}

enum class join_mode : std::uint8_t { all, any };

/// join_awaiter: starts the children (a span of tasks or join_child) and
/// suspends the awaiting combinator unless the condition already holds.
/// co_await yields how many completions the combinator must still wait for
/// with completion_awaiter: for `all`, the children still running minus the
/// one whose completion resumed it; for `any`, always 0.
template <class Child>
class join_awaiter {
public:
  join_awaiter(std::span<Child> children, join_mode mode) noexcept
      : children_(children), mode_(mode) {}
  join_awaiter(const join_awaiter&) = delete;
  join_awaiter& operator=(const join_awaiter&) = delete;

  [[nodiscard]] bool await_ready() const noexcept { return children_.empty(); }

  bool await_suspend(std::coroutine_handle<> self) noexcept {
    // Start each child on a nested trampoline. Its continuation stays empty,
    // so a child completing now returns here instead of resuming `self`,
    // which is still inside this function.
    std::size_t started = 0;
    while (started < children_.size()) {
      const join_child c = child_of(children_[started++]);
      if (c.handle) {
        ATOLL_ASSERT(!c.handle.done());  // a task runs once
        c.promise->continuation = {};
        detail::resume(c.handle);
      }
      if (mode_ == join_mode::any && c.done()) break;  // later children never start
    }
    std::size_t done = 0;
    for (std::size_t i = 0; i < started; ++i) {
      if (child_of(children_[i]).done()) ++done;
    }
    if (mode_ == join_mode::any ? done > 0 : done == started) return false;
    // From now on each completion resumes `self` through the trampoline.
    for (std::size_t i = 0; i < started; ++i) {
      const join_child c = child_of(children_[i]);
      if (!c.done()) c.promise->continuation = self;
    }
    running_ = started - done;
    return true;
  }

  std::size_t await_resume() const noexcept {
    if (mode_ == join_mode::any || running_ == 0) return 0;
    return running_ - 1;
  }

private:
  std::span<Child> children_;
  join_mode mode_;
  std::size_t running_ = 0;
};

/// completion_awaiter: suspends until a child names this coroutine.
struct completion_awaiter {
  [[nodiscard]] bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

/// first_done(children): the position of the first completed child.
template <class Child>
std::size_t first_done(std::span<Child> children) noexcept {
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (child_of(children[i]).done()) return i;
  }
  ATOLL_PANIC("any: resumed with no child done");
}

/// finish_any(children): cancels every child but the first completed one,
/// and returns that one's position and value.
template <class T>
any_result<value_or_unit_t<T>> finish_any(std::span<task<T>> children) noexcept {
  const std::size_t winner = first_done(children);
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i != winner) children[i] = task<T>();
  }
  return any_result<value_or_unit_t<T>>{winner, take(children[winner])};
}

/// deadline_awaiter: starts `inner` and races it against a timer at
/// `deadline`; co_await yields true when `inner` completed first.
template <class T>
class deadline_awaiter {
public:
  deadline_awaiter(engine& e, mono_time deadline, task<T>& inner) noexcept
      : engine_(e), inner_(inner) {
    timer_.deadline = deadline;
  }
  deadline_awaiter(const deadline_awaiter&) = delete;
  deadline_awaiter& operator=(const deadline_awaiter&) = delete;
  ~deadline_awaiter() { disarm(); }

  [[nodiscard]] bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<> self) noexcept {
    const auto h = inner_.handle();
    if (!h) return false;
    ATOLL_ASSERT(!h.done());        // a task runs once
    h.promise().continuation = {};  // completing now must not resume `self`
    detail::resume(h);
    if (h.done() || timer_.deadline <= engine_.now()) return false;
    h.promise().continuation = self;
    if (timer_.deadline != mono_never) {
      timer_.on_expiry.handle = self;
      engine_.add_timer(timer_);
    }
    return true;
  }

  /// true: `inner` completed (or has no frame); false: the deadline passed.
  [[nodiscard]] bool await_resume() noexcept {
    // Resumed by `inner`, the timer may still be queued, or have fired and
    // sit in the ready queue: both go now.
    disarm();
    return !inner_.valid() || inner_.done();
  }

private:
  void disarm() noexcept {
    if (timer_.heap_index != timer::not_queued) engine_.remove_timer(timer_);
    timer_.on_expiry.unlink();
  }

  engine& engine_;
  task<T>& inner_;
  timer timer_;
};

/// deadline_after(e, d): now + d, saturating at mono_never.
inline mono_time deadline_after(engine& e, duration d) noexcept {
  const mono_time now = e.now();
  if (d <= duration::zero()) return now;
  if (d >= mono_never - now) return mono_never;
  return now + d;
}

template <class T>
task<result<T>> run_until(engine& e, mono_time deadline, duration timeout, bool relative,
                          task<result<T>> inner) noexcept {
  const mono_time limit = relative ? deadline_after(e, timeout) : deadline;
  deadline_awaiter<result<T>> race(e, limit, inner);
  const bool finished = co_await race;
  if (!finished) {
    inner = task<result<T>>();  // cancel it before returning
    co_return error(errc::timed_out, "deadline passed");
  }
  co_return inner.take_value();
}

}  // namespace detail

/// all(tasks...): runs the tasks concurrently and completes when every one
/// has completed, with their values in order (unit for task<void>). A failing
/// result<T> does not stop the others: each value is returned as it is.
/// Destroying the all() task cancels the tasks still running.
template <class... Ts>
task<std::tuple<value_or_unit_t<Ts>...>> all(task<Ts>... children) noexcept {
  std::array<detail::join_child, sizeof...(Ts)> list{detail::child_of(children)...};
  detail::join_awaiter<detail::join_child> start(list, detail::join_mode::all);
  std::size_t left = co_await start;
  while (left > 0) {
    co_await detail::completion_awaiter{};
    --left;
  }
  co_return std::tuple<value_or_unit_t<Ts>...>(detail::take(children)...);
}

/// all(tasks): the same for any number of tasks of one type; the values come
/// in the order of the tasks. The result vector is allocated from the heap
/// (sized by the caller's own vector, so not by peer input alone).
template <class T>
task<std::vector<value_or_unit_t<T>>> all(std::vector<task<T>> children) noexcept {
  detail::join_awaiter<task<T>> start(std::span<task<T>>(children), detail::join_mode::all);
  std::size_t left = co_await start;
  while (left > 0) {
    co_await detail::completion_awaiter{};
    --left;
  }
  std::vector<value_or_unit_t<T>> values;
  values.reserve(children.size());
  for (task<T>& child : children) values.push_back(detail::take(child));
  co_return values;
}

/// any(tasks...): runs tasks of one type concurrently and completes with the
/// first to complete: its index among the arguments and its value. The
/// others are cancelled (destroyed) before any() completes; tasks after one
/// that completes during the start are never started. When several are done
/// at the same time (during the start), the lowest index wins.
template <class T, std::same_as<task<T>>... Rest>
task<any_result<value_or_unit_t<T>>> any(task<T> first, Rest... rest) noexcept {
  std::array<task<T>, 1 + sizeof...(Rest)> children{std::move(first), std::move(rest)...};
  detail::join_awaiter<task<T>> start(std::span<task<T>>(children), detail::join_mode::any);
  co_await start;
  co_return detail::finish_any(std::span<task<T>>(children));
}

/// any(tasks): the same for a vector of tasks, which must not be empty.
template <class T>
task<any_result<value_or_unit_t<T>>> any(std::vector<task<T>> children) noexcept {
  ATOLL_ASSERT(!children.empty());
  detail::join_awaiter<task<T>> start(std::span<task<T>>(children), detail::join_mode::any);
  co_await start;
  co_return detail::finish_any(std::span<task<T>>(children));
}

/// with_timeout(e, d, t): runs `t`; if it has not completed `d` after the
/// with_timeout task starts, cancels (destroys) it and completes with
/// errc::timed_out. A task that completes during its start wins even with a
/// deadline already past; one whose own timer is due at the deadline instant
/// runs first, and wins if it then completes without waiting again. The timer lives in the
/// with_timeout task: cancelling that task removes it. `e` must outlive the task.
template <class T>
task<result<T>> with_timeout(engine& e, duration d, task<result<T>> t) noexcept {
  return detail::run_until(e, mono_time{}, d, true, std::move(t));
}

/// with_deadline(e, when, t): the same with an absolute deadline.
template <class T>
task<result<T>> with_deadline(engine& e, mono_time when, task<result<T>> t) noexcept {
  return detail::run_until(e, when, duration::zero(), false, std::move(t));
}

}  // namespace atl
