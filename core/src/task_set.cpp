#include <atoll/core/log.hpp>
#include <atoll/core/task_set.hpp>

#include <utility>

namespace atl {

namespace {
log_source task_log{"task"};
}  // namespace

task_set::task_set(engine& e, const char* name, memory_budget* budget) noexcept
    : engine_(e), name_(name), budget_(budget), empty_(e) {}

task_set::~task_set() {
  while (!running_.empty()) {
    // Destroying the frame unlinks its promise and cancels the task inside.
    auto& promise = running_.front();
    std::coroutine_handle<detail::owned_task::promise_type>::from_promise(promise).destroy();
  }
}

template <class T>
detail::owned_task task_set::keep(task_set& set, task<T> t) noexcept {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(t);
    set.finished(nullptr);
  } else {
    auto outcome = co_await std::move(t);
    set.finished(outcome ? nullptr : &outcome.error());
  }
}

result<void> task_set::spawn(task<void> t) noexcept { return adopt(keep(*this, std::move(t))); }
result<void> task_set::spawn(task<result<void>> t) noexcept {
  return adopt(keep(*this, std::move(t)));
}

result<void> task_set::adopt(detail::owned_task wrapper) noexcept {
  if (!wrapper.handle) return error(errc::no_memory, "task_set ", name_, ": no memory to spawn");
  auto& promise = wrapper.handle.promise();
  running_.push_back(promise);
  promise.start.handle = wrapper.handle;
  engine_.schedule(promise.start);
  ++live_;
  ++spawned_;
  return ok();
}

void task_set::finished(const error* failure) noexcept {
  if (failure != nullptr) {
    ++failed_;
    task_log.log(log_level::error, "task in ", name_, " failed: ", failure->message());
  }
  if (--live_ == 0) empty_.set();
}

task<void> task_set::join() noexcept {
  while (live_ != 0) co_await empty_.wait();
}

}  // namespace atl
