// sandboxed_child: runs a function in a forked child and collects what it
// reports, so a test can seal a process without sealing the test runner.
//
// The child writes "key=value" lines to a pipe (no GoogleTest in the child:
// its state is the parent's copy) and ends with _exit, which also keeps
// LeakSanitizer's exit-time check, which a sealed process cannot run, away.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <map>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace atl::unix_target::testing {

/// child_report: what the child said, and how it ended.
struct child_report {
  std::map<std::string, std::string> values;
  std::string raw;  // everything the child wrote, "key=value" lines or not
  int status = 0;

  [[nodiscard]] bool exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  [[nodiscard]] int signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }
  [[nodiscard]] std::string operator[](const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? "(not reported)" : it->second;
  }
};

/// say(out, key, value): one report line from the child.
inline void say(int out, const std::string& key, const std::string& value) {
  const std::string line = key + "=" + value + "\n";
  (void)!::write(out, line.data(), line.size());
}

/// outcome(rc): "ok" for a call that succeeded (rc >= 0), else errno's name.
inline std::string outcome(long rc) {
  if (rc >= 0) return "ok";
  const char* name = ::strerrorname_np(errno);
  return name != nullptr ? name : std::to_string(errno);
}

/// open2(path, flags): openat2 from the working directory, the call dir_kv uses.
inline long open2(const char* path, unsigned long long flags, unsigned long long mode = 0) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  return ::syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

/// run_child(body, arg): forks; the child runs body(out, arg) and exits 0.
template <class Arg>
child_report run_child(void (*body)(int out, const Arg& arg), const Arg& arg) {
  child_report report;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return report;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    body(fds[1], arg);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char chunk[512];
  for (;;) {
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n > 0) {
      text.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  while (::waitpid(pid, &report.status, 0) < 0 && errno == EINTR) {
  }
  report.raw = text;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) report.values[line.substr(0, eq)] = line.substr(eq + 1);
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return report;
}

}  // namespace atl::unix_target::testing
