// worker: a thread for blocking calls, completions through an eventfd.
#include "errno_error.hpp"
#include <atoll/unix/worker.hpp>

#include <cerrno>
#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

namespace atl::unix_target {

result<std::unique_ptr<worker>> worker::create(engine& e, epoll_platform& p,
                                               std::size_t max_queue) {
  std::unique_ptr<worker> w(new worker(e));
  w->max_queue_ = max_queue;
  w->eventfd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!w->eventfd_) return errno_error("eventfd", "", errno);
  ATOLL_TRY(w->registration_, p.register_fd(w->eventfd_.get(), w->ready_));
  w->thread_ = std::thread([raw = w.get()] { raw->loop(); });
  return w;
}

worker::~worker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();  // not started: skipped (their callers are gone)
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

result<void> worker::submit(std::shared_ptr<job> j) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error(errc::closed, "worker: stopping");
    if (queue_.size() >= max_queue_) return error(errc::limit_exceeded, "worker: queue full");
    queue_.push_back(std::move(j));
  }
  wake_.notify_one();
  return {};
}

void worker::loop() noexcept {
  for (;;) {
    std::shared_ptr<job> j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!j->waited.load()) {
      abandoned_.fetch_add(1);
      continue;  // its caller gave up before it started
    }
    j->execute();
    j->done.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    // A full counter (never, at 2^64 - 2) would only delay the wake-up.
    [[maybe_unused]] const auto n = ::write(eventfd_.get(), &one, sizeof one);
  }
}

void worker::drain() noexcept {
  std::uint64_t count = 0;
  while (::read(eventfd_.get(), &count, sizeof count) > 0) {
  }
}

task<result<void>> worker::wait_for(worker& w, std::shared_ptr<job> j) {
  // If this task is cancelled (timeout), the job's result is not wanted.
  struct give_up {
    job* j;
    bool armed = true;
    ~give_up() {
      if (armed) j->waited.store(false);
    }
  } guard{j.get()};
  while (!j->done.load(std::memory_order_acquire)) {
    co_await w.ready_.wait();
    w.drain();
    // Others waiting on the same worker may have their job done: wake them
    // to look (the event wakes every waiter at once).
  }
  guard.armed = false;
  ++w.completed_;
  co_return ok();
}

}  // namespace atl::unix_target
