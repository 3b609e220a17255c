// A deliberately non-portable source: the negative test of the portability check
// (tools/portability). It is compiled into a fixture library that the check must
// reject, naming each line below; it is never linked into anything.
#include "bad_header.hpp"  // a project header including POSIX headers

#include <cstdlib>   // allowed; it includes <sys/types.h> itself, which does not count
#include <thread>    // banned: threads
#include <unistd.h>  // banned: POSIX

namespace fixture {

long write_through_host(int fd, const char* text) { return ::write(fd, text, 1); }

}  // namespace fixture
