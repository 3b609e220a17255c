// The device graph of an application on a target: which concrete type fills
// each device slot of the manifest, how the generated main makes it, which
// keys the target adds (a device's file or folder, the log levels), which
// host paths the sandbox lets through, and which folders are crunched.
//
// Building the graph is pure (no file system): `atoll configure` checks the
// paths it names, writes the generated files from it, and `atoll describe`
// prints it.
#pragma once

#include "manifest.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atl::tool {

/// known_targets: "unix, kvm, xen" (for messages).
std::string_view known_targets() noexcept;
/// is_known_target(t): unix, kvm or xen.
bool is_known_target(std::string_view target) noexcept;
/// is_implemented_target(t): the targets `atoll configure` can build (unix).
bool is_implemented_target(std::string_view target) noexcept;

/// target_key: a key the target adds beside the application's own; its field
/// lives in the generated main, not in the application's keys.
struct target_key {
  std::string name;
  key_type type = key_type::string;
  std::string default_text;
  std::string doc;
  bool required = false;  ///< an empty value is an error at boot
  std::string device;     ///< the device it configures ("" for logs)
};

/// sandbox_path: a host path a device uses, named by a target key's field.
struct sandbox_path {
  std::string key;  ///< the target key holding the path
  bool write = false;
  bool optional = false;  ///< an empty value names no path (nothing is let through)
};

/// device_slot: one device of start(), on the chosen target.
struct device_slot {
  std::string kind;
  std::string name;
  int line = 0;
  std::string concrete_type;              ///< the C++ type handed to start() by reference
  std::string summary;                    ///< where it comes from, for `atoll describe`
  std::string header;                     ///< the header that declares concrete_type
  std::vector<std::string> more_headers;  ///< those of the types inside it, if any
  std::string make;  ///< statements of the generated main that make `dev_<name>`
  std::vector<sandbox_path> paths;
  /// For a device whose type a key picks at boot (the stack, by --net): the
  /// concrete types, in the order of `choice_names`; concrete_type is then
  /// the template parameter of the generated run<>() ("Stack").
  std::vector<std::string> choices;
  std::vector<std::string> choice_names;  ///< the key's values ("socket", "direct")
  std::string seal;                       ///< statements that add to the sandbox policy (`policy`)
};

/// crunch_job: a folder compiled into the image as a crunched_kv table.
struct crunch_job {
  std::string function;  ///< `std::span<const atl::crunched_file> function() noexcept`
  std::string folder;    ///< absolute
  std::string device;
  int line = 0;
};

struct device_graph {
  std::string target;
  std::string platform;  ///< the engine's platform type
  std::string app_dir;   ///< absolute folder of the manifest
  std::vector<device_slot> devices;
  std::vector<target_key> keys;  ///< logs first, then the devices' keys
  std::vector<crunch_job> crunches;
};

struct graph_outcome {
  std::optional<device_graph> value;
  diagnostic error;
};

/// Keys core's key_set can hold (key_set::max_keys).
inline constexpr std::size_t max_all_keys = 64;

/// unix_graph(m, app_dir): the graph of `m` on the unix target. Relative
/// paths in the manifest are taken from `app_dir` (absolute). Fails, naming
/// the manifest's line, when a key the target adds clashes with one of the
/// application's or is too long, or when there are too many keys in all.
graph_outcome unix_graph(const manifest& m, const std::string& app_dir);

/// chosen_slot(g): the device whose type a key picks (the stack), or nullptr.
const device_slot* chosen_slot(const device_graph& g) noexcept;

/// device_variable(name): the generated main's variable for a device.
std::string device_variable(std::string_view device_name);

}  // namespace atl::tool
