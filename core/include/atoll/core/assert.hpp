// Program-bug channel: assertions that stop the unikernel with a report.
//
// ATOLL_ASSERT is always on (release builds too): a broken invariant must never
// turn into silent memory corruption. Bad input is not a bug; it gets a
// result<T> error (core/result.hpp).
#pragma once

namespace atl {

/// panic: report `message` at `file:line` on the target's console and stop.
/// Never returns. Each target provides atoll_target_panic at link time.
[[noreturn]] void panic(const char* file, int line, const char* message) noexcept;

}  // namespace atl

/// atoll_target_panic: writes the report and stops; one per target
/// (targets/unix: stderr and abort; kernel targets: console and halt).
extern "C" [[noreturn]] void atoll_target_panic(const char* report) noexcept;

#define ATOLL_ASSERT(cond)                                          \
  do {                                                              \
    if (!(cond)) [[unlikely]]                                       \
      ::atl::panic(__FILE__, __LINE__, "assertion failed: " #cond); \
  } while (false)

#define ATOLL_PANIC(message) ::atl::panic(__FILE__, __LINE__, message)
