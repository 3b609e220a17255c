#include "errno_error.hpp"
#include <atoll/unix/console.hpp>

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace atl::unix_target {

result<void> console::write(std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n > 0) {
      text.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return error(errc::io_error, "console write wrote nothing");
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) return errno_error("console poll", "", errno);
      continue;
    }
    return errno_error("console write", "", err);
  }
  return ok();
}

}  // namespace atl::unix_target
