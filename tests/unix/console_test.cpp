// unix_target::console: the console conformance suite over a file, and the
// host's partial writes, non-blocking pipes and closed readers.
#include "../devices/conformance/console_conformance.hpp"
#include "temp_dir.hpp"
#include <atoll/unix/console.hpp>

#include <csignal>
#include <fcntl.h>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>

namespace atl::conformance {
namespace {

struct file_console_factory {
  using device_type = unix_target::console;
  unix_target::temp_dir dir;
  int fd = -1;
  std::optional<unix_target::console> device;

  ~file_console_factory() {
    if (fd >= 0) ::close(fd);
  }
  unix_target::console* make(engine&) {
    fd = ::open((dir / "console.out").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      ADD_FAILURE() << "cannot open the console file";
      return nullptr;
    }
    return &device.emplace(fd);
  }
  [[nodiscard]] std::string written(unix_target::console&) const {
    std::string out(static_cast<std::size_t>(::lseek(fd, 0, SEEK_END)), '\0');
    if (::pread(fd, out.data(), out.size(), 0) != static_cast<ssize_t>(out.size())) {
      ADD_FAILURE() << "cannot read the console file back";
    }
    return out;
  }
};

using factories = ::testing::Types<file_console_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_console, console_conformance, factories);

TEST(unix_console, full_writes_through_a_small_non_blocking_pipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  ASSERT_EQ(::fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
  const std::string big = text(pattern(1 << 20, 5));
  std::string received;
  std::thread reader([&] {
    char chunk[1000];
    ssize_t n = 0;
    while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0) {
      received.append(chunk, static_cast<std::size_t>(n));
    }
  });
  unix_target::console c(fds[1]);
  const auto written = c.write(big);
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  ASSERT_OK(written);
  EXPECT_EQ(received.size(), big.size());
  EXPECT_TRUE(received == big);
}

TEST(unix_console, closed_reader_is_an_error_not_a_crash) {
  // The generated main ignores SIGPIPE; so does this test.
  const auto old = ::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::close(fds[0]);
  unix_target::console c(fds[1]);
  EXPECT_ERRC(c.write("nobody listens\n"), errc::closed);
  ::close(fds[1]);
  ::signal(SIGPIPE, old);
}

TEST(unix_console, bad_descriptor_is_an_error) {
  unix_target::console c(-1);
  auto r = c.write("x");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("EBADF"), std::string_view::npos) << r.error().message();
}

TEST(unix_console, stdout_console_writes) {
  unix_target::console c;
  EXPECT_EQ(c.fd(), 1);
  ASSERT_OK(c.write("unix_console: a line on stdout\n"));
}

}  // namespace
}  // namespace atl::conformance
