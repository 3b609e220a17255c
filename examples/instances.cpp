// Every example over the portable devices, so that each compiles under the
// portable rules (no POSIX, exceptions, RTTI, threads or iostreams) and the
// portability check inspects it.
#include "echo.hpp"
#include "hello.hpp"
#include <atoll/devices/engine_sleep.hpp>
#include <atoll/devices/memory_console.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>

#include <cstdint>

template class hello::unikernel<atl::memory_console, atl::engine_sleep>;

// echo over the direct stack on a memory switch port; start() is a member
// template, so it is instantiated with keys of the manifest's types.
namespace {
struct echo_keys {
  std::uint16_t port = 7007;
  std::uint64_t max_connections = 64;
};
using direct_echo =
    echo::unikernel<atl::memory_console, atl::net::direct_stack<atl::memory_switch::port>>;
}  // namespace
template class echo::unikernel<atl::memory_console,
                               atl::net::direct_stack<atl::memory_switch::port>>;
template atl::task<int> direct_echo::start<echo_keys>(
    const echo_keys&, atl::memory_console&, atl::net::direct_stack<atl::memory_switch::port>&);
