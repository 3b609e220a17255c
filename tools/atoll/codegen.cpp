#include "codegen.hpp"

#include "stack_device.hpp"
#include <atoll/core/keys.hpp>
#include <atoll/core/time.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <set>

namespace atl::tool {

namespace {

// comment(text): `text` made safe in a // comment: no control character,
// and no backslash (one at the end of a line would continue the comment
// over the next).
std::string comment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\' || c == 0x7f) c = ' ';
  }
  return out;
}

std::string device_arguments(const device_graph& g) {
  std::string out;
  for (const auto& d : g.devices) out += ", " + device_variable(d.name);
  return out;
}

std::string app_type(const manifest& m, const device_graph& g) {
  std::string types;
  for (const auto& d : g.devices) types += (types.empty() ? "" : ", ") + d.concrete_type;
  return m.class_name + "<" + types + ">";
}

// The application's type: one, or a template over the device a key chooses
// (application_over<Stack>), instantiated once per choice.
std::string app_alias(const manifest& m, const device_graph& g) {
  const device_slot* chosen = chosen_slot(g);
  if (chosen == nullptr) return "using application = " + app_type(m, g) + ";\n\n";
  return "/// The application over either stack of device '" + chosen->name +
         "': --net picks one at boot.\ntemplate <class " + chosen->concrete_type +
         ">\nusing application_over = " + app_type(m, g) + ";\n\n";
}

std::string headers(const device_graph& g) {
  std::set<std::string> names = {"atoll/core/engine.hpp",
                                 "atoll/core/format.hpp",
                                 "atoll/core/keys.hpp",
                                 "atoll/core/log.hpp",
                                 "atoll/core/result.hpp",
                                 "atoll/core/task.hpp",
                                 "atoll/devices/console_log_sink.hpp",
                                 "atoll/unix/boot.hpp",
                                 "atoll/unix/console.hpp",
                                 "atoll/unix/epoll_platform.hpp",
                                 "atoll/unix/sandbox.hpp"};
  for (const auto& d : g.devices) {
    names.insert(d.header);
    names.insert(d.more_headers.begin(), d.more_headers.end());
  }
  if (chosen_slot(g) != nullptr) {
    for (auto& h : stack_headers()) names.insert(std::move(h));
  }
  std::string out;
  for (const auto& n : names) out += "#include <" + n + ">\n";
  return out;
}

std::string key_fields(const manifest& m) {
  std::string out;
  for (const auto& k : m.keys) {
    out += "  /// --" + k.name + ": " + comment(k.doc) + "\n  " + std::string(cpp_type(k.type)) +
           " " + field_name(k.name) + " = " + cpp_key_default(k.type, k.default_text) + ";" +
           (k.type == key_type::duration ? "  // " + k.default_text : std::string()) + "\n";
  }
  return out;
}

std::string target_fields(const device_graph& g) {
  std::string out;
  for (const auto& k : g.keys) {
    out += "  /// --" + k.name + ": " + comment(k.doc) + "\n  " + std::string(cpp_type(k.type)) +
           " " + field_name(k.name) + " = " + cpp_key_default(k.type, k.default_text) + ";\n";
  }
  return out;
}

// The concept that checks start() before anything else fails to compile.
std::string start_check(const manifest& m, const device_graph& g) {
  std::string params = "App& app, const app_keys& keys";
  std::string args = "keys";
  std::string names;
  for (const auto& d : g.devices) {
    params += ",\n                             " + d.concrete_type + "& " + device_variable(d.name);
    args += ", " + device_variable(d.name);
    names += ", " + d.kind + "& " + d.name;
  }
  const std::string message =
      cpp_string(m.path + ":" + std::to_string(m.app_line) + ": " + m.class_name +
                 " needs atl::task<int> start(const Keys& keys" + names +
                 "), its devices in the manifest's order");
  const device_slot* chosen = chosen_slot(g);
  const std::string parameters =
      chosen == nullptr ? "class App" : "class App, class " + chosen->concrete_type;
  std::string out = "template <" + parameters + ">\nconcept startable = requires(" + params +
                    ") {\n  { app.start(" + args + ") } -> std::same_as<atl::task<int>>;\n};\n";
  if (chosen == nullptr) {
    return out + "static_assert(startable<application>,\n              " + message + ");\n";
  }
  for (const auto& c : chosen->choices) {
    out += "static_assert(startable<application_over<";
    out += c;
    out += ">, ";
    out += c;
    out += ">,\n              ";
    out += message;
    out += ");\n";
  }
  return out;
}

constexpr std::string_view helpers =
    R"(/// failure(what, message): "PROGRAM: what: message" on standard error;
/// returns the exit status of a failed boot.
int failure(std::string_view what, std::string_view message) noexcept {
  const atl::text_buffer<512> line(program, ": ", what, what.empty() ? "" : ": ", message, "\n");
  atl::unix_target::console standard_error(2);
  (void)standard_error.write(line.view());
  return atl::unix_target::exit_boot_failure;
}

[[maybe_unused]] int device_failure(std::string_view device, const atl::error& e) noexcept {
  const atl::text_buffer<160> what("device '", device, "'");
  return failure(what.view(), e.message());
}

/// make_application(app, engine): constructs the application, handing it the
/// engine when it takes one (to own tasks of its own).
template <class App>
void make_application(std::optional<App>& app, atl::engine& engine) {
  if constexpr (std::is_constructible_v<App, atl::engine&>) {
    app.emplace(engine);
  } else {
    app.emplace();
  }
}

/// log_sink_scope: the log sink is installed while it lives.
class log_sink_scope {
public:
  explicit log_sink_scope(atl::log_sink& sink) noexcept : previous_(atl::set_log_sink(&sink)) {}
  log_sink_scope(const log_sink_scope&) = delete;
  log_sink_scope& operator=(const log_sink_scope&) = delete;
  ~log_sink_scope() { atl::set_log_sink(previous_); }

private:
  atl::log_sink* previous_;
};
)";

std::string sandbox(const device_graph& g) {
  std::string out =
      "  // Every device is open: from here on the process keeps only what it was\n"
      "  // handed, the devices' host paths (docs/sandbox.md). --no-sandbox leaves\n"
      "  // it open, for a debugger.\n"
      "  if (target.sandbox) {\n    atl::unix_target::sandbox_policy policy;\n";
  for (const auto& d : g.devices) {
    for (const auto& p : d.paths) {
      const std::string field = "target." + field_name(p.key);
      out += std::string(p.optional ? "    if (!" + field + ".empty()) " : "    ") + "policy." +
             (p.write ? "allow_read_write" : "allow_read") + "(" + field + ");\n";
    }
    out += d.seal;
  }
  return out +
         "    if (auto sealed = policy.apply(); !sealed) {\n"
         "      return failure(\"sandbox\", sealed.error().message());\n    }\n  }\n";
}

}  // namespace

std::string cpp_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f || c == '?') {
      // Octal escapes take at most three digits, so no digit that follows
      // can join them; '?' is escaped against trigraphs.
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\%03o", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string cmake_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\' || c == '$' || c == ';') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string cpp_key_default(key_type type, std::string_view text) {
  switch (type) {
    case key_type::boolean: return parse_key_value<bool>(text).value_or(false) ? "true" : "false";
    case key_type::integer: {
      const std::int64_t v = parse_key_value<std::int64_t>(text).value_or(0);
      if (v == std::numeric_limits<std::int64_t>::min()) return "INT64_MIN";
      return std::to_string(v);
    }
    case key_type::unsigned_integer:
      return std::to_string(parse_key_value<std::uint64_t>(text).value_or(0)) + "U";
    case key_type::port:
      return std::to_string(parse_key_value<std::uint16_t>(text).value_or(0)) + "U";
    case key_type::duration:
      return "atl::duration{" +
             std::to_string(parse_key_value<duration>(text).value_or(duration{}).count()) + "}";
    case key_type::string: return cpp_string(text);
  }
  return "{}";
}

namespace {

// boot(g): from the application to its end: make the application, apply
// --logs, the engine, the devices, the sandbox, run start(). In main, or in
// run<Net>() when a key chooses a device.
std::string boot(const device_graph& g) {
  std::string out =
      "  auto platform = atl::unix_target::epoll_platform::create();\n"
      "  if (!platform) return failure(\"platform\", platform.error().message());\n"
      "  atl::engine engine(*platform);\n\n"
      "  // The application before --logs applies, so that its log sources exist;\n"
      "  // one that owns tasks of its own is handed the engine.\n"
      "  std::optional<application> app;\n"
      "  make_application(app, engine);\n"
      "  if (auto levels = atl::set_log_levels(target.logs); !levels) {\n"
      "    return failure(\"key 'logs'\", levels.error().message());\n  }\n\n"
      "  // Log lines go to standard error; a console device is standard output.\n"
      "  atl::unix_target::console log_console(2);\n"
      "  atl::console_log_sink<atl::unix_target::console> log_sink(log_console);\n"
      "  const log_sink_scope log_scope(log_sink);\n\n"
      "  // The devices, in the order start() takes them.\n";
  for (const auto& d : g.devices) {
    out += "  // " + d.kind + " " + d.name + ": " + comment(d.summary) + "\n" + d.make;
  }
  // Appended piece by piece: g++ 12 -O3 sees a false overlap in
  // "literal" + std::string&& here (-Wrestrict).
  out += '\n';
  out += sandbox(g);
  out += '\n';
  out += "  const int status = engine.run(app->start(keys" + device_arguments(g) + "));\n" +
         "  app.reset();  // before the devices it was handed\n  return status;\n";
  return out;
}

}  // namespace

std::string unix_main(const manifest& m, const device_graph& g) {
  const device_slot* chosen = chosen_slot(g);
  std::string out = "// Generated by `atoll configure -t unix` from " + comment(m.path) +
                    ":\n// do not edit, `atoll configure` writes it again. The application " +
                    m.class_name + "\n// (" + m.header +
                    ") as a Linux process; docs/app-model.md describes this file.\n";
  out += "#include \"" + m.header + "\"\n\n" + headers(g) + "\n" +
         (chosen != nullptr ? "#include <array>\n#include <cstddef>\n" : "") +
         "#include <concepts>\n#include <cstdint>\n#include <optional>\n#include <span>\n"
         "#include <string_view>\n#include <type_traits>\n#include <utility>\n\n";
  for (const auto& c : g.crunches) {
    out += "// The files of " + comment(c.folder) +
           " (atoll crunch).\nstd::span<const atl::crunched_file> " + c.function +
           "() noexcept;\n\n";
  }
  out += "namespace {\n\n";
  out += "/// The keys of " + m.name +
         " (the manifest's): each initialiser is the compile-time\n/// default, which "
         "the command line overrides (--name=value).\nstruct app_keys {\n" +
         key_fields(m) + "};\n\n";
  out += std::string("/// The keys the unix target adds: log levels, the devices' host paths") +
         (chosen != nullptr ? ", the stack." : ".") + "\nstruct target_keys {\n" +
         target_fields(g) + "};\n\n";
  out += app_alias(m, g) + start_check(m, g) + "\n";
  out += "constexpr std::string_view program = " + cpp_string(m.name) + ";\n\n";
  out += std::string(helpers);
  if (chosen != nullptr) {
    out += "\n" + stack_choices_code() +
           "\n/// run<Net>(keys, target): boots the application over Net's stack.\n"
           "template <class Net>\nint run(const app_keys& keys, const target_keys& target) {\n"
           "  using application = application_over<typename Net::stack_type>;\n" +
           boot(g) + "}\n";
  }
  out += "\n}  // namespace\n\n";

  out +=
      "int main(int argc, char** argv) {\n"
      "  // The arguments as views (string keys point into them); SIGPIPE ignored.\n"
      "  const atl::unix_target::boot_args args(argc, argv);\n"
      "  app_keys keys;\n  target_keys target;\n  atl::key_set key_set(program);\n";
  for (const auto& k : m.keys) {
    out += "  key_set.add(" + cpp_string(k.name) + ", keys." + field_name(k.name) + ", " +
           cpp_string(k.doc) + ");\n";
  }
  for (const auto& k : g.keys) {
    out += "  key_set.add(" + cpp_string(k.name) + ", target." + field_name(k.name) + ", " +
           cpp_string(k.doc) + ");\n";
  }
  out +=
      "  const auto outcome = key_set.parse(args.view());\n"
      "  if (!outcome) return failure(\"\", outcome.error().message());\n"
      "  if (*outcome == atl::key_outcome::help) return atl::unix_target::print_help(key_set);\n";
  for (const auto& k : g.keys) {
    if (!k.required) continue;
    out += "  if (target." + field_name(k.name) + ".empty()) return failure(" +
           cpp_string("key '" + k.name + "'") + ", " + cpp_string("needs a value: " + k.doc) +
           ");\n";
  }
  if (chosen != nullptr) {
    out += stack_dispatch_code(*chosen);
  } else {
    out += '\n';
    out += boot(g);
  }
  return out + "}\n";
}

std::string unix_cmake(const manifest& m, const device_graph& g, const std::string& package_dir) {
  std::string out = "# Generated by `atoll configure -t unix` from " + comment(m.path) +
                    ":\n# do not edit, `atoll configure` writes it again.\n";
  out += "cmake_minimum_required(VERSION 3.25)\nproject(" + m.name + " LANGUAGES CXX)\n";
  out += "find_package(atoll CONFIG REQUIRED PATHS " + cmake_string(package_dir) +
         " NO_DEFAULT_PATH)\n";
  out += "atoll_add_unikernel(NAME " + m.name + " TARGET unix\n" +
         "  SOURCES \"${CMAKE_CURRENT_SOURCE_DIR}/main.cpp\"\n  INCLUDE_DIRS " +
         cmake_string(g.app_dir);
  for (const auto& c : g.crunches) {
    out += "\n  CRUNCH " + c.function + " " + cmake_string(c.folder);
  }
  out += ")\n";
  if (chosen_slot(g) != nullptr) {
    // atoll's direct stack, beside the socket stack of atoll::unix.
    out += "target_link_libraries(" + m.name + " PRIVATE atoll::net_direct)\n";
  }
  return out;
}

}  // namespace atl::tool
