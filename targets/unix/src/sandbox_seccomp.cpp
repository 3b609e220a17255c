// The seccomp half of the sandbox: a BPF allow-list written by hand (no
// libseccomp: the program is a short linear list, every instruction is
// visible here, and the unix target needs no extra library). docs/sandbox.md
// says what each allowed call is for.
//
// Program layout: check the architecture (else kill), refuse the x32 ABI
// (kill), then for each listed call one comparison and its verdict; calls
// whose arguments matter (signals, memory protection, fcntl, prctl, socket)
// get a small block that inspects the argument and returns. Whatever is not
// listed falls through to EPERM. Arguments are compared on their low 32 bits:
// each inspected argument is an int or an int-sized flag word, of which the
// kernel itself reads only those bits.
#include "errno_error.hpp"
#include "sandbox_parts.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <initializer_list>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace atl::unix_target {

namespace {

#if defined(__x86_64__)
constexpr std::uint32_t audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t audit_arch = AUDIT_ARCH_AARCH64;
#else
#error "the seccomp filter knows x86_64 and aarch64 only"
#endif

constexpr std::uint32_t ret_allow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t ret_eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr std::uint32_t ret_kill = SECCOMP_RET_KILL_PROCESS;

constexpr std::uint32_t nr_offset = offsetof(seccomp_data, nr);
constexpr std::uint32_t arch_offset = offsetof(seccomp_data, arch);
constexpr std::uint32_t arg_offset(int i) {
  // The low half of a 64-bit argument (both supported targets are little-endian).
  return static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * static_cast<std::size_t>(i));
}

// Calls allowed whatever their arguments.
constexpr long always[] = {
    // I/O on descriptors the devices hold (console, TAP, block file, kv files)
    SYS_read,
    SYS_write,
    SYS_readv,
    SYS_writev,
    SYS_pread64,
    SYS_pwrite64,
    SYS_preadv,
    SYS_pwritev,
    SYS_preadv2,
    SYS_pwritev2,
    SYS_lseek,
    SYS_close,
    SYS_fsync,
    SYS_fdatasync,
    // the engine's wait and the console's back-pressure wait
    SYS_epoll_pwait,
    SYS_epoll_pwait2,
    SYS_epoll_ctl,
    SYS_ppoll,
    // clocks (usually the vDSO; these are its fallbacks) and short sleeps
    SYS_clock_gettime,
    SYS_clock_getres,
    SYS_gettimeofday,
    SYS_nanosleep,
    SYS_clock_nanosleep,
    // entropy
    SYS_getrandom,
    // the allocator (mmap and mprotect are checked below)
    SYS_brk,
    SYS_munmap,
    SYS_mremap,
    SYS_madvise,
    // the C runtime: locks, signals for abort() and panics, exit
    SYS_futex,
    SYS_sched_yield,
    SYS_rt_sigreturn,
    SYS_rt_sigprocmask,
    SYS_rt_sigaction,
    SYS_sigaltstack,
    SYS_getpid,
    SYS_gettid,
    SYS_restart_syscall,
    SYS_exit,
    SYS_exit_group,
    // dir_kv: openat2 with RESOLVE_BENEATH under its directory (Landlock has
    // the last word on paths), its metadata and listings
    SYS_openat2,
    SYS_newfstatat,
    SYS_fstat,
    SYS_statx,
    SYS_getdents64,
#if defined(__x86_64__)
    SYS_epoll_wait,
    SYS_poll,
    SYS_time,
#endif
};

// Calls allowed only with the socket-stack device.
constexpr long socket_calls[] = {
    SYS_bind,        SYS_listen,     SYS_accept,     SYS_accept4,  SYS_connect,  SYS_getsockname,
    SYS_getpeername, SYS_setsockopt, SYS_getsockopt, SYS_sendto,   SYS_recvfrom, SYS_sendmsg,
    SYS_recvmsg,     SYS_sendmmsg,   SYS_recvmmsg,   SYS_shutdown,
};

// Calls that end the process: escaping or inspecting the sandbox, or
// changing the system. No device needs them, so a call is an attack.
constexpr long kill_list[] = {
    SYS_execve,
    SYS_execveat,
    SYS_ptrace,
    SYS_process_vm_readv,
    SYS_process_vm_writev,
    SYS_bpf,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_mount,
    SYS_umount2,
    SYS_move_mount,
    SYS_open_tree,
    SYS_fsopen,
    SYS_fsconfig,
    SYS_fsmount,
    SYS_fspick,
    SYS_pivot_root,
    SYS_chroot,
    SYS_setns,
    SYS_unshare,
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_perf_event_open,
    SYS_userfaultfd,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_reboot,
    SYS_swapon,
    SYS_swapoff,
#if defined(__x86_64__)
    SYS_iopl,
    SYS_ioperm,
#endif
};

class builder {
public:
  void load(std::uint32_t offset) { emit(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)); }
  void ret(std::uint32_t verdict) { emit(BPF_STMT(BPF_RET | BPF_K, verdict)); }
  void jeq(std::uint32_t value, std::uint8_t jt, std::uint8_t jf) {
    emit(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, jt, jf));
  }
  void jset(std::uint32_t bits, std::uint8_t jt, std::uint8_t jf) {
    emit(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, bits, jt, jf));
  }
  void jge(std::uint32_t value, std::uint8_t jt, std::uint8_t jf) {
    emit(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, value, jt, jf));
  }

  /// verdict(nr, v): call nr gets verdict v.
  void verdict(long nr, std::uint32_t v) {
    jeq(static_cast<std::uint32_t>(nr), 0, 1);
    ret(v);
  }
  /// arg_in(nr, arg, values): allowed when the argument is one of `values`,
  /// EPERM otherwise. Every path through the block returns, so the other
  /// calls, which jump over it, still find their number in the accumulator.
  void arg_in(long nr, int arg, std::initializer_list<std::uint32_t> values) {
    const auto n = static_cast<std::uint8_t>(values.size());
    jeq(static_cast<std::uint32_t>(nr), 0, static_cast<std::uint8_t>(n + 3));
    load(arg_offset(arg));
    std::uint8_t left = n;
    for (const std::uint32_t v : values) jeq(v, left--, 0);  // to the allow below
    ret(ret_eperm);
    ret(ret_allow);
  }
  /// without_bits(nr, arg, bits): allowed unless the argument has one of `bits`.
  void without_bits(long nr, int arg, std::uint32_t bits) {
    jeq(static_cast<std::uint32_t>(nr), 0, 4);
    load(arg_offset(arg));
    jset(bits, 0, 1);
    ret(ret_eperm);
    ret(ret_allow);
  }

  std::vector<sock_filter> take() { return std::move(program_); }

private:
  void emit(sock_filter f) { program_.push_back(f); }
  std::vector<sock_filter> program_;
};

}  // namespace

std::vector<sock_filter> seccomp_filter(bool sockets, int pid) {
  builder b;
  b.load(arch_offset);
  b.jeq(audit_arch, 1, 0);
  b.ret(ret_kill);
  b.load(nr_offset);
#if defined(__x86_64__)
  b.jge(__X32_SYSCALL_BIT, 0, 1);  // x32 calls share the architecture number
  b.ret(ret_kill);
#endif
  for (const long nr : kill_list) b.verdict(nr, ret_kill);
  for (const long nr : always) b.verdict(nr, ret_allow);
  // Signals only to this process: abort() and panics raise SIGABRT on it.
  const auto self = static_cast<std::uint32_t>(pid);
  b.arg_in(SYS_kill, 0, {self});
  b.arg_in(SYS_tgkill, 0, {self});
  b.arg_in(SYS_tkill, 0, {self});  // the one thread's id is the pid
  // Memory for the allocator, never executable (W^X after boot).
  b.without_bits(SYS_mmap, 2, PROT_EXEC);
  b.without_bits(SYS_mprotect, 2, PROT_EXEC);
  // fdopendir (dir_kv's listings) reads the flags; nothing duplicates descriptors.
  b.arg_in(SYS_fcntl, 1, {F_GETFD, F_SETFD, F_GETFL, F_SETFL});
  // Sanitizer runtimes name their mappings; no other prctl.
  b.arg_in(SYS_prctl, 0, {PR_SET_VMA});
  if (sockets) {
    b.arg_in(SYS_socket, 0, {AF_INET, AF_INET6});
    for (const long nr : socket_calls) b.verdict(nr, ret_allow);
  }
  b.ret(ret_eperm);
  return b.take();
}

result<void> seccomp_install(std::span<const sock_filter> program) noexcept {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());  // the kernel only reads it
  const long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
  if (rc == 0) return ok();
  if (rc > 0) return error(errc::busy, "seccomp: thread ", rc, " could not take the filter");
  const int err = errno;
  if (err == ENOSYS || err == EINVAL) {
    return error(errc::unsupported, "seccomp filters are not available");
  }
  return errno_error("seccomp", "", err);
}

}  // namespace atl::unix_target
