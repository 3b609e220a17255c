// bench_store: commits per second of one small-file change on each backend,
// against libgit2 making the same commits directly and `git commit` in a
// loop; reads per second of a path at the head; the time to open a store of
// 100,000 commits (docs/performance.md, "store").
//
//   bench_store [--commits N] [--git-commits N] [--open-commits N] [--dir D]
//
// Durability, as each side runs: atoll block with one device flush
// (fdatasync) per 100 commits, and also per commit; atoll's libgit2
// backend with libgit2's fsync on (every object and ref); libgit2 directly
// with fsync off (its default) and on; git commit with core.fsync none and
// all. Other
// arguments (run_benchmarks' --benchmark_* flags) are ignored.
#include "sides.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

long option(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atol(argv[i + 1]);
  }
  return fallback;
}

std::string text_option(int argc, char** argv, const char* name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

void line(const char* what, const bench_store::side_result& r, const char* unit) {
  std::printf("  %-44s %9.0f %s/s  (%ld in %.3f s)\n", what, r.rate(), unit, r.done, r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bench_store;
  const int commits = static_cast<int>(option(argc, argv, "--commits", 20000));
  const int git_commits = static_cast<int>(option(argc, argv, "--git-commits", 300));
  const int open_commits = static_cast<int>(option(argc, argv, "--open-commits", 100000));
  const std::string dir = text_option(argc, argv, "--dir", "/tmp/atoll-bench-store");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  std::printf("store: commits of one small-file change (one run, side by side)\n");
  const auto memory = atoll_memory_commits(commits);
  line("atoll memory backend", memory, "commits");
  const auto block = atoll_block_commits(dir + "/batched.img", commits, 100);
  line("atoll block backend, flush per 100 commits", block, "commits");
  const auto block_each = atoll_block_commits(dir + "/each.img", commits / 10, 1);
  line("atoll block backend, flush per commit", block_each, "commits");
  const auto via_git = atoll_git_commits(dir + "/atoll.git", commits / 20);
  line("atoll libgit2 backend (worker; libgit2 fsyncs)", via_git, "commits");
  const auto lg2 = libgit2_commits(dir + "/libgit2.git", commits / 4, false);
  line("libgit2 directly (no fsync)", lg2, "commits");
  const auto lg2_sync = libgit2_commits(dir + "/libgit2-fsync.git", commits / 20, true);
  line("libgit2 directly (fsync on)", lg2_sync, "commits");
  const auto cli = git_cli_commits(dir + "/cli", git_commits, false);
  line("git commit in a loop (core.fsync none)", cli, "commits");
  const auto cli_sync = git_cli_commits(dir + "/cli-fsync", git_commits, true);
  line("git commit in a loop (core.fsync all)", cli_sync, "commits");
  if (lg2.rate() > 0) {
    std::printf("  ratio block (batched) / libgit2: %.1fx;  block (per commit) / libgit2: %.1fx\n",
                block.rate() / lg2.rate(), block_each.rate() / lg2.rate());
  }
  if (lg2_sync.rate() > 0) {
    std::printf("  ratio block (per commit) / libgit2 (fsync on): %.1fx\n",
                block_each.rate() / lg2_sync.rate());
  }
  if (cli.rate() > 0)
    std::printf("  ratio block (batched) / git commit: %.1fx\n", block.rate() / cli.rate());

  std::printf("store: reads of the file at the head\n");
  line("atoll block backend", atoll_block_reads(dir + "/batched.img", commits), "reads");
  line("libgit2 directly", libgit2_reads(dir + "/libgit2.git", commits), "reads");

  std::printf("store: open a store of %d commits and read the head's file\n", open_commits);
  const auto made = atoll_block_commits(dir + "/open.img", open_commits, 1000);
  std::printf("  (made with the block backend in %.2f s)\n", made.seconds);
  const auto opened = atoll_block_open(dir + "/open.img");
  std::printf("  %-44s %9.3f s\n", "atoll block backend: open", opened.seconds);
  std::filesystem::remove_all(dir);
  return 0;
}
