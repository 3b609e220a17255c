// bench/store's sides: each makes or reads commits and reports how many it
// did and how long it took (bench/store/main.cpp prints the ratios).
#pragma once

#include <string>

namespace bench_store {

struct side_result {
  long done = 0;       ///< operations completed
  double seconds = 0;  ///< wall time they took

  [[nodiscard]] double rate() const {
    return seconds > 0 ? static_cast<double>(done) / seconds : 0;
  }
};

/// libgit2 directly: `commits` one-file commits on refs/heads/main of a new
/// bare repository at `dir`; with `fsync`, GIT_OPT_ENABLE_FSYNC_GITDIR on.
side_result libgit2_commits(const std::string& dir, int commits, bool fsync);
/// libgit2 directly: reads of refs/heads/main:file.
side_result libgit2_reads(const std::string& dir, int reads);
/// libgit2 directly: open the repository and read the file at the head once.
side_result libgit2_open(const std::string& dir);

}  // namespace bench_store

namespace bench_store {

/// atoll: `commits` one-file commits through branch::set on the memory
/// backend, or on the block backend over a file (`path`), flushing every
/// `flush_every` commits (1: every commit is durable before the next).
side_result atoll_memory_commits(int commits);
side_result atoll_block_commits(const std::string& path, int commits, int flush_every);
/// atoll: reads of the file at the head of the store at `path` (block).
side_result atoll_block_reads(const std::string& path, int reads);
/// atoll: open the block store at `path` and read the file at its head.
side_result atoll_block_open(const std::string& path);
/// atoll: the same commits through branch::set on the libgit2 backend (each
/// call on the worker thread; loose objects and refs fsynced by libgit2).
side_result atoll_git_commits(const std::string& dir, int commits);
/// git: `commits` runs of `git commit` in a loop (the CLI as people use it);
/// with `fsync`, core.fsync=all.
side_result git_cli_commits(const std::string& dir, int commits, bool fsync);

}  // namespace bench_store
