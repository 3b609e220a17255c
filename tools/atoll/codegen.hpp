// Code generation for `atoll configure`: the main of an application on a
// target, and the CMake project that builds it (docs/app-model.md shows the
// shape of both).
#pragma once

#include "graph.hpp"
#include "manifest.hpp"

#include <string>
#include <string_view>

namespace atl::tool {

/// unix_main(m, g): the generated main.cpp of `m` on the unix target.
std::string unix_main(const manifest& m, const device_graph& g);

/// unix_cmake(m, g, package_dir): the generated CMakeLists.txt; it finds the
/// atoll CMake package in `package_dir` only, and calls
/// atoll_add_unikernel() (cmake/AtollApp.cmake).
std::string unix_cmake(const manifest& m, const device_graph& g, const std::string& package_dir);

/// cpp_string(s): a C++ string literal holding exactly the bytes of `s`.
std::string cpp_string(std::string_view s);
/// cmake_string(s): a quoted CMake argument holding exactly `s`.
std::string cmake_string(std::string_view s);
/// cpp_key_default(type, text): the initialiser of a key field (text is valid).
std::string cpp_key_default(key_type type, std::string_view text);

}  // namespace atl::tool
