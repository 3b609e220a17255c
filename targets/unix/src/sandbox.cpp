// sandbox_policy::apply: everything that can fail is prepared first (the
// Landlock ruleset with a rule per path, the seccomp program), so a failure
// leaves the process as it was; then the steps that cannot be undone, in
// the order the kernel needs: no_new_privs, Landlock, seccomp last (its
// allow-list does not include the Landlock calls).
#include "errno_error.hpp"
#include "sandbox_parts.hpp"
#include <atoll/unix/sandbox.hpp>

#include <cerrno>
#include <sys/prctl.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define ATOLL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATOLL_ASAN 1
#endif
#endif
#if defined(ATOLL_ASAN)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace atl::unix_target {

namespace {
// Set once the filter is in force (and inherited, with it, by a fork).
bool sealed = false;
}  // namespace

sandbox_policy& sandbox_policy::allow_read(std::string_view path) {
  paths_.push_back({std::string(path), false});
  return *this;
}

sandbox_policy& sandbox_policy::allow_read_write(std::string_view path) {
  paths_.push_back({std::string(path), true});
  return *this;
}

sandbox_policy& sandbox_policy::allow_sockets() noexcept {
  sockets_ = true;
  return *this;
}

sandbox_policy& sandbox_policy::require_landlock(bool required) noexcept {
  landlock_required_ = required;
  return *this;
}

result<void> sandbox_policy::apply() const noexcept {
  if (sealed) return error(errc::refused, "the process is already sealed");
  for (const sandbox_path& p : paths_) {
    if (p.path.empty() || p.path.find('\0') != std::string::npos) {
      return error(errc::invalid_argument, "sandbox path '", p.path, "' is not a path");
    }
  }
  const int abi = landlock_abi();
  if (abi == 0 && landlock_required_) {
    return error(errc::unsupported, "the kernel has no Landlock (Linux 5.13, lsm=landlock)");
  }
  owned_fd ruleset;
  if (abi > 0) {
    ATOLL_TRY(ruleset, landlock_ruleset(paths_, sockets_, abi));
  }
  const auto program = seccomp_filter(sockets_, static_cast<int>(::getpid()));

#if defined(ATOLL_ASAN)
  // LeakSanitizer's exit-time check stops the process with ptrace and reads
  // /proc, which the sandbox refuses: check now, and not again at exit.
  __lsan_do_leak_check();
  // The symbolizer reads the binaries (or starts llvm-symbolizer) on first
  // use, which the sandbox would refuse: use it once now, so that reports
  // from the sealed process name functions and lines.
  char scratch[256];
  __sanitizer_symbolize_pc(__builtin_return_address(0), "%p %F %L", scratch, sizeof scratch);
#endif
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return errno_error("prctl(PR_SET_NO_NEW_PRIVS)", "", errno);
  }
  if (ruleset) ATOLL_TRYV(landlock_restrict(ruleset));
  ATOLL_TRYV(seccomp_install(program));
  sealed = true;
  return ok();
}

}  // namespace atl::unix_target
