// bench_http_server: the static-site application (examples/static-site/site.hpp)
// over the host's sockets, serving a directory read at run time, for the HTTP
// comparison with nginx (docs/performance.md, "http"; bench/http/run.py).
//
//   bench_http_server --root DIR --tls-dir DIR [--http-port N] [--https-port N]
//                     [--max-connections N] [--logs SPEC] [--preload]
//
// --preload reads the folder once at start into memory and serves it as a
// crunched_kv, which is how the application holds its site when it is built
// (crunched into the program, as MirageOS does): no file system call per
// request. Without it, the folder is a dir_kv read at every request.
//
// It is what `atoll build -t unix` makes of static-site with its kv_ro
// `htdocs` device as a dir_kv (a folder read at run time, as nginx reads its
// root) instead of crunched into the program: the same unikernel class, the
// same HTTP server, static-files handler and TLS stream, the same socket
// stack and epoll engine on one thread (so one core). --tls-dir holds
// server.crt and server.key; session tickets are on, as in the application.
// It runs until killed.
#include "site.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/log.hpp>
#include <atoll/devices/console_log_sink.hpp>
#include <atoll/devices/crunched_kv.hpp>
#include <atoll/devices/kv_ro_either.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/unix/console.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/kv_dir.hpp>
#include <atoll/unix/random.hpp>
#include <atoll/unix/socket_stack.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;

/// bench_keys: the application's keys (examples/static-site/atoll.manifest),
/// with its defaults except the ports.
struct bench_keys {
  std::uint16_t http_port = 8080;
  std::uint16_t https_port = 8443;
  bool https_redirect = false;
  std::uint64_t hsts = 0;
  std::uint64_t max_connections = 1024;
  atl::duration header_timeout = 10s;
  atl::duration idle_timeout = 60s;
};

const char* text_option(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

int failure(const char* what, std::string_view why) {
  std::fprintf(stderr, "bench_http_server: %s: %.*s\n", what, static_cast<int>(why.size()),
               why.data());
  return 1;
}

/// log_sink_scope: the log sink is installed while it lives (as in the
/// generated main).
class log_sink_scope {
public:
  explicit log_sink_scope(atl::log_sink& sink) noexcept : previous_(atl::set_log_sink(&sink)) {}
  log_sink_scope(const log_sink_scope&) = delete;
  log_sink_scope& operator=(const log_sink_scope&) = delete;
  ~log_sink_scope() { atl::set_log_sink(previous_); }

private:
  atl::log_sink* previous_;
};

using htdocs_type = atl::kv_ro_either<atl::crunched_kv, atl::unix_target::dir_kv>;
using application =
    static_site::unikernel<atl::unix_target::console, atl::unix_target::socket_stack,
                           atl::unix_target::random, htdocs_type, atl::unix_target::dir_kv>;

/// preloaded: every regular file beneath a folder, in memory, as the table a
/// crunch would compile in (sorted by path).
struct preloaded {
  std::vector<std::string> paths;
  std::vector<std::vector<unsigned char>> bytes;
  std::vector<atl::crunched_file> files;

  bool load(const std::string& root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) found.push_back(fs::relative(it->path(), root, ec).string());
    }
    if (ec) return false;
    std::sort(found.begin(), found.end());
    paths = std::move(found);
    bytes.reserve(paths.size());
    for (const auto& p : paths) {
      std::ifstream in(root + "/" + p, std::ios::binary);
      bytes.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      const auto& b = bytes.back();
      const auto mtime = fs::last_write_time(root + "/" + p, ec);
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                          .count();
      files.push_back(
          {paths[files.size()], b,
           atl::sha256_of(std::span(reinterpret_cast<const std::byte*>(b.data()), b.size())), ns});
    }
    return true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const char* root = text_option(argc, argv, "--root", nullptr);
  const char* tls_dir = text_option(argc, argv, "--tls-dir", nullptr);
  if (root == nullptr || tls_dir == nullptr) {
    std::fprintf(stderr,
                 "usage: bench_http_server --root DIR --tls-dir DIR [--http-port N] "
                 "[--https-port N] [--max-connections N] [--logs SPEC]\n");
    return 2;
  }
  bench_keys keys;
  keys.http_port =
      static_cast<std::uint16_t>(std::atoi(text_option(argc, argv, "--http-port", "8080")));
  keys.https_port =
      static_cast<std::uint16_t>(std::atoi(text_option(argc, argv, "--https-port", "8443")));
  keys.max_connections =
      std::strtoull(text_option(argc, argv, "--max-connections", "1024"), nullptr, 10);

  auto platform = atl::unix_target::epoll_platform::create();
  if (!platform) return failure("platform", platform.error().message());
  atl::engine engine(*platform);

  std::optional<application> app;
  app.emplace(engine);
  if (auto levels = atl::set_log_levels(text_option(argc, argv, "--logs", "*:warn")); !levels) {
    return failure("--logs", levels.error().message());
  }
  atl::unix_target::console log_console(2);
  atl::console_log_sink<atl::unix_target::console> log_sink(log_console);
  const log_sink_scope log_scope(log_sink);

  atl::unix_target::console console(1);
  atl::unix_target::socket_stack_options stack_options;
  // Both ports' servers have max_connections each and refuse past it themselves.
  stack_options.max_connections = 2 * keys.max_connections;
  stack_options.backlog = 1024;
  atl::unix_target::socket_stack stack(engine, *platform, stack_options);
  auto random = atl::unix_target::random::create();
  if (!random) return failure("random", random.error().message());
  bool preload = false;
  for (int i = 1; i < argc; ++i) preload = preload || std::strcmp(argv[i], "--preload") == 0;
  preloaded table;
  if (preload && !table.load(root)) return failure("--root", "cannot read the folder");
  auto htdocs = preload ? htdocs_type::first(atl::crunched_kv::create(table.files))
                        : htdocs_type::second(atl::unix_target::dir_kv::create(root));
  if (!htdocs) return failure("--root", htdocs.error().message());
  auto tls = atl::unix_target::dir_kv::create(tls_dir);
  if (!tls) return failure("--tls-dir", tls.error().message());

  const int status = engine.run(app->start(keys, console, stack, *random, *htdocs, *tls));
  app.reset();  // before the devices it was handed
  return status;
}
