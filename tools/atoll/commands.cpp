#include "commands.hpp"

#include "certs.hpp"
#include "codegen.hpp"
#include "crunch.hpp"
#include "describe.hpp"
#include "graph.hpp"
#include "host.hpp"
#include "manifest.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>

namespace atl::tool {

namespace fs = std::filesystem;

namespace {

constexpr const char* state_file = ".atoll-current";
constexpr const char* manifest_file = "atoll.manifest";

/// application: a parsed manifest and its folder.
struct application {
  manifest m;
  fs::path dir;  ///< absolute
};

/// configured: the application a command works on, and its target.
struct configured {
  fs::path dir;  ///< absolute
  std::string target;
};

fs::path absolute(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal();
}

fs::path generated_dir(const configured& c) { return c.dir / "_atoll" / c.target; }

// load(dir): the manifest of the application in `dir` (as the user named
// it), checked against the file system: its header exists.
std::optional<application> load(const std::string& dir, std::string& problem) {
  const std::string shown = (fs::path(dir) / manifest_file).lexically_normal().string();
  auto text = read_text(fs::path(dir) / manifest_file);
  if (!text) {
    problem = shown + ": no manifest (an application's folder holds its atoll.manifest)";
    return std::nullopt;
  }
  auto parsed = parse_manifest(shown, *text);
  if (!parsed.value) {
    problem = parsed.error.text();
    return std::nullopt;
  }
  application app{std::move(*parsed.value), absolute(dir)};
  std::error_code ec;
  if (!fs::is_regular_file(app.dir / app.m.header, ec)) {
    problem = app.m
                  .at(app.m.app_line, "the app header '" + app.m.header + "' does not exist (" +
                                          (app.dir / app.m.header).string() + ")")
                  .text();
    return std::nullopt;
  }
  return app;
}

// graph_for(app, target): the device graph, with the folders it crunches
// checked to exist.
std::optional<device_graph> graph_for(const application& app, const std::string& target,
                                      std::string& problem) {
  if (!is_implemented_target(target)) {
    problem = "target '" + target +
              "' is not implemented yet: atoll builds for unix today (kvm and xen come later)";
    return std::nullopt;
  }
  auto g = unix_graph(app.m, app.dir.string());
  if (!g.value) {
    problem = g.error.text();
    return std::nullopt;
  }
  for (const auto& c : g.value->crunches) {
    std::error_code ec;
    if (!fs::is_directory(c.folder, ec)) {
      problem = app.m
                    .at(c.line, "the folder to crunch for device '" + c.device +
                                    "' does not exist (" + c.folder + ")")
                    .text();
      return std::nullopt;
    }
  }
  return g.value;
}

std::optional<configured> read_state() {
  auto text = read_text(state_file);
  if (!text) return std::nullopt;
  configured c;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("dir ")) c.dir = line.substr(4);
    if (line.starts_with("target ")) c.target = line.substr(7);
  }
  if (c.dir.empty() || !is_known_target(c.target)) return std::nullopt;
  return c;
}

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

// chosen(args, i): the application named by args[i] (i advances past it),
// else the one ./.atoll-current records.
std::optional<configured> chosen(const arguments& args, std::size_t& i, std::string& problem) {
  auto state = read_state();
  if (i < args.size() && !args[i].starts_with("-")) {
    configured c{absolute(args[i]), "unix"};
    ++i;
    if (state && same_folder(state->dir, c.dir)) return state;
    for (const char* t : {"unix", "kvm", "xen"}) {
      std::error_code ec;
      if (fs::is_directory(c.dir / "_atoll" / t, ec)) {
        c.target = t;
        break;
      }
    }
    return c;
  }
  if (!state) {
    problem =
        "no application is configured here (./.atoll-current): "
        "run atoll configure -t unix DIR first, or name DIR";
  }
  return state;
}

int cmake_configure(const fs::path& gen, const std::string& name, const fs::path& package) {
  // atoll_DIR on the command line: a build configured by another atoll
  // (whose package find_package cached) follows this one.
  std::vector<std::string> argv = {"cmake",
                                   "-S",
                                   gen.string(),
                                   "-B",
                                   (gen / "build").string(),
                                   "-Datoll_DIR=" + package.string()};
  std::error_code ec;
  if (on_path("ninja") && !fs::exists(gen / "build" / "CMakeCache.txt", ec)) {
    argv.insert(argv.end(), {"-G", "Ninja"});
  }
  argv.emplace_back("-DCMAKE_BUILD_TYPE=RelWithDebInfo");
  argv.emplace_back("-DCMAKE_CXX_COMPILER=" ATOLL_CXX_COMPILER);
  const fs::path log = gen / "configure.log";
  if (run_program(argv, log) == 0) return 0;
  if (auto text = read_text(log)) std::fputs(text->c_str(), stderr);
  return fail("configuring the build of " + name + " failed (" + log.string() + ")");
}

// configure(dir, target): generates DIR/_atoll/TARGET and configures it.
int configure(const std::string& dir, const std::string& target) {
  std::string problem;
  auto app = load(dir, problem);
  if (!app) return fail(problem);
  auto g = graph_for(*app, target, problem);
  if (!g) return fail(problem);
  problem = make_certs(app->m, app->dir);
  if (!problem.empty()) return fail(problem);
  const fs::path package = package_dir();
  if (package.empty()) {
    return fail("no atoll CMake package (atollConfig.cmake) beside " + self_path().string() +
                ": run the atoll of a build tree or of an installed prefix");
  }
  const configured c{app->dir, target};
  const fs::path gen = generated_dir(c);
  std::error_code ec;
  fs::create_directories(gen, ec);
  if (ec) return fail("cannot create " + gen.string() + ": " + ec.message());
  if (!write_text_if_changed(gen / "main.cpp", unix_main(app->m, *g)) ||
      !write_text_if_changed(gen / "CMakeLists.txt", unix_cmake(app->m, *g, package.string()))) {
    return fail("cannot write the generated files in " + gen.string());
  }
  if (int status = cmake_configure(gen, app->m.name, package); status != 0) return status;
  const std::string state = "# The application `atoll configure` set up from here.\ndir " +
                            c.dir.string() + "\ntarget " + target + "\n";
  if (!write_text_if_changed(state_file, state)) return fail("cannot write ./.atoll-current");
  std::printf("atoll: configured %s for %s in %s\n", app->m.name.c_str(), target.c_str(),
              gen.string().c_str());
  return 0;
}

// stale(c): the manifest changed after the generated main was written.
bool stale(const configured& c) {
  std::error_code ec1;
  std::error_code ec2;
  const auto manifest_time = fs::last_write_time(c.dir / manifest_file, ec1);
  const auto main_time = fs::last_write_time(generated_dir(c) / "main.cpp", ec2);
  return !ec1 && !ec2 && manifest_time > main_time;
}

}  // namespace

int fail(const std::string& message) {
  std::fprintf(stderr, "atoll: %s\n", message.c_str());
  return 2;
}

int configure_command(const arguments& args) {
  std::string target = "unix";
  std::string dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-t" || a == "--target") {
      if (i + 1 == args.size()) {
        return fail(a + " needs a target (" + std::string(known_targets()) + ")");
      }
      target = args[++i];
    } else if (a.starts_with("--target=")) {
      target = a.substr(9);
    } else if (a.starts_with("-")) {
      return fail("configure: unknown option '" + a + "' (atoll configure -t TARGET DIR)");
    } else if (dir.empty()) {
      dir = a;
    } else {
      std::string message = "configure takes one application folder ('";
      message.append(dir).append("', then '").append(a).append("')");
      return fail(message);
    }
  }
  if (!is_known_target(target)) {
    return fail("unknown target '" + target + "' (" + std::string(known_targets()) + ")");
  }
  if (dir.empty())
    return fail("configure needs the application's folder: atoll configure -t " + target + " DIR");
  return configure(dir, target);
}

int build_command(const arguments& args) {
  std::size_t i = 0;
  std::string problem;
  auto c = chosen(args, i, problem);
  if (!c) return fail(problem);
  std::string jobs;
  for (; i < args.size(); ++i) {
    if (args[i] == "-j" && i + 1 < args.size()) {
      jobs = args[++i];
    } else if (args[i].starts_with("-j") && args[i].size() > 2) {
      jobs = args[i].substr(2);
    } else {
      return fail("build: unexpected argument '" + args[i] + "' (atoll build [DIR] [-j N])");
    }
  }
  std::error_code ec;
  if (!fs::exists(generated_dir(*c) / "build" / "CMakeCache.txt", ec)) {
    return fail(c->dir.string() + " is not configured for " + c->target +
                ": run atoll configure -t " + c->target + " " + c->dir.string());
  }
  if (stale(*c)) {
    std::printf("atoll: %s/%s changed: configuring again\n", c->dir.c_str(), manifest_file);
    if (int status = configure(c->dir.string(), c->target); status != 0) return status;
  }
  std::vector<std::string> argv = {"cmake", "--build", (generated_dir(*c) / "build").string()};
  if (!jobs.empty()) argv.insert(argv.end(), {"--parallel", jobs});
  if (run_program(argv) != 0) return fail("the build failed");
  return 0;
}

int run_command(const arguments& args) {
  std::size_t i = 0;
  std::string problem;
  auto c = chosen(args, i, problem);
  if (!c) return fail(problem);
  auto app = load(c->dir.string(), problem);
  if (!app) return fail(problem);
  const fs::path binary = generated_dir(*c) / "build" / app->m.name;
  std::error_code ec;
  if (!fs::is_regular_file(binary, ec)) {
    return fail(app->m.name + " is not built (" + binary.string() + "): run atoll build");
  }
  if (i < args.size() && args[i] == "--") ++i;
  std::vector<std::string> argv = {binary.string()};
  argv.insert(argv.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  exec_program(argv);
  return fail("cannot run " + binary.string());
}

int describe_command(const arguments& args) {
  std::string target;
  std::string dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-t" || args[i] == "--target") && i + 1 < args.size()) {
      target = args[++i];
    } else if (args[i].starts_with("-")) {
      return fail("describe: unknown option '" + args[i] + "' (atoll describe [-t TARGET] [DIR])");
    } else {
      dir = args[i];
    }
  }
  std::string problem;
  if (dir.empty() || target.empty()) {
    arguments named;
    if (!dir.empty()) named.push_back(dir);
    std::size_t i = 0;
    auto c = chosen(named, i, problem);
    if (!c) return fail(problem);
    if (dir.empty()) dir = c->dir.string();
    if (target.empty()) target = c->target;
  }
  if (!is_known_target(target)) {
    return fail("unknown target '" + target + "' (" + std::string(known_targets()) + ")");
  }
  auto app = load(dir, problem);
  if (!app) return fail(problem);
  auto g = graph_for(*app, target, problem);
  if (!g) return fail(problem);
  std::fputs(describe(app->m, *g).c_str(), stdout);
  return 0;
}

int clean_command(const arguments& args) {
  std::size_t i = 0;
  std::string problem;
  auto c = chosen(args, i, problem);
  if (!c) return fail(problem);
  if (i != args.size()) return fail("clean: unexpected argument '" + args[i] + "'");
  std::error_code ec;
  fs::remove_all(c->dir / "_atoll", ec);
  if (ec) return fail("cannot remove " + (c->dir / "_atoll").string() + ": " + ec.message());
  if (auto state = read_state(); state && same_folder(state->dir, c->dir)) {
    fs::remove(state_file, ec);
  }
  std::printf("atoll: removed %s\n", (c->dir / "_atoll").c_str());
  return 0;
}

int crunch_command(const arguments& args) {
  if (args.size() != 3) return fail("crunch takes FOLDER OUT.cpp FUNCTION");
  const std::string problem = crunch(args[0], args[1], args[2]);
  return problem.empty() ? 0 : fail("crunch: " + problem);
}

}  // namespace atl::tool
