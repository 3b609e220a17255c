#include <atoll/unix/boot.hpp>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace atl::unix_target {

namespace {
/// write_all: best effort; there is nowhere to report a failure to print.
void write_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}
}  // namespace

boot_args::boot_args(int argc, char** argv) {
  (void)std::signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i]);
}

int boot_failure(std::string_view program, std::string_view what, const error& e, int fd) noexcept {
  const text_buffer<400> line(program, ": ", what, ": ", e.message());
  write_all(fd, line.view());
  write_all(fd, "\n");  // after a cut line too
  return exit_boot_failure;
}

int print_help(const key_set& keys, int fd) noexcept {
  keys.help([fd](std::string_view line) {
    write_all(fd, line);
    write_all(fd, "\n");
  });
  return exit_success;
}

}  // namespace atl::unix_target
