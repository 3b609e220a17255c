// unix_target::owned_fd: a host file descriptor with one owner.
//
// The descriptor is closed when its owner goes (or is reset); moving hands
// the descriptor on and leaves the source empty. There is no copy: a second
// owner would close it twice. Registrations with the epoll platform must end
// before the descriptor closes (declare the owned_fd before the
// registration, so members are destroyed in the right order).
#pragma once

#include <utility>

namespace atl::unix_target {

class owned_fd {
public:
  /// owned_fd(): owns nothing.
  owned_fd() noexcept = default;
  /// owned_fd(fd): takes ownership of `fd` (a negative value owns nothing).
  explicit owned_fd(int fd) noexcept : fd_(fd < 0 ? -1 : fd) {}
  owned_fd(owned_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  owned_fd& operator=(owned_fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  owned_fd(const owned_fd&) = delete;
  owned_fd& operator=(const owned_fd&) = delete;
  /// Closes the descriptor.
  ~owned_fd() { reset(); }

  /// get: the descriptor, still owned (-1 when empty).
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  /// release: gives the descriptor up without closing it; the caller owns it.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
  /// reset(fd): closes the current descriptor (errors from close are
  /// ignored: the descriptor is gone either way on Linux) and owns `fd`.
  void reset(int fd = -1) noexcept;

private:
  int fd_ = -1;
};

}  // namespace atl::unix_target
