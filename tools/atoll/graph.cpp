#include "graph.hpp"

#include "codegen.hpp"
#include "stack_device.hpp"

#include <algorithm>
#include <filesystem>

namespace atl::tool {

namespace {

constexpr std::string_view targets[] = {"unix", "kvm", "xen"};

std::string absolute_from(const std::string& app_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  auto joined = (std::filesystem::path(app_dir) / p).lexically_normal().string();
  // "dir/." normalises to "dir/": drop the trailing separator.
  if (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined;
}

// make_checked(var, expr): statements that make `var` from a result-valued
// expression, failing the boot with the device's name.
std::string make_checked(const std::string& device, const std::string& var,
                         const std::string& expr) {
  return "  auto " + var + "_made = " + expr + ";\n  if (!" + var +
         "_made) return device_failure(" + cpp_string(device) + ", " + var +
         "_made.error());\n  auto& " + var + " = *" + var + "_made;\n";
}

class unix_builder {
public:
  unix_builder(const manifest& m, const std::string& app_dir) : m_(m) {
    g_.target = "unix";
    g_.platform = "atl::unix_target::epoll_platform";
    g_.app_dir = app_dir;
    g_.keys.push_back({"logs", key_type::string, "",
                       "log levels: SOURCE:LEVEL,... (*:debug for every source)", false, ""});
    g_.keys.push_back({"sandbox", key_type::boolean, "true",
                       "seal the process once its devices are open (--no-sandbox to debug)", false,
                       ""});
  }

  graph_outcome build() {
    for (const auto& d : m_.devices) {
      device_slot s{d.kind, d.name, d.line, {}, {}, {}, {}, {}, {}, {}, {}, {}};
      if (auto problem = slot(d, s); !problem.empty()) {
        return {std::nullopt, m_.at(d.line, std::move(problem))};
      }
      g_.devices.push_back(std::move(s));
    }
    for (const auto& k : m_.keys) {
      if (k.name == "sandbox") {
        return {std::nullopt, m_.at(k.line, "the key name 'sandbox' is the unix target's own")};
      }
    }
    if (m_.keys.size() + g_.keys.size() > max_all_keys) {
      return {std::nullopt,
              m_.at(m_.devices.empty() ? 0 : m_.devices.back().line,
                    "too many keys: " + std::to_string(m_.keys.size()) +
                        " of the application and " + std::to_string(g_.keys.size()) +
                        " of the unix target (" + std::to_string(max_all_keys) + " at most)")};
    }
    return {std::move(g_), {}};
  }

private:
  // add_key(d, suffix, ...): the key "<device>-<suffix>" the target adds.
  std::string add_key(const device_decl& d, std::string_view suffix, std::string default_text,
                      std::string doc, bool required, std::string& name) {
    name = d.name;
    std::replace(name.begin(), name.end(), '_', '-');
    name += "-";
    name += suffix;
    if (name.size() > max_key_name) {
      return "the key " + name + " that device '" + d.name + "' needs is longer than " +
             std::to_string(max_key_name) + " characters: shorten the device's name";
    }
    for (const auto& k : m_.keys) {
      if (k.name == name) {
        return "device '" + d.name + "' needs the key '" + name +
               "' on unix, which the key on line " + std::to_string(k.line) + " already declares";
      }
    }
    g_.keys.push_back(
        {name, key_type::string, std::move(default_text), std::move(doc), required, d.name});
    return {};
  }

  std::string slot(const device_decl& d, device_slot& s) {
    const std::string var = device_variable(d.name);
    if (d.kind == "console") {
      s.concrete_type = "atl::unix_target::console";
      s.summary = "standard output";
      s.header = "atoll/unix/console.hpp";
      s.make = "  atl::unix_target::console " + var + "(1);\n";
    } else if (d.kind == "mono_clock") {
      s.concrete_type = "atl::unix_target::mono_clock";
      s.summary = "CLOCK_MONOTONIC";
      s.header = "atoll/unix/clock.hpp";
      s.make = "  atl::unix_target::mono_clock " + var + ";\n";
    } else if (d.kind == "wall_clock") {
      s.concrete_type = "atl::unix_target::wall_clock";
      s.summary = "CLOCK_REALTIME";
      s.header = "atoll/unix/clock.hpp";
      s.make = "  atl::unix_target::wall_clock " + var + ";\n";
    } else if (d.kind == "sleep") {
      s.concrete_type = "atl::engine_sleep";
      s.summary = "the engine's timers (epoll)";
      s.header = "atoll/devices/engine_sleep.hpp";
      s.make = "  atl::engine_sleep " + var + "(engine);\n";
    } else if (d.kind == "random") {
      s.concrete_type = "atl::unix_target::random";
      s.summary = "ChaCha20 seeded from getrandom(2)";
      s.header = "atoll/unix/random.hpp";
      s.make = make_checked(d.name, var, "atl::unix_target::random::create()");
    } else if (d.kind == "block") {
      return block(d, s, var);
    } else if (d.kind == "kv_ro") {
      return kv_ro(d, s, var);
    } else if (d.kind == "stack") {
      return stack_slot(m_, d, s, g_.keys);
    } else if (d.kind == "kv") {
      const device_option* size = d.option("size");
      const std::string bytes = size != nullptr ? *size->value : "16777216";
      s.concrete_type = "atl::memory_kv<atl::unix_target::wall_clock>";
      s.summary = "in memory, at most " + bytes + " bytes, lost at exit";
      s.header = "atoll/devices/memory_kv.hpp";
      s.make = "  atl::unix_target::wall_clock " + var + "_clock;\n  " + s.concrete_type + " " +
               var + "(" + var + "_clock, " + bytes + "U);\n";
    }
    return {};
  }

  std::string block(const device_decl& d, device_slot& s, const std::string& var) {
    const device_option* file = d.option("file");
    std::string key;
    auto problem =
        add_key(d, "file", file != nullptr ? absolute_from(g_.app_dir, *file->value) : "",
                "the image file of block device '" + d.name + "'", file == nullptr, key);
    if (!problem.empty()) return problem;
    const device_option* sectors = d.option("sectors");
    const device_option* sector_size = d.option("sector_size");
    s.concrete_type = "atl::unix_target::file_block";
    s.summary = "the file --" + key;
    s.header = "atoll/unix/block_file.hpp";
    s.make = "  atl::unix_target::file_block_options " + var + "_options;\n";
    if (sectors != nullptr)
      s.make += "  " + var + "_options.create_sectors = " + *sectors->value + "U;\n";
    if (sector_size != nullptr) {
      s.make += "  " + var + "_options.sector_size = " + *sector_size->value + "U;\n";
    }
    const bool read_only = d.option("read_only") != nullptr;
    if (read_only) s.make += "  " + var + "_options.read_only = true;\n";
    s.make += make_checked(d.name, var,
                           "atl::unix_target::file_block::create(target." + field_name(key) + ", " +
                               var + "_options)");
    s.paths.push_back({key, !read_only});
    return {};
  }

  std::string kv_ro(const device_decl& d, device_slot& s, const std::string& var) {
    if (const device_option* crunch = d.option("crunch")) {
      const std::string folder = absolute_from(g_.app_dir, *crunch->value);
      const std::string function = "atoll_crunched_" + d.name;
      g_.crunches.push_back({function, folder, d.name, d.line});
      const std::string crunched = "atl::crunched_kv::create(" + function + "())";
      if (d.option("dir") == nullptr) {
        s.concrete_type = "atl::crunched_kv";
        s.summary = "the files of " + folder + ", compiled in";
        s.header = "atoll/devices/crunched_kv.hpp";
        s.make = make_checked(d.name, var, crunched);
        return {};
      }
      // crunch=FOLDER dir: the compiled-in files, or a host folder when the
      // key names one (kv_ro_either picks at boot).
      std::string key;
      auto problem = add_key(d, "dir", "",
                             "a folder served by kv_ro device '" + d.name +
                                 "' instead of the compiled-in files (empty: those)",
                             false, key);
      if (!problem.empty()) return problem;
      s.concrete_type = "atl::kv_ro_either<atl::crunched_kv, atl::unix_target::dir_kv>";
      s.summary = "the files of " + folder + ", compiled in, or the folder --" + key;
      s.header = "atoll/devices/kv_ro_either.hpp";
      s.more_headers = {"atoll/devices/crunched_kv.hpp", "atoll/unix/kv_dir.hpp"};
      const std::string field = "target." + field_name(key);
      s.make = make_checked(d.name, var,
                            field + ".empty() ? " + s.concrete_type + "::first(" + crunched +
                                ") : " + s.concrete_type +
                                "::second(atl::unix_target::dir_kv::create(" + field + "))");
      s.paths.push_back({key, false, true});
      return {};
    }
    const device_option* dir = d.option("dir");
    const bool has_default = dir != nullptr && dir->value.has_value();
    std::string key;
    auto problem = add_key(d, "dir", has_default ? absolute_from(g_.app_dir, *dir->value) : "",
                           "the folder served by kv_ro device '" + d.name + "'", !has_default, key);
    if (!problem.empty()) return problem;
    s.concrete_type = "atl::unix_target::dir_kv";
    s.summary = "the folder --" + key + ", read at run time";
    s.header = "atoll/unix/kv_dir.hpp";
    s.make = make_checked(d.name, var,
                          "atl::unix_target::dir_kv::create(target." + field_name(key) + ")");
    s.paths.push_back({key, false});
    return {};
  }

  const manifest& m_;
  device_graph g_;
};

}  // namespace

std::string_view known_targets() noexcept { return "unix, kvm, xen"; }

bool is_known_target(std::string_view target) noexcept {
  return std::find(std::begin(targets), std::end(targets), target) != std::end(targets);
}

bool is_implemented_target(std::string_view target) noexcept { return target == "unix"; }

const device_slot* chosen_slot(const device_graph& g) noexcept {
  for (const auto& d : g.devices) {
    if (!d.choices.empty()) return &d;
  }
  return nullptr;
}

std::string device_variable(std::string_view device_name) {
  return "dev_" + std::string(device_name);
}

graph_outcome unix_graph(const manifest& m, const std::string& app_dir) {
  return unix_builder(m, app_dir).build();
}

}  // namespace atl::tool
