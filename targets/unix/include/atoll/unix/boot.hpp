// Boot helpers for the generated main of a unix unikernel: the command line
// as key arguments, help, failures reported before the engine runs, and the
// process's exit statuses.
#pragma once

#include <atoll/core/keys.hpp>
#include <atoll/core/result.hpp>

#include <span>
#include <string_view>
#include <vector>

namespace atl::unix_target {

/// Exit statuses of a unikernel process.
inline constexpr int exit_success = 0;       ///< the application completed, or --help
inline constexpr int exit_failure = 1;       ///< the application reported a failure
inline constexpr int exit_boot_failure = 2;  ///< bad keys, or a device or the sandbox failed

/// boot_args: argv[1..] as string views (argv lives as long as the process,
/// so string keys may point into it). Also ignores SIGPIPE, so a closed
/// console is an error value (errc::closed), not a signal.
class boot_args {
public:
  boot_args(int argc, char** argv);
  [[nodiscard]] std::span<const std::string_view> view() const noexcept { return args_; }

private:
  std::vector<std::string_view> args_;
};

/// boot_failure(program, what, e): prints "program: what: message" on
/// standard error (or `fd`); returns exit_boot_failure.
int boot_failure(std::string_view program, std::string_view what, const error& e,
                 int fd = 2) noexcept;

/// print_help(keys): the key list on standard output (or `fd`); returns
/// exit_success.
int print_help(const key_set& keys, int fd = 1) noexcept;

}  // namespace atl::unix_target
