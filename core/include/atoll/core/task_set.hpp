// task_set: the owner of background tasks.
//
// spawn() hands a task to the set, which starts it on the engine's next turn
// and keeps it until it completes. A task whose value is an error result is
// logged on the "task" log source with the set's name, and counted: a
// failure is never lost. Destroying the set cancels every task still in it.
// join() waits until the set is empty. There is no other way to run a task in
// the background.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/intrusive_list.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>

#include <coroutine>
#include <cstddef>
#include <cstdint>

namespace atl {

class task_set;

namespace detail {

struct owned_tag;

/// owned_task: the wrapper coroutine through which a task_set keeps a task.
struct owned_task {
  struct promise_type : list_hook<owned_tag> {
    waiter start;

    static void* operator new(std::size_t size, task_set& set, auto&) noexcept;
    static void operator delete(void* frame) noexcept { free_frame(frame); }

    owned_task get_return_object() noexcept {
      return owned_task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    static owned_task get_return_object_on_allocation_failure() noexcept { return owned_task{}; }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    // The frame frees itself at the end; its hook leaves the set's list.
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    [[noreturn]] void unhandled_exception() const noexcept { ATOLL_PANIC("exception in a task"); }
  };
  std::coroutine_handle<promise_type> handle{};
};

}  // namespace detail

class task_set {
public:
  /// task_set(e, name, budget): tasks run on engine `e`; failures are logged
  /// with `name`; the wrappers' frames are charged to `budget` when given.
  /// `e` and `budget` must outlive the set.
  task_set(engine& e, const char* name, memory_budget* budget = nullptr) noexcept;
  task_set(const task_set&) = delete;
  task_set& operator=(const task_set&) = delete;
  /// Cancels (destroys) every task still running.
  ~task_set();

  /// spawn(t): the set takes `t` and starts it on a later engine turn. Fails
  /// with errc::no_memory when the wrapper cannot be allocated (the task is
  /// then destroyed without running).
  result<void> spawn(task<void> t) noexcept;
  result<void> spawn(task<result<void>> t) noexcept;

  /// join: completes when no task is left in the set.
  task<void> join() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return live_; }
  [[nodiscard]] std::uint64_t spawned() const noexcept { return spawned_; }
  [[nodiscard]] std::uint64_t failed() const noexcept { return failed_; }
  [[nodiscard]] const char* name() const noexcept { return name_; }
  [[nodiscard]] memory_budget* budget() const noexcept { return budget_; }

private:
  template <class T>
  static detail::owned_task keep(task_set& set, task<T> t) noexcept;
  result<void> adopt(detail::owned_task wrapper) noexcept;
  void finished(const error* failure) noexcept;

  engine& engine_;
  const char* name_;
  memory_budget* budget_;
  intrusive_list<detail::owned_task::promise_type, detail::owned_tag> running_;
  std::size_t live_ = 0;
  std::uint64_t spawned_ = 0;
  std::uint64_t failed_ = 0;
  event empty_;
};

inline void* detail::owned_task::promise_type::operator new(std::size_t size, task_set& set,
                                                            auto&) noexcept {
  return allocate_frame(size, set.budget());
}

}  // namespace atl
