#include "host.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace atl::tool {

namespace fs = std::filesystem;

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

fs::path self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

fs::path package_dir() {
  const fs::path self = self_path();
  if (self.empty()) return {};
  const fs::path prefix = self.parent_path().parent_path();
  const fs::path candidates[] = {
      prefix,  // a build tree: <build>/bin/atoll, <build>/atollConfig.cmake
      prefix / ATOLL_INSTALL_LIBDIR / "cmake" / "atoll",
      prefix / "lib" / "cmake" / "atoll",
  };
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::exists(c / "atollConfig.cmake", ec)) return c;
  }
  return {};
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_text_if_changed(const fs::path& path, const std::string& text) {
  if (auto old = read_text(path); old && *old == text) return true;
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  o << text;
  o.flush();
  return static_cast<bool>(o);
}

int run_program(const std::vector<std::string>& argv, const std::optional<fs::path>& log) {
  int log_fd = -1;
  if (log) {
    log_fd = ::open(log->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) return 127;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    if (log_fd >= 0) ::close(log_fd);
    return 127;
  }
  if (pid == 0) {
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    auto args = c_argv(argv);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    const fs::path dir(std::string(rest.substr(0, colon)));
    if (!dir.empty() && ::access((dir / program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

void exec_program(const std::vector<std::string>& argv) {
  std::fflush(nullptr);
  auto args = c_argv(argv);
  ::execv(args[0], args.data());
}

}  // namespace atl::tool
