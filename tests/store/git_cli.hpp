// git_cli: the real git command, for interop tests (tests are host code).
#pragma once

#include "../unix/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace atl::store::testing {

struct shell_result {
  int status = -1;
  std::string out;
};

/// sh(command, input): runs `command` with `input` on stdin (through a
/// file, so binary bytes pass intact); its stdout and exit status.
inline shell_result sh(const std::string& command, std::string_view input = {}) {
  static int serial = 0;
  const std::string in_path = ::testing::TempDir() + "atoll-git-in-" + std::to_string(::getpid()) +
                              "-" + std::to_string(serial++);
  {
    std::ofstream in(in_path, std::ios::binary);
    in.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  shell_result r;
  std::FILE* pipe = ::popen(("(" + command + ") < " + in_path).c_str(), "r");
  if (pipe == nullptr) return r;
  char chunk[4096];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) r.out.append(chunk, n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(in_path.c_str());
  return r;
}

/// git_available: whether `git` runs here.
inline bool git_available() { return sh("git --version >/dev/null 2>&1").status == 0; }

/// trimmed: without the final newline.
inline std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace atl::store::testing
