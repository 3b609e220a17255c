// Harness for system tests of the direct stack (net/direct) against the
// Linux kernel over a TAP interface:
//
//   - enter_private_netns_v6(): this process moves into a network namespace
//     of its own, with IPv6 left on (tap_fixture.hpp's enter_private_netns
//     turns it off), so Linux's addresses, daemons and frames never reach
//     the host and vanish with the process;
//   - child_process: a Linux tool (ping, curl, nc, dnsmasq, radvd) started
//     with posix_spawn, its output in files, killed and reaped by the
//     destructor whatever happens to the test;
//   - direct_tap_env: an epoll platform, an engine, a TAP device and a
//     direct_stack over it, with Linux's side configured by `ip`. While a
//     tool runs the engine keeps turning (run_child()), so the direct stack
//     answers ARP, NDP, ping and TCP meanwhile; every wait has a deadline.
//
// Configuration commands (`ip`, `sysctl`) run blocking through sh(): they
// never talk to the direct stack.
#pragma once

#include "tap_fixture.hpp"
#include "temp_dir.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/direct/direct_stack.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/tap.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>  // environ (g++ and clang++ define _GNU_SOURCE)
#include <utility>
#include <vector>

namespace atl::unix_target::testing {

using namespace std::chrono_literals;
using direct_tap_stack = net::direct_stack<tap_network>;

/// enter_private_netns_v6: moves this process into a new network namespace
/// with IPv6 enabled and loopback up; false when unsharing is not allowed.
inline bool enter_private_netns_v6() {
  if (::unshare(CLONE_NEWNET) != 0) return false;
  (void)sh(
      "sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 "
      "2>/dev/null");
  (void)sh("ip link set dev lo up");
  return true;
}

/// read_file(path): a whole (small) file, empty when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// child_process: one program running beside the test. Its stdin, stdout
/// and stderr are files. The destructor kills (SIGKILL) and reaps it if it
/// is still running, so no test leaves a process behind.
class child_process {
public:
  /// spawn(argv, out, err, in): starts argv[0] (looked up in PATH) with
  /// stdout to the file `out`, stderr to `err` (created or truncated) and
  /// stdin from `in`. std::nullopt when it cannot be started.
  static std::optional<child_process> spawn(const std::vector<std::string>& argv,
                                            const std::string& out, const std::string& err,
                                            const std::string& in = "/dev/null") {
    if (argv.empty()) return std::nullopt;
    posix_spawn_file_actions_t actions;
    if (::posix_spawn_file_actions_init(&actions) != 0) return std::nullopt;
    const int flags = O_WRONLY | O_CREAT | O_TRUNC;
    bool ok = ::posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0) == 0 &&
              ::posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), flags, 0644) == 0 &&
              ::posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), flags, 0644) == 0;
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    ok = ok && ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) == 0;
    ::posix_spawn_file_actions_destroy(&actions);
    if (!ok) return std::nullopt;
    return child_process(pid, argv[0], err);
  }

  child_process(child_process&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)),
        status_(other.status_),
        name_(std::move(other.name_)),
        err_(std::move(other.err_)) {}
  child_process& operator=(child_process&&) = delete;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { kill(); }

  /// poll: the wait status once the child has exited (WNOHANG), else nullopt.
  std::optional<int> poll() {
    if (pid_ < 0) return status_;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      pid_ = -1;
      status_ = status;
    }
    return status_;
  }

  /// kill: SIGKILL and reap, when still running.
  void kill() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    (void)::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = status;
  }

  /// describe: the program's name, how it ended and its stderr, for messages.
  [[nodiscard]] std::string describe() const {
    std::string s = name_;
    if (!status_) {
      s += " (running)";
    } else if (WIFEXITED(*status_)) {
      s += " exited " + std::to_string(WEXITSTATUS(*status_));
    } else if (WIFSIGNALED(*status_)) {
      s += " killed by signal " + std::to_string(WTERMSIG(*status_));
    }
    return s + "; stderr: " + read_file(err_);
  }

  [[nodiscard]] bool running() const noexcept { return pid_ >= 0; }

private:
  child_process(pid_t pid, std::string name, std::string err)
      : pid_(pid), name_(std::move(name)), err_(std::move(err)) {}

  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string name_;
  std::string err_;
};

/// exited_ok(status): a wait status of a normal exit with code 0.
inline bool exited_ok(std::optional<int> status) {
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

/// wait_child(e, child, limit): turns the engine every 5 ms until the child
/// exits; its wait status, or errc::timed_out after `limit` (the child is
/// killed then). `child` must outlive the task.
inline task<result<int>> wait_child(engine& e, child_process& child, duration limit) {
  const mono_time deadline = e.now() + limit;
  for (;;) {
    const std::optional<int> status = child.poll();
    if (status) co_return *status;
    if (e.now() >= deadline) {
      child.kill();
      co_return error(errc::timed_out, "child still running");
    }
    co_await e.sleep_for(5ms);
  }
}

/// unless_child_fails(e, child, limit): completes when the child exits with
/// a failure (errc::io_error) or does not exit within `limit` (errc::
/// timed_out, the child is killed); after a child that exits 0 it waits
/// `limit` more for beside()'s work, then fails with errc::timed_out.
inline task<result<void>> unless_child_fails(engine& e, child_process& child, duration limit) {
  auto status = co_await wait_child(e, child, limit);
  if (!status) co_return status.error();
  if (!exited_ok(*status)) co_return error(errc::io_error, "child failed");
  co_await e.sleep_for(limit);
  co_return error(errc::timed_out, "work still running after the child exited");
}

/// beside(e, work, child, limit): runs `work` while the child runs; done
/// when both have finished and succeeded. Fails at once when the child
/// fails (work is cancelled then), with work's error when it fails, and
/// with errc::timed_out when the child outlives `limit` or the work
/// outlives the child by `limit`.
inline task<result<void>> beside(engine& e, task<result<void>> work, child_process& child,
                                 duration limit) {
  auto first = co_await any(std::move(work), unless_child_fails(e, child, limit));
  if (!first.value) co_return first.value.error();
  auto status = co_await wait_child(e, child, limit);
  if (!status) co_return status.error();
  if (!exited_ok(*status)) co_return error(errc::io_error, "child failed");
  co_return ok();
}

/// wait_for(e, done, limit, step): turns the engine until done() holds,
/// checking every `step`; errc::timed_out after `limit`.
inline task<result<void>> wait_for(engine& e, std::function<bool()> done, duration limit,
                                   duration step) {
  const mono_time deadline = e.now() + limit;
  while (!done()) {
    if (e.now() >= deadline) co_return error(errc::timed_out, "condition not reached");
    co_await e.sleep_for(step);
  }
  co_return ok();
}

/// pause(e, d): sleeps for d while the engine runs everything else.
inline task<result<void>> pause(engine& e, duration d) {
  co_await e.sleep_for(d);
  co_return ok();
}

/// direct_tap_env: a TAP interface with Linux on one side and a direct
/// stack on the other, in this process's (private) namespace. Destruction
/// order: the stack, the device (which removes the interface), the engine,
/// the platform.
class direct_tap_env {
public:
  direct_tap_env() : netns_(enter_private_netns_v6()) {}
  direct_tap_env(const direct_tap_env&) = delete;
  direct_tap_env& operator=(const direct_tap_env&) = delete;
  ~direct_tap_env() {
    stack_.reset();
    device_.reset();
  }

  /// start(tag, config, linux_setup): open(tag, linux_setup), then
  /// start_stack(config).
  bool start(const std::string& tag, const net::direct_config& config,
             const std::string& linux_setup) {
    return open(tag, linux_setup) && start_stack(config);
  }

  /// open(tag, linux_setup): makes the TAP "atl-<tag>-<pid>" with IPv6 on,
  /// runs `linux_setup` (shell commands; "IF" stands for the interface's
  /// name) and brings the interface up. Reports failures with ADD_FAILURE
  /// and returns false.
  bool open(const std::string& tag, const std::string& linux_setup) {
    if (!platform_) {
      ADD_FAILURE() << "epoll: " << platform_.error().message();
      return false;
    }
    name_ = iface_name(tag);
    guard_.emplace(name_);
    auto made = tap_network::create(engine_, *platform_, name_);
    if (!made) {
      ADD_FAILURE() << "tap " << name_ << ": " << made.error().message();
      return false;
    }
    device_ = std::make_unique<tap_network>(std::move(*made));
    std::string setup = linux_setup;
    for (std::size_t at = setup.find("IF"); at != std::string::npos; at = setup.find("IF", at)) {
      setup.replace(at, 2, name_);
      at += name_.size();
    }
    if (!sh("sysctl -qw net.ipv6.conf." + name_ + ".disable_ipv6=0") ||
        (!setup.empty() && !sh(setup)) || !sh("ip link set dev " + name_ + " up")) {
      ADD_FAILURE() << "cannot configure " << name_ << " with: " << setup;
      return false;
    }
    return true;
  }

  /// start_stack(config): a direct stack with `config` on the open device.
  bool start_stack(const net::direct_config& config) {
    if (!device_) return false;
    stack_ = std::make_unique<direct_tap_stack>(engine_, *device_, config);
    if (auto started = stack_->start(); !started) {
      ADD_FAILURE() << "direct stack: " << started.error().message();
      return false;
    }
    return true;
  }

  /// run(t, limit): drives the engine until `t` completes or `limit` passes.
  template <class T>
  result<T> run(task<result<T>> t, duration limit) {
    return engine_.run(with_timeout(engine_, limit, std::move(t)));
  }

  /// run_child(child, limit): drives the engine until the child exits.
  result<int> run_child(child_process& child, duration limit) {
    return engine_.run(wait_child(engine_, child, limit));
  }

  /// run_until(done, limit): drives the engine until done() holds.
  result<void> run_until(std::function<bool()> done, duration limit) {
    return engine_.run(wait_for(engine_, std::move(done), limit, 10ms));
  }

  /// run_for(d): drives the engine for d.
  void run_for(duration d) { (void)engine_.run(pause(engine_, d)); }

  [[nodiscard]] engine& loop() noexcept { return engine_; }
  [[nodiscard]] direct_tap_stack& stack() noexcept { return *stack_; }
  [[nodiscard]] net::direct_core& core() noexcept { return stack_->core(); }
  [[nodiscard]] tap_network& device() noexcept { return *device_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] bool private_netns() const noexcept { return netns_; }

private:
  bool netns_;
  result<epoll_platform> platform_ = epoll_platform::create();
  engine engine_{*platform_};
  std::string name_;
  std::optional<interface_guard> guard_;
  std::unique_ptr<tap_network> device_;
  std::unique_ptr<direct_tap_stack> stack_;
};

/// direct_tap_test: the test fixture: skips without TAP or without a
/// private namespace (the tests run DHCP and router daemons and switch on
/// forwarding, which must never reach the host), gives an environment and
/// a temporary directory for the tools' files.
class direct_tap_test : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string why = tap_unavailable(); !why.empty()) {
      GTEST_SKIP() << "TAP tests need /dev/net/tun and CAP_NET_ADMIN: " << why;
    }
    if (!env_.private_netns()) {
      GTEST_SKIP() << "direct stack system tests need a private network namespace";
    }
  }

  /// spawn(tag, argv, in): a child with stdout and stderr in <tmp>/<tag>.out
  /// and .err; ADD_FAILURE when it cannot start.
  std::optional<child_process> spawn(const std::string& tag, const std::vector<std::string>& argv,
                                     const std::string& in = "/dev/null") {
    auto child = child_process::spawn(argv, out_of(tag), tmp_ / (tag + ".err"), in);
    if (!child) ADD_FAILURE() << "cannot start " << argv.front();
    return child;
  }
  /// out_of(tag): the file holding the stdout of spawn(tag, ...).
  [[nodiscard]] std::string out_of(const std::string& tag) const { return tmp_ / (tag + ".out"); }

  direct_tap_env env_;
  temp_dir tmp_;
};

}  // namespace atl::unix_target::testing
