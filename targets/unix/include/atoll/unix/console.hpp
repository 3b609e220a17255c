// unix_target::console: the console device on a file descriptor (stdout).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/devices/console.hpp>

#include <string_view>

namespace atl::unix_target {

class console {
public:
  /// console(fd): writes to `fd` (standard output by default), which the
  /// console does not own or close; it must stay open while the console is
  /// used.
  explicit console(int fd = 1) noexcept : fd_(fd) {}

  /// write(text): writes all of `text`, retrying after EINTR and partial
  /// writes, and waiting (poll) when the descriptor is non-blocking and full.
  /// errc::closed when the reader went away (EPIPE: the generated main
  /// ignores SIGPIPE), another category (errno_error) for other failures;
  /// part of the text may have been written then.
  result<void> write(std::string_view text) noexcept;

  [[nodiscard]] int fd() const noexcept { return fd_; }

private:
  int fd_;
};

static_assert(atl::console<console>);

}  // namespace atl::unix_target
