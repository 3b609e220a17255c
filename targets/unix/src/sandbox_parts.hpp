// The two halves of the sandbox, private to targets/unix: Landlock rules for
// the file system (sandbox_landlock.cpp) and the seccomp filter
// (sandbox_seccomp.cpp). sandbox.cpp puts them together in order.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/unix/fd.hpp>
#include <atoll/unix/sandbox.hpp>

#include <linux/filter.h>
#include <span>
#include <vector>

namespace atl::unix_target {

/// landlock_ruleset(paths, sockets, abi): a ruleset handling every access
/// right the kernel knows, with a rule for each path; not yet in force.
result<owned_fd> landlock_ruleset(std::span<const sandbox_path> paths, bool sockets,
                                  int abi) noexcept;
/// landlock_restrict(ruleset): puts it in force for the calling thread
/// (needs no_new_privs).
result<void> landlock_restrict(const owned_fd& ruleset) noexcept;

/// seccomp_filter(sockets, pid): the BPF program of the allow-list; signals
/// may be sent to `pid` (this process) only.
std::vector<sock_filter> seccomp_filter(bool sockets, int pid);
/// seccomp_install(program): puts the filter in force for every thread.
result<void> seccomp_install(std::span<const sock_filter> program) noexcept;

}  // namespace atl::unix_target
