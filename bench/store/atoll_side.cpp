// bench/store's atoll sides: branch::set on the memory and block backends,
// reads at the head, and opening a large block store.
#include "sides.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/store/block_backend.hpp>
#include <atoll/store/branch.hpp>
#include <atoll/store/memory_backend.hpp>
#include <atoll/unix/block_file.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/git_backend.hpp>

#include <chrono>
#include <cstdio>

namespace bench_store {
namespace {

using namespace atl;
using namespace atl::store;
using clock_type = std::chrono::steady_clock;

commit_info info_at(int i) {
  commit_info info;
  info.name = "bench";
  info.email = "bench@localhost";
  info.time = wall_time(wall_time::duration(std::int64_t{1'700'000'000 + i} * 1'000'000'000));
  info.message = "bench\n";
  return info;
}

task<result<long>> commit_loop(branch& b, any_backend& backend, int commits, int flush_every) {
  const kv_key file = kv_key::parse("file").value();
  long done = 0;
  for (int i = 0; i < commits; ++i) {
    const std::string value = "value " + std::to_string(i) + "\n";
    ATOLL_CO_TRY(auto id, co_await b.set(file, std::as_bytes(std::span(value.data(), value.size())),
                                         info_at(i)));
    (void)id;
    if (flush_every > 0 && (i + 1) % flush_every == 0) ATOLL_CO_TRYV(co_await backend.flush());
    ++done;
  }
  ATOLL_CO_TRYV(co_await backend.flush());
  co_return done;
}

task<result<long>> read_loop(branch& b, int reads) {
  const kv_key file = kv_key::parse("file").value();
  long done = 0;
  for (int i = 0; i < reads; ++i) {
    ATOLL_CO_TRY(auto bytes, co_await b.get(file));
    if (bytes.empty()) co_return error(errc::corrupt, "empty file");
    ++done;
  }
  co_return done;
}

struct host {
  unix_target::epoll_platform platform = unix_target::epoll_platform::create().value();
  engine e{platform};
};

side_result report(result<long> r, clock_type::time_point start, const char* what) {
  side_result out;
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  if (!r) {
    std::fprintf(stderr, "atoll %s: %.*s\n", what, static_cast<int>(r.error().message().size()),
                 r.error().message().data());
    return out;
  }
  out.done = *r;
  return out;
}

task<result<long>> block_commits(engine& e, any_block& dev, int commits, int flush_every) {
  ATOLL_CO_TRY(auto b, co_await block_backend::create(e, dev, hash_format::sha1));
  backend_ref<block_backend> r(*b);
  repo rp(r);
  ATOLL_CO_TRY(auto main, branch::open(rp, "main"));
  co_return co_await commit_loop(main, r, commits, flush_every);
}

task<result<long>> block_reads(engine& e, any_block& dev, int reads) {
  ATOLL_CO_TRY(auto b, co_await block_backend::open(e, dev));
  backend_ref<block_backend> r(*b);
  repo rp(r);
  ATOLL_CO_TRY(auto main, branch::open(rp, "main"));
  co_return co_await read_loop(main, reads);
}

task<result<long>> git_commits(unix_target::worker& w, std::string dir, int commits) {
  ATOLL_CO_TRY(auto g, co_await unix_target::git_backend::open(w, dir, {.create = true}));
  backend_ref<unix_target::git_backend> r(*g);
  repo rp(r);
  ATOLL_CO_TRY(auto main, branch::open(rp, "main"));
  co_return co_await commit_loop(main, r, commits, 0);
}

}  // namespace

side_result atoll_git_commits(const std::string& dir, int commits) {
  host h;
  auto w = unix_target::worker::create(h.e, h.platform).value();
  const auto start = clock_type::now();
  return report(h.e.run(git_commits(*w, dir, commits)), start, "git backend commits");
}

side_result atoll_memory_commits(int commits) {
  host h;
  memory_backend m(hash_format::sha1);
  backend_ref<memory_backend> r(m);
  repo rp(r);
  branch main = branch::open(rp, "main").value();
  const auto start = clock_type::now();
  return report(h.e.run(commit_loop(main, r, commits, 0)), start, "memory commits");
}

side_result atoll_block_commits(const std::string& path, int commits, int flush_every) {
  host h;
  // 512 MiB, sparse: room for the biggest run in one half.
  auto file =
      unix_target::file_block::create(path, {.sector_size = 4096, .create_sectors = 131072});
  if (!file) return {};
  block_ref<unix_target::file_block> dev(*file);
  const auto start = clock_type::now();
  return report(h.e.run(block_commits(h.e, dev, commits, flush_every)), start, "block commits");
}

side_result atoll_block_reads(const std::string& path, int reads) {
  host h;
  auto file = unix_target::file_block::create(path, {.sector_size = 4096});
  if (!file) return {};
  block_ref<unix_target::file_block> dev(*file);
  const auto start = clock_type::now();
  return report(h.e.run(block_reads(h.e, dev, reads)), start, "block reads");
}

side_result atoll_block_open(const std::string& path) { return atoll_block_reads(path, 1); }

side_result git_cli_commits(const std::string& dir, int commits, bool fsync) {
  side_result out;
  const std::string init =
      "git init -q " + dir + " && cd " + dir +
      " && git config user.name bench && git config user.email bench@localhost" +
      (fsync ? " && git config core.fsync all && git config core.fsyncMethod fsync"
             : " && git config core.fsync none");
  if (std::system(init.c_str()) != 0) return out;
  const std::string loop =
      "cd " + dir + " && for i in $(seq 1 " + std::to_string(commits) +
      "); do echo \"value $i\" > file && git add file && git commit -q -m bench || exit 1; done";
  const auto start = clock_type::now();
  const int rc = std::system(loop.c_str());
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  if (rc == 0) out.done = commits;
  return out;
}

}  // namespace bench_store
