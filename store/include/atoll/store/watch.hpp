// watch: wakes a task when a branch moves, with what changed (Irmin's
// watches), optionally only for paths beneath a prefix.
//
//   auto w = watch::create(repo, engine, "refs/heads/main", kv_key::parse("zones").value());
//   for (;;) { auto changes = co_await w->next(); ... }
//
// Moves are coalesced, never queued without bound: when the branch moves
// several times before next() runs, next() reports the diff from the head
// it last reported (or the head at creation) to the newest one, so a slow
// watcher sees every change once, merged. A move that changes nothing under
// the prefix is skipped. A watch belongs to one task at a time (next() is
// not re-entrant) and unregisters when destroyed; it must not outlive its
// repo, nor its engine.
#pragma once

#include <atoll/core/event.hpp>
#include <atoll/store/repo.hpp>

#include <memory>
#include <string>

namespace atl::store {

class watch {
public:
  /// create(r, e, ref, prefix, from): a watch on `ref` for changes under
  /// `prefix` (the root: everything), reporting from commit `from` (nullopt:
  /// the empty history). limit_exceeded past repo::max_watches.
  static result<std::unique_ptr<watch>> create(repo& r, engine& e, std::string ref, kv_key prefix,
                                               std::optional<object_id> from);
  watch(const watch&) = delete;
  watch& operator=(const watch&) = delete;
  ~watch();

  /// next(): waits for the branch to move in a way that changes something
  /// under the prefix; the changes (paths relative to the root), in path
  /// order. The watch then reports from the new head.
  task<result<std::vector<change>>> next();

  /// moves(): how many moves were seen (before coalescing), for tests and
  /// counters.
  [[nodiscard]] std::uint64_t moves() const noexcept { return moves_; }

private:
  friend class repo;
  watch(repo& r, engine& e, std::string ref, kv_key prefix, std::optional<object_id> from) noexcept;
  void moved(object_id to) noexcept;

  repo& repo_;
  event event_;
  std::string ref_;
  kv_key prefix_;
  std::optional<object_id> reported_;  // the head the last report ended at
  std::optional<object_id> latest_;    // the newest head seen
  std::uint64_t moves_ = 0;
};

}  // namespace atl::store
