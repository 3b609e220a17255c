// What the atoll command needs from the host: its own location, the atoll
// CMake package beside it, files, and child processes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atl::tool {

/// self_path: the running executable (/proc/self/exe), empty if unknown.
std::filesystem::path self_path();

/// package_dir(): the folder holding atollConfig.cmake for this atoll: the
/// top of the build tree (build/bin/atoll -> build/) or PREFIX/LIBDIR/cmake/atoll
/// for an installed one (PREFIX/bin/atoll). Empty when there is none.
std::filesystem::path package_dir();

/// read_text(path): the file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_text(const std::filesystem::path& path);
/// write_text_if_changed(path, text): writes unless the file already holds
/// `text` (so its time stamp, and what depends on it, stay). False on failure.
bool write_text_if_changed(const std::filesystem::path& path, const std::string& text);

/// run_program(argv, log): runs argv[0] (found through PATH) and waits;
/// its output goes to `log` when given (truncated first), else to ours.
/// Returns its exit status, 128 + the signal that ended it, or 127 when it
/// could not be started.
int run_program(const std::vector<std::string>& argv,
                const std::optional<std::filesystem::path>& log = std::nullopt);

/// on_path(program): `program` is found through PATH.
bool on_path(const std::string& program);

/// exec_program(argv): replaces this process with argv[0] (a path). Returns
/// only when that fails.
void exec_program(const std::vector<std::string>& argv);

}  // namespace atl::tool
