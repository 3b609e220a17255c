// describe: the device graph as text, for `atoll describe`.
#pragma once

#include "graph.hpp"
#include "manifest.hpp"

#include <string>

namespace atl::tool {

/// describe(m, g): the application, the engine, each device slot with its
/// concrete type on g's target, the keys with their defaults (the
/// application's, then the target's), the sandbox's paths and the crunched
/// folders. docs/atoll-tool.md shows an example.
std::string describe(const manifest& m, const device_graph& g);

}  // namespace atl::tool
