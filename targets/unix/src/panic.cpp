// The unix target's panic: the report to stderr, then abort (a core dump for
// the debugger, a non-zero status for the test).
#include <atoll/core/assert.hpp>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

extern "C" void atoll_target_panic(const char* report) noexcept {
  (void)!::write(STDERR_FILENO, report, std::strlen(report));
  (void)!::write(STDERR_FILENO, "\n", 1);
  std::abort();
}
