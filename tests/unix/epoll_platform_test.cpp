#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/unix/epoll_platform.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <memory>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <vector>

namespace atl::unix_target {
namespace {

struct pipe_pair {
  int fds[2] = {-1, -1};
  pipe_pair() { EXPECT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0); }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  ~pipe_pair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

task<int> read_when_ready(event& readable, int fd) {
  char c = 0;
  for (;;) {
    const auto n = ::read(fd, &c, 1);
    if (n == 1) co_return c;
    co_await readable.wait();
  }
}

task<void> write_later(engine& e, int fd) {
  co_await e.sleep_for(20ms);
  const char c = 'x';
  EXPECT_EQ(::write(fd, &c, 1), 1);
}

task<int> pipe_main(engine& e, event& readable, int rfd, int wfd) {
  task_set writers(e, "writers");
  EXPECT_TRUE(writers.spawn(write_later(e, wfd)));
  // The reader finds the pipe empty and waits on epoll until the writer,
  // 20 ms later, makes it readable.
  const int got = co_await read_when_ready(readable, rfd);
  co_await writers.join();
  co_return got;
}

TEST(epoll_platform, reports_a_pipe_that_becomes_readable) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  event readable(e);
  pipe_pair pipe;
  auto reg = p->register_fd(pipe.fds[0], readable);
  ASSERT_TRUE(reg);
  EXPECT_EQ(e.run(pipe_main(e, readable, pipe.fds[0], pipe.fds[1])), 'x');
  EXPECT_GE(e.stats().events, 1u);
  EXPECT_GE(p->waits(), 1u);
}

task<std::uint64_t> read_eventfd(event& readable, int fd) {
  for (;;) {
    std::uint64_t v = 0;
    if (::read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) co_return v;
    co_await readable.wait();
  }
}

task<std::uint64_t> signal_later(engine& e, event& readable, int fd) {
  task_set signallers(e, "signallers");
  auto signal = [](engine& eng, int efd) -> task<void> {
    co_await eng.sleep_for(5ms);
    const std::uint64_t one = 3;
    EXPECT_EQ(::write(efd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  };
  EXPECT_TRUE(signallers.spawn(signal(e, fd)));
  const std::uint64_t got = co_await read_eventfd(readable, fd);
  co_await signallers.join();
  co_return got;
}

TEST(epoll_platform, reports_an_eventfd) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  event readable(e);
  const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(efd, 0);
  {
    auto reg = p->register_fd(efd, readable);
    ASSERT_TRUE(reg);
    EXPECT_EQ(e.run(signal_later(e, readable, efd)), 3u);
  }
  ::close(efd);
}

task<duration> timed_sleep(engine& e, duration d) {
  const auto start = e.now();
  co_await e.sleep_for(d);
  co_return e.now() - start;
}

TEST(epoll_platform, honours_timer_deadlines_on_real_time) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  const duration slept = e.run(timed_sleep(e, 50ms));
  EXPECT_GE(slept, 50ms);
  EXPECT_LT(slept, 100ms);  // "not much later", with room for a loaded machine
  // Sub-millisecond deadlines are honoured too (epoll_pwait2's nanoseconds):
  // 300 us must not be rounded down to an immediate return.
  const duration short_sleep = e.run(timed_sleep(e, 300us));
  EXPECT_GE(short_sleep, 300us);
  EXPECT_LT(short_sleep, 20ms);
}

TEST(epoll_platform, a_deadline_in_the_past_polls_without_blocking) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  ready_set ready;
  const mono_time start = p->now();
  p->yield(start - 1s, ready);
  EXPECT_LT(p->now() - start, 10ms);
  EXPECT_EQ(ready.size(), 0u);
}

extern "C" void ignore_alarm(int) {}

TEST(epoll_platform, signals_do_not_cut_a_sleep_short) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  struct sigaction action {};
  action.sa_handler = ignore_alarm;  // no SA_RESTART: the wait sees EINTR
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGALRM, &action, &old), 0);
  itimerval every_5ms{{0, 5000}, {0, 5000}};
  ASSERT_EQ(::setitimer(ITIMER_REAL, &every_5ms, nullptr), 0);
  const duration slept = e.run(timed_sleep(e, 40ms));
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &old, nullptr);
  EXPECT_GE(slept, 40ms);
  EXPECT_LT(slept, 100ms);
  EXPECT_GE(p->waits(), 2u);  // the wait was interrupted and taken up again
}

TEST(epoll_platform, a_registration_ends_with_its_owner) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  event readable(e);
  pipe_pair pipe;
  {
    auto reg = p->register_fd(pipe.fds[0], readable);
    ASSERT_TRUE(reg);
    EXPECT_EQ(p->registrations(), 1u);
    auto twice = p->register_fd(pipe.fds[0], readable);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code(), errc::exists);
  }
  EXPECT_EQ(p->registrations(), 0u);
  // Registered again: would fail with EEXIST had the first stayed.
  auto again = p->register_fd(pipe.fds[0], readable);
  EXPECT_TRUE(again);
  // A moved registration stays one registration.
  fd_registration moved = std::move(*again);
  EXPECT_EQ(p->registrations(), 1u);
  moved.reset();
  EXPECT_EQ(p->registrations(), 0u);
}

TEST(epoll_platform, a_regular_file_cannot_be_registered) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  event readable(e);
  const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto reg = p->register_fd(fd, readable);
  ::close(fd);
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.error().code(), errc::permission_denied);
}

TEST(epoll_platform, reports_writable_and_both_sides) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  event readable(e);
  event writable(e);
  pipe_pair pipe;
  auto reg = p->register_fd(pipe.fds[1], readable, &writable);
  ASSERT_TRUE(reg);
  ready_set ready;
  p->yield(p->now(), ready);  // an empty pipe can be written at once
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0], &writable);
  // Edge-triggered: no new report until the state changes.
  ready.clear();
  p->yield(p->now(), ready);
  EXPECT_EQ(ready.size(), 0u);
  // The reader closing is a hang-up for the writer: both sides wake.
  ::close(pipe.fds[0]);
  pipe.fds[0] = -1;
  p->yield(p->now(), ready);
  EXPECT_EQ(ready.size(), 2u);
}

// Many descriptors, all ready at once (readable and writable: two events
// per kernel report), more than one yield can report: every event is
// delivered (none lost when the ready_set fills), each exactly once.
TEST(epoll_platform, many_descriptors_are_all_reported) {
  auto p = epoll_platform::create();
  ASSERT_TRUE(p);
  engine e(*p);
  constexpr std::size_t count = 300;
  struct endpoint {
    int fds[2] = {-1, -1};
    std::unique_ptr<event> readable;
    std::unique_ptr<event> writable;
  };
  std::vector<endpoint> ends(count);
  std::vector<fd_registration> regs;
  for (auto& end : ends) {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, end.fds), 0);
    end.readable = std::make_unique<event>(e);
    end.writable = std::make_unique<event>(e);
    auto reg = p->register_fd(end.fds[0], *end.readable, end.writable.get());
    ASSERT_TRUE(reg) << reg.error().message();
    regs.push_back(std::move(*reg));
    ASSERT_EQ(::write(end.fds[1], "z", 1), 1);
  }
  event unrelated(e);
  std::vector<int> readable_seen(count, 0);
  std::vector<int> writable_seen(count, 0);
  std::size_t total = 0;
  for (int round = 0; round < 40 && total < 2 * count; ++round) {
    ready_set ready;
    // A set already partly used: what does not fit must wait for the next yield.
    for (int i = 0; i < 3; ++i) ready.add(&unrelated);
    p->yield(p->now() + 100ms, ready);
    for (std::size_t i = 3; i < ready.size(); ++i) {
      for (std::size_t k = 0; k < count; ++k) {
        if (ready[i] == ends[k].readable.get()) ++readable_seen[k], ++total;
        if (ready[i] == ends[k].writable.get()) ++writable_seen[k], ++total;
      }
    }
  }
  EXPECT_EQ(total, 2 * count);
  for (std::size_t k = 0; k < count; ++k) {
    EXPECT_EQ(readable_seen[k], 1) << "descriptor " << k;
    EXPECT_EQ(writable_seen[k], 1) << "descriptor " << k;
  }
  regs.clear();
  EXPECT_EQ(p->registrations(), 0u);
  for (auto& end : ends) {
    ::close(end.fds[0]);
    ::close(end.fds[1]);
  }
}

}  // namespace
}  // namespace atl::unix_target
