// task<T>: a lazily started coroutine that produces a T.
//
// Creating a task runs nothing; awaiting it runs it, and the awaiting
// coroutine resumes with its value when it completes. A task owns its
// coroutine frame: destroying a task that has not finished cancels it, which
// destroys every local of the frame, including the tasks and awaiters it is
// suspended on, so whatever it held (timers, buffers, connections) is
// released. There is no fire-and-forget: a task runs only when awaited or
// when handed to an owner (engine::run, task_set::spawn).
//
// Resumption goes through a trampoline (detail::resume) rather than symmetric
// transfer: an awaiter names the next coroutine to run and suspends, and the
// loop in detail::resume resumes it. g++ 12 does not turn symmetric transfer
// into a tail call at -O0 or under ASan, so a long chain of tasks that
// complete at once would otherwise grow the stack; the trampoline keeps it
// flat in every build (docs/coroutines.md).
//
// Frames are allocated without exceptions. A coroutine whose parameters
// include a `memory_budget&` charges its frame to that budget. When the frame
// cannot be had, the task is empty, and awaiting it yields errc::no_memory if
// T is a result, or stops with a report otherwise (only input-independent
// code may use tasks of plain values).
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/budget.hpp>
#include <atoll/core/result.hpp>

#include <coroutine>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace atl {

template <class T = void>
class task;

namespace detail {

/// The coroutine that the running trampoline resumes next. An awaiter sets
/// it just before its coroutine suspends; only detail::resume reads it.
inline constinit std::coroutine_handle<> next_to_resume{};

/// resume: runs `h` and every coroutine handed on by the awaiters it meets,
/// until one suspends without naming a successor. All resumption of task
/// coroutines goes through here.
inline void resume(std::coroutine_handle<> h) noexcept {
  while (h) {
    next_to_resume = {};
    h.resume();
    h = std::exchange(next_to_resume, std::coroutine_handle<>{});
  }
}

// Frame allocation: a small header before the frame remembers the budget.
struct frame_header {
  memory_budget* budget;
  std::size_t size;
};
static_assert(sizeof(frame_header) % alignof(std::max_align_t) == 0);

/// allocate_frame(size, budget): storage for a coroutine frame of `size`
/// bytes, charged (with its header) to `budget` when given; nullptr when the
/// budget or the heap says no. Frames of up to 2 KiB come from bounded free
/// lists by size class (core/src/frame_pool.cpp): a task per device read or
/// write would otherwise cost a malloc and a free. Single-threaded.
void* allocate_frame(std::size_t size, memory_budget* budget) noexcept;
/// free_frame(frame): gives back a frame from allocate_frame, refunds its budget.
void free_frame(void* frame) noexcept;

/// The frame free lists' counters (statistics, tests); they hold at most
/// frame_pool_limit_bytes.
inline constexpr std::size_t frame_pool_limit_bytes = std::size_t{256} << 10;
struct frame_pool_stats {
  std::size_t reused;       // frames taken from a free list
  std::size_t fresh;        // frames taken from the heap
  std::size_t kept_blocks;  // frames on the free lists now
  std::size_t kept_bytes;   // their size, <= frame_pool_limit_bytes
};
[[nodiscard]] frame_pool_stats frame_pool() noexcept;
/// trim_frame_pool: gives every frame on the free lists back to the heap.
void trim_frame_pool() noexcept;

template <class... Args>
memory_budget* find_budget(Args&... args) noexcept {
  memory_budget* found = nullptr;
  auto pick = [&found](auto& arg) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(arg)>, memory_budget>) {
      if (found == nullptr) found = &arg;
    }
  };
  (pick(args), ...);
  return found;
}

/// Everything a task promise has apart from its value.
struct promise_base {
  std::coroutine_handle<> continuation{};

  static void* operator new(std::size_t size) noexcept { return allocate_frame(size, nullptr); }
  template <class... Args>
  static void* operator new(std::size_t size, Args&... args) noexcept {
    return allocate_frame(size, find_budget(args...));
  }
  static void operator delete(void* frame) noexcept { free_frame(frame); }

  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct final_awaiter {
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <class Promise>
    void await_suspend(std::coroutine_handle<Promise> self) const noexcept {
      next_to_resume = self.promise().continuation;
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() const noexcept { return {}; }

  [[noreturn]] void unhandled_exception() const noexcept { ATOLL_PANIC("exception in a task"); }
};

template <class T>
struct promise_value : promise_base {
  template <class U>
    requires std::is_constructible_v<T, U&&>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    new (&storage_) T(std::forward<U>(value));
    has_value_ = true;
  }
  T take() noexcept {
    ATOLL_ASSERT(has_value_);
    return std::move(*std::launder(reinterpret_cast<T*>(&storage_)));
  }
  ~promise_value() {
    if (has_value_) std::launder(reinterpret_cast<T*>(&storage_))->~T();
  }

private:
  alignas(T) unsigned char storage_[sizeof(T)];
  bool has_value_ = false;
};

template <>
struct promise_value<void> : promise_base {
  void return_void() const noexcept {}
  void take() const noexcept {}
};

/// The value of a task whose frame could not be allocated.
template <class T>
T allocation_failed() noexcept {
  if constexpr (is_result_v<T>) {
    return T(error(errc::no_memory, "no memory for a coroutine frame"));
  } else {
    ATOLL_PANIC("no memory for a coroutine frame");
  }
}

}  // namespace detail

template <class T>
class [[nodiscard]] task {
public:
  using value_type = T;

  struct promise_type : detail::promise_value<T> {
    task get_return_object() noexcept {
      return task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    static task get_return_object_on_allocation_failure() noexcept { return task(); }
  };
  using handle_type = std::coroutine_handle<promise_type>;

  task() noexcept = default;
  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  /// Destroying an unfinished task cancels it.
  ~task() { reset(); }

  /// valid: false for a moved-from task or one whose frame allocation failed.
  [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }
  /// done: the task ran to completion and its value is waiting.
  [[nodiscard]] bool done() const noexcept { return handle_ && handle_.done(); }

  struct awaiter {
    handle_type handle;
    [[nodiscard]] bool await_ready() const noexcept { return !handle; }
    void await_suspend(std::coroutine_handle<> awaiting) const noexcept {
      handle.promise().continuation = awaiting;
      detail::next_to_resume = handle;
    }
    T await_resume() const noexcept {
      if (!handle) return detail::allocation_failed<T>();
      return handle.promise().take();
    }
  };
  /// co_await task: runs it; the result is the task's value.
  awaiter operator co_await() && noexcept { return awaiter{handle_}; }

  // For owners that drive a task themselves (engine, task_set, all/any).
  [[nodiscard]] handle_type handle() const noexcept { return handle_; }
  /// take_value: the value of a task that is done().
  T take_value() noexcept {
    if (!handle_) return detail::allocation_failed<T>();
    ATOLL_ASSERT(handle_.done());
    return handle_.promise().take();
  }

private:
  explicit task(handle_type h) noexcept : handle_(h) {}
  void reset() noexcept {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

  handle_type handle_{};
};

}  // namespace atl
