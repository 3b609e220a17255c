// unix_target::sandbox_policy: once its devices are open, a unikernel process
// keeps only what it was handed (DESIGN.md, "Capabilities").
//
// The generated main opens every device, names the host paths behind them
// (allow_read for a kv_ro directory, allow_read_write for a block image),
// and calls apply(). From then on, for the rest of the process:
//   - Landlock: no file or directory can be opened, created, removed or
//     renamed except beneath the allowed paths, with the rights given; where
//     the kernel has Landlock network rules (ABI 4), TCP bind and connect are
//     refused unless allow_sockets(); where it has scopes (ABI 6), abstract
//     Unix sockets and signals outside the process are refused.
//   - seccomp: an allow-list of the system calls the devices, the engine
//     and the C/C++ runtime need. Any other call fails with EPERM; a short
//     kill-list (execve, ptrace, bpf, mount, module loading, namespaces, ...)
//     ends the process (SIGSYS). Memory can never be made executable. The
//     filter refuses a foreign architecture or the x32 ABI by killing.
//   - no_new_privs: no exec could gain privileges (and none is allowed).
// docs/sandbox.md lists every allowed call and why, and what is not covered.
//
// In AddressSanitizer builds, apply() first runs LeakSanitizer's check (it
// needs ptrace and /proc, which the sandbox then refuses), so leaks from
// later on are not reported, and warms the symbolizer up, so reports from
// the sealed process still name functions and lines.
#pragma once

#include <atoll/core/result.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atl::unix_target {

/// sandbox_path: a host path the sandbox leaves open, and how.
struct sandbox_path {
  std::string path;
  bool writable = false;
};

class sandbox_policy {
public:
  /// allow_read(path): files beneath `path` (a directory) or the file
  /// itself may be opened for reading and directories listed.
  sandbox_policy& allow_read(std::string_view path);
  /// allow_read_write(path): the file may be read, written and truncated;
  /// beneath a directory, files and directories may also be made and removed.
  sandbox_policy& allow_read_write(std::string_view path);
  /// allow_sockets(): the socket-stack device is present: IPv4 and IPv6
  /// sockets may be created and used (other families stay refused).
  sandbox_policy& allow_sockets() noexcept;
  /// require_landlock(false): on a kernel without Landlock, apply() goes on
  /// with seccomp alone instead of failing (the file rules are then lost).
  sandbox_policy& require_landlock(bool required) noexcept;

  /// apply: seals the process, irreversibly. Fails with errc::not_found for
  /// an allowed path that does not exist, errc::invalid_argument for an
  /// empty one, errc::unsupported when the kernel lacks Landlock while it is
  /// required, and the host's error otherwise; these come before any change.
  /// Only the last step, installing the seccomp filter, can fail after
  /// Landlock is in force (errc::unsupported: no seccomp filters), leaving
  /// the process narrowed but not sealed. Once sealed, a process cannot seal
  /// again (errc::refused): the filter refuses the calls that sealing makes,
  /// and a policy never needs to change after boot. Landlock binds the
  /// calling thread (and threads it starts later), seccomp every thread:
  /// call it before starting any.
  [[nodiscard]] result<void> apply() const noexcept;

  [[nodiscard]] std::span<const sandbox_path> paths() const noexcept { return paths_; }
  [[nodiscard]] bool sockets() const noexcept { return sockets_; }

private:
  std::vector<sandbox_path> paths_;
  bool sockets_ = false;
  bool landlock_required_ = true;
};

/// landlock_abi: the kernel's Landlock ABI version, 0 when it has none.
[[nodiscard]] int landlock_abi() noexcept;

}  // namespace atl::unix_target
