// The subcommands of `atoll` (docs/atoll-tool.md). Each takes the arguments
// after its name and returns the process's exit status: 0, or 2 after one
// line "atoll: ..." on standard error.
#pragma once

#include <string>
#include <vector>

namespace atl::tool {

using arguments = std::vector<std::string>;

int configure_command(const arguments& args);
int build_command(const arguments& args);
int run_command(const arguments& args);
int describe_command(const arguments& args);
int clean_command(const arguments& args);
int crunch_command(const arguments& args);

/// fail(message): prints "atoll: message" on standard error; returns 2.
int fail(const std::string& message);

}  // namespace atl::tool
