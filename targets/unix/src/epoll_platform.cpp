#include "errno_error.hpp"
#include <atoll/unix/epoll_platform.hpp>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <new>
#include <sys/epoll.h>
#include <utility>

namespace atl::unix_target {

namespace {

// One slot per registration: epoll_data.ptr points at it, so one descriptor
// can report two events (readable, writable).
struct watch_slot {
  event* readable;
  event* writable;
  bool* closed;  // set, and left set, once a hang-up, an error or the peer's FIN is seen
};

// Each kernel report may add two events (readable and writable).
constexpr int max_events = static_cast<int>(ready_set::capacity / 2);

std::int64_t nanoseconds(const timespec& ts) noexcept {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

fd_registration::fd_registration(fd_registration&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      fd_(std::exchange(other.fd_, -1)),
      slot_(std::exchange(other.slot_, nullptr)) {}

fd_registration& fd_registration::operator=(fd_registration&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    fd_ = std::exchange(other.fd_, -1);
    slot_ = std::exchange(other.slot_, nullptr);
  }
  return *this;
}

fd_registration::~fd_registration() { reset(); }

void fd_registration::reset() noexcept {
  if (owner_ != nullptr) owner_->unregister(fd_, slot_);
  owner_ = nullptr;
  slot_ = nullptr;
  fd_ = -1;
}

result<epoll_platform> epoll_platform::create() noexcept {
  owned_fd fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!fd) return errno_error("epoll_create1", "", errno);
  return epoll_platform(std::move(fd));
}

epoll_platform::epoll_platform(epoll_platform&& other) noexcept
    : epfd_(std::move(other.epfd_)),
      waits_(other.waits_),
      live_(other.live_),
      have_pwait2_(other.have_pwait2_) {
  ATOLL_ASSERT(live_ == 0);  // registrations point at `other`
}

epoll_platform::~epoll_platform() { ATOLL_ASSERT(live_ == 0); }

mono_time epoll_platform::now() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return mono_time(duration(nanoseconds(ts)));
}

int epoll_platform::wait(void* events, int max, mono_time deadline) noexcept {
  auto* out = static_cast<epoll_event*>(events);
  std::int64_t left = -1;  // no deadline: wait for an event
  if (deadline != mono_never) left = std::max<std::int64_t>(0, (deadline - now()).count());
  if (have_pwait2_) {
    timespec timeout{static_cast<time_t>(left / 1'000'000'000),
                     static_cast<long>(left % 1'000'000'000)};
    const int n = ::epoll_pwait2(epfd_.get(), out, max, left < 0 ? nullptr : &timeout, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    have_pwait2_ = false;  // Linux before 5.11
  }
  // Whole milliseconds, rounded up so the deadline has passed on return.
  int ms = -1;
  if (left >= 0)
    ms = static_cast<int>(std::min<std::int64_t>((left + 999'999) / 1'000'000, 1 << 30));
  return ::epoll_wait(epfd_.get(), out, max, ms);
}

void epoll_platform::yield(mono_time deadline, ready_set& ready) noexcept {
  // Ask for no more reports than fit: an edge taken from the kernel and not
  // delivered would be lost for good.
  const int room = static_cast<int>((ready_set::capacity - ready.size()) / 2);
  const int max = std::min(max_events, room);
  if (max == 0) return;
  epoll_event events[max_events];
  const int n = wait(events, max, deadline);
  ++waits_;
  for (int i = 0; i < n; ++i) {
    auto* slot = static_cast<watch_slot*>(events[i].data.ptr);
    const std::uint32_t what = events[i].events;
    // Errors and hang-ups wake both sides: the next read or write reports them.
    const bool failed = (what & (EPOLLERR | EPOLLHUP)) != 0;
    if ((failed || (what & EPOLLRDHUP) != 0) && slot->closed != nullptr) *slot->closed = true;
    if (((what & (EPOLLIN | EPOLLRDHUP)) != 0 || failed) && slot->readable != nullptr) {
      (void)ready.add(slot->readable);
    }
    if (((what & EPOLLOUT) != 0 || failed) && slot->writable != nullptr) {
      (void)ready.add(slot->writable);
    }
  }
  // n < 0 is EINTR (a signal): an early return, which the contract allows.
}

result<fd_registration> epoll_platform::register_fd(int fd, event& readable, event* writable,
                                                    bool* closed) noexcept {
  auto* slot = new (std::nothrow) watch_slot{&readable, writable, closed};
  if (slot == nullptr) return error(errc::no_memory, "no memory to register a descriptor");
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (writable != nullptr ? EPOLLOUT : 0u);
  ev.data.ptr = slot;
  if (::epoll_ctl(epfd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    const int err = errno;
    delete slot;
    return errno_error("epoll_ctl(ADD)", "", err);
  }
  ++live_;
  return fd_registration(this, fd, slot);
}

void epoll_platform::unregister(int fd, void* slot) noexcept {
  // Reports already taken from the kernel were delivered within the yield
  // that took them, so nothing can refer to the slot after this.
  (void)::epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  delete static_cast<watch_slot*>(slot);
  --live_;
}

}  // namespace atl::unix_target
