#include <atoll/unix/fd.hpp>

#include <unistd.h>

namespace atl::unix_target {

void owned_fd::reset(int fd) noexcept {
  const int old = std::exchange(fd_, fd < 0 ? -1 : fd);
  // No retry on EINTR: Linux has released the descriptor whatever close says.
  if (old >= 0 && old != fd_) (void)::close(old);
}

}  // namespace atl::unix_target
