#include <atoll/core/keys.hpp>
#include <atoll/unix/boot.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace atl::unix_target {
namespace {

/// captured(f): what f(fd) writes to a pipe.
template <class F>
std::string captured(F&& f) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  f(fds[1]);
  ::close(fds[1]);
  std::string out;
  char chunk[256];
  for (;;) {
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  return out;
}

TEST(boot, args_are_argv_after_the_program_name) {
  char program[] = "hello";
  char first[] = "--count=3";
  char second[] = "--name";
  char third[] = "world";
  char* argv[] = {program, first, second, third, nullptr};
  const boot_args args(4, argv);
  ASSERT_EQ(args.view().size(), 3u);
  EXPECT_EQ(args.view()[0], "--count=3");
  EXPECT_EQ(args.view()[2], "world");
  EXPECT_EQ(args.view()[2].data(), third);  // views of argv, not copies

  char* only_program[] = {program, nullptr};
  EXPECT_TRUE(boot_args(1, only_program).view().empty());
  EXPECT_TRUE(boot_args(0, argv).view().empty());
}

TEST(boot, args_make_a_closed_pipe_an_error_not_a_signal) {
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &old), 0);
  char program[] = "hello";
  char* argv[] = {program, nullptr};
  const boot_args args(1, argv);
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
  ::sigaction(SIGPIPE, &old, nullptr);
}

TEST(boot, keys_from_the_command_line) {
  char program[] = "hello";
  char count[] = "--count=7";
  char name[] = "--greeting";
  char value[] = "hi there";
  char* argv[] = {program, count, name, value, nullptr};
  const boot_args args(4, argv);
  std::int64_t n = 4;
  std::string_view greeting = "hello";
  key_set keys("hello");
  keys.add("count", n, "how many greetings");
  keys.add("greeting", greeting, "what to say");
  auto outcome = keys.parse(args.view());
  ASSERT_TRUE(outcome) << outcome.error().message();
  EXPECT_EQ(*outcome, key_outcome::run);
  EXPECT_EQ(n, 7);
  EXPECT_EQ(greeting, "hi there");
}

TEST(boot, help_lists_the_keys) {
  std::int64_t n = 4;
  key_set keys("hello");
  keys.add("count", n, "how many greetings");
  int status = -1;
  const std::string out = captured([&](int fd) { status = print_help(keys, fd); });
  EXPECT_EQ(status, exit_success);
  EXPECT_EQ(out.rfind("usage: hello", 0), 0u) << out;
  EXPECT_NE(out.find("--count=int64"), std::string::npos) << out;
  EXPECT_NE(out.find("how many greetings"), std::string::npos) << out;
  EXPECT_NE(out.find("--help"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(boot, a_failure_names_the_program_and_the_step) {
  int status = -1;
  const std::string out = captured([&](int fd) {
    status = boot_failure("hello", "device 'disk'", error(errc::not_found, "no such file"), fd);
  });
  EXPECT_EQ(status, exit_boot_failure);
  EXPECT_EQ(out, "hello: device 'disk': no such file\n");
  // A message too long for one line is cut, and still ends the line.
  const std::string long_what(600, 'w');
  const std::string cut =
      captured([&](int fd) { boot_failure("hello", long_what, error(errc::io_error), fd); });
  EXPECT_LT(cut.size(), 600u);
  EXPECT_EQ(cut.back(), '\n');
}

TEST(boot, exit_statuses_are_distinct) {
  EXPECT_EQ(exit_success, 0);
  EXPECT_NE(exit_failure, exit_success);
  EXPECT_NE(exit_boot_failure, exit_failure);
  EXPECT_NE(exit_boot_failure, exit_success);
}

}  // namespace
}  // namespace atl::unix_target
