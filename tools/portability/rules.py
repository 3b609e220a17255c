"""The portability rules of DESIGN.md ("A portable core"), as data.

Portable code (core, devices, net, tls, store, examples) includes no POSIX or
Linux header, throws no exceptions, uses no RTTI, no threads and no iostreams,
and reaches the outside world only through the devices handed to it. check.py
applies these lists; edit them here.
"""

import re

# --- Headers a project file may not include directly -----------------------

# POSIX and Linux headers: only targets/ may touch the host.
POSIX_HEADERS = {
    "unistd.h", "fcntl.h", "pthread.h", "signal.h", "csignal", "dirent.h", "poll.h",
    "sched.h", "termios.h", "dlfcn.h", "netdb.h", "semaphore.h", "spawn.h", "syslog.h",
    "pwd.h", "grp.h", "glob.h", "fnmatch.h", "ftw.h", "mqueue.h", "aio.h", "ifaddrs.h",
    "libgen.h", "utime.h", "ucontext.h", "wordexp.h", "threads.h", "malloc.h",
    "execinfo.h", "err.h", "error.h", "link.h", "mntent.h", "pty.h", "utmp.h",
    "shadow.h", "crypt.h", "resolv.h", "paths.h", "ulimit.h", "sys/epoll.h",
}
POSIX_PREFIXES = (
    "sys/", "netinet/", "netinet6/", "arpa/", "linux/", "asm/", "asm-generic/", "net/",
    "netpacket/", "scsi/", "rdma/", "xen/",
)
# C++ headers for threads, iostreams and the host's filesystem. <atomic> is
# allowed: atomics need no OS, and a kernel target may share a flag with an
# interrupt handler.
CXX_HEADERS = {
    "thread": "threads", "mutex": "threads", "shared_mutex": "threads",
    "condition_variable": "threads", "future": "threads", "stop_token": "threads",
    "semaphore": "threads", "latch": "threads", "barrier": "threads",
    "execution": "threads (parallel algorithms)",
    "iostream": "iostreams", "istream": "iostreams", "ostream": "iostreams",
    "fstream": "iostreams", "sstream": "iostreams", "iomanip": "iostreams",
    "syncstream": "iostreams", "strstream": "iostreams", "spanstream": "iostreams",
    "filesystem": "the host's filesystem",
}


def banned_header(name):
    """Why the header spelled `name` (as in #include <name>) is banned, or None."""
    if name in CXX_HEADERS:
        return CXX_HEADERS[name]
    if name in POSIX_HEADERS or name.startswith(POSIX_PREFIXES):
        return "POSIX/Linux header"
    return None


# --- Symbols a portable library may not reference ---------------------------

EXCEPTION_SYMBOLS = {
    "__cxa_throw", "__cxa_allocate_exception", "__cxa_rethrow", "__cxa_begin_catch",
    "__cxa_end_catch", "__gxx_personality_v0", "_Unwind_Resume",
}
RTTI_SYMBOLS = {"__dynamic_cast"}
# Host calls: files, sockets, processes, signals, memory maps, clocks, entropy,
# the environment and stdio streams are capabilities handed down as devices.
HOST_CALLS = {
    "open", "open64", "openat", "creat", "read", "write", "pread", "pread64", "pwrite",
    "pwrite64", "readv", "writev", "close", "lseek", "lseek64", "stat", "fstat", "lstat",
    "fstatat", "statx", "unlink", "unlinkat", "rename", "renameat", "mkdir", "rmdir",
    "opendir", "readdir", "closedir", "chdir", "getcwd", "dup", "dup2", "dup3", "pipe",
    "pipe2", "fcntl", "ioctl", "fsync", "fdatasync", "ftruncate", "truncate",
    "mmap", "mmap64", "munmap", "mprotect", "madvise", "brk", "sbrk",
    "socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "send",
    "sendto", "sendmsg", "recv", "recvfrom", "recvmsg", "setsockopt", "getsockopt",
    "getsockname", "getpeername", "shutdown", "getaddrinfo", "gethostbyname",
    "select", "pselect", "poll", "ppoll", "eventfd", "signalfd", "inotify_init",
    "signal", "sigaction", "sigprocmask", "raise", "kill", "alarm",
    "fork", "vfork", "clone", "execve", "execv", "execvp", "system", "popen", "wait",
    "waitpid", "getpid", "getuid", "sleep", "usleep", "nanosleep", "sched_yield",
    "clock_gettime", "clock_nanosleep", "gettimeofday", "time", "clock",
    "getrandom", "getentropy", "rand", "srand", "random", "srandom", "arc4random",
    "getenv", "secure_getenv", "setenv", "unsetenv", "putenv", "syscall", "sysconf",
    "dlopen", "dlsym", "prctl", "seccomp",
    "fopen", "fopen64", "fdopen", "freopen", "fread", "fwrite", "fclose", "fflush",
    "fgets", "fputs", "fputc", "putc", "puts", "putchar", "getchar", "printf",
    "fprintf", "vprintf", "vfprintf", "perror", "scanf", "fscanf",
    "stdin", "stdout", "stderr", "exit", "_exit", "quick_exit",
    "__read_chk", "__pread_chk", "__printf_chk", "__fprintf_chk", "__vfprintf_chk",
    "__open_2", "__open64_2", "__openat_2", "__poll_chk", "__recv_chk", "__recvfrom_chk",
}
HOST_CALL_PREFIXES = ("epoll_", "timerfd_", "inotify_", "io_uring_", "pthread_", "thrd_",
                      "mtx_", "cnd_", "sem_", "shm_")
# Patterns on demangled names: the C++ library's threads, streams, files, clocks
# and entropy.
DEMANGLED_PATTERNS = [
    (re.compile(r"^std::(thread|jthread|this_thread)\b"), "threads"),
    (re.compile(r"^std::(_V2::)?condition_variable"), "threads"),
    (re.compile(r"^std::(__cxx11::)?basic_(i|o|io|if|of|f|istring|ostring|string)?stream"
                r"|^std::(basic_ios|ios_base)|^std::(cin|cout|cerr|clog)\b"
                r"|^std::operator(<<|>>)\(std::basic_(o|i)stream"), "iostreams"),
    (re.compile(r"^std::filesystem::"), "the host's filesystem"),
    (re.compile(r"^std::chrono::(_V2::)?(system_clock|steady_clock|high_resolution_clock)::now"),
     "an ambient clock (use the clock device)"),
    (re.compile(r"^std::random_device\b"), "ambient entropy (use the random device)"),
]


def banned_symbol(mangled, demangled):
    """Why a reference to the symbol is banned, or None."""
    if mangled in EXCEPTION_SYMBOLS:
        return "exceptions"
    if mangled in RTTI_SYMBOLS or mangled.startswith(("_ZTI", "_ZTS")):
        return "RTTI"
    if mangled.startswith(("pthread_", "thrd_", "mtx_", "cnd_")):
        return "threads"
    if mangled in HOST_CALLS or mangled.startswith(HOST_CALL_PREFIXES):
        return "host call (POSIX/libc): use a device"
    for pattern, reason in DEMANGLED_PATTERNS:
        if pattern.search(demangled):
            return reason
    return None
