// Every example over the portable devices, so that each compiles under the
// portable rules (no POSIX, exceptions, RTTI, threads or iostreams) and the
// portability check inspects it.
#include "hello.hpp"
#include <atoll/devices/engine_sleep.hpp>
#include <atoll/devices/memory_console.hpp>

template class hello::unikernel<atl::memory_console, atl::engine_sleep>;
