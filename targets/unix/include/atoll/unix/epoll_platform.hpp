// unix_target::epoll_platform: the engine's platform on Linux.
//
// now() reads CLOCK_MONOTONIC. yield(deadline, ready) waits in epoll_pwait2
// (a nanosecond timeout; Linux 5.11) until the deadline or until registered
// descriptors are ready, and reports the event registered for each; on a
// kernel without epoll_pwait2 it falls back to epoll_wait with the timeout
// rounded up to whole milliseconds, so a deadline is never returned early
// for lack of resolution. A signal (EINTR) ends the wait early, which the
// platform contract allows: the engine turns and yields again.
//
// Descriptors are registered edge-triggered: a device reads or writes until
// EAGAIN, then waits on its event. core/event.hpp remembers a notification
// that arrives while nobody waits, so no wake-up is lost. A yield never asks
// the kernel for more readiness reports than the ready_set can still hold,
// so an edge is never consumed without being delivered.
#pragma once

#include <atoll/core/event.hpp>
#include <atoll/core/platform.hpp>
#include <atoll/core/result.hpp>
#include <atoll/unix/fd.hpp>

#include <cstddef>
#include <cstdint>

namespace atl::unix_target {

class epoll_platform;  // NOLINT(cppcoreguidelines-virtual-class-destructor): it is final

/// fd_registration: keeps a descriptor registered with the platform; the
/// registration ends (EPOLL_CTL_DEL) when it is destroyed or reset. It must
/// end before the descriptor is closed and before the platform goes.
class fd_registration {
public:
  fd_registration() noexcept = default;
  fd_registration(fd_registration&& other) noexcept;
  fd_registration& operator=(fd_registration&& other) noexcept;
  fd_registration(const fd_registration&) = delete;
  fd_registration& operator=(const fd_registration&) = delete;
  ~fd_registration();

  /// reset: ends the registration now (nothing when empty).
  void reset() noexcept;
  [[nodiscard]] bool active() const noexcept { return owner_ != nullptr; }

private:
  friend class epoll_platform;
  fd_registration(epoll_platform* owner, int fd, void* slot) noexcept
      : owner_(owner), fd_(fd), slot_(slot) {}

  epoll_platform* owner_ = nullptr;
  int fd_ = -1;
  void* slot_ = nullptr;
};

class epoll_platform final : public platform {
public:
  /// create: an epoll instance. Fails with the category of the host error
  /// (errno_error: "epoll_create1: EMFILE" is errc::limit_exceeded).
  static result<epoll_platform> create() noexcept;

  /// Moving is for create() only: a platform with live registrations must
  /// not move (they point at it), which is checked.
  epoll_platform(epoll_platform&& other) noexcept;
  epoll_platform& operator=(epoll_platform&&) = delete;
  epoll_platform(const epoll_platform&) = delete;
  epoll_platform& operator=(const epoll_platform&) = delete;
  /// Every registration must have ended (checked).
  ~epoll_platform();

  mono_time now() noexcept override;
  void yield(mono_time deadline, ready_set& ready) noexcept override;

  /// register_fd(fd, readable, writable, closed): reports `readable` when
  /// `fd` has data, a hang-up or an error, and `writable` (optional) when it
  /// can take more (or has failed), edge-triggered; sets `*closed`
  /// (optional) for good once a hang-up, an error or the peer's FIN
  /// (EPOLLRDHUP) is reported, which a reader that stops at short reads
  /// needs, as one edge can bring the last data and the FIN. The events
  /// and the flag must outlive the registration; `fd` must stay open while
  /// it lasts. Fails with errc::no_memory, or the host error (a regular
  /// file cannot be polled: EPERM, errc::permission_denied; registered
  /// twice: errc::exists).
  result<fd_registration> register_fd(int fd, event& readable, event* writable = nullptr,
                                      bool* closed = nullptr) noexcept;

  /// waits: calls that reached the kernel's wait (for tests and stats).
  [[nodiscard]] std::uint64_t waits() const noexcept { return waits_; }
  /// registrations: how many registrations are live.
  [[nodiscard]] std::size_t registrations() const noexcept { return live_; }

private:
  friend class fd_registration;
  explicit epoll_platform(owned_fd epfd) noexcept : epfd_(static_cast<owned_fd&&>(epfd)) {}
  void unregister(int fd, void* slot) noexcept;
  int wait(void* events, int max, mono_time deadline) noexcept;

  owned_fd epfd_;
  std::uint64_t waits_ = 0;
  std::size_t live_ = 0;
  bool have_pwait2_ = true;
};

}  // namespace atl::unix_target
