// branch: a handle on one branch of a repo (refs/heads/<name>), the way an
// application reads and writes the store.
//
// Reads see the branch's head at the time of the read. Every write is a
// commit: it reads the head, builds the new tree, writes the commit, then
// moves the branch with a test-and-set from the head it read. When another
// writer moved the branch first, the write is redone on the new head (at
// most max_retries times, then errc::conflict); writes to different paths
// therefore never lose each other. A write is durable once flush() on the
// repo's backend completes (the backend's contract).
//
// Capabilities are narrowed by handle: branch::read_only() gives a view
// that can only read; branch::subtree(prefix) gives a handle whose paths
// are relative to `prefix` and that cannot see or touch anything outside
// it (both documented at their class).
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/devices/kv.hpp>
#include <atoll/store/repo.hpp>

#include <deque>
#include <memory>
#include <string>

namespace atl::store {

class watch;

/// The full ref name of branch `name` ("main" -> "refs/heads/main"), or
/// invalid_argument when git would refuse it.
result<std::string> branch_ref(std::string_view name);

class branch {
public:
  static constexpr int max_retries = 16;

  /// open(r, name): a handle on branch `name` of `r`, which must outlive
  /// it. The branch need not exist yet: the first write creates it.
  static result<branch> open(repo& r, std::string_view name);

  [[nodiscard]] const std::string& ref() const noexcept { return ref_; }
  [[nodiscard]] repo& owner() noexcept { return *repo_; }

  /// head: the branch's commit, or nullopt when it has none yet.
  task<result<std::optional<object_id>>> head();
  /// tree: the head's root tree (the empty tree for a new branch).
  task<result<object_id>> tree();

  /// get(path): the value's bytes; not_found, or invalid_argument for a
  /// dictionary (kv_ro's rules).
  task<result<std::vector<std::byte>>> get(kv_key path);
  task<result<std::optional<kv_kind>>> exists(kv_key path);
  task<result<std::vector<kv_entry>>> list(kv_key path);

  /// set(path, bytes, info): commits `bytes` at `path`; the new commit's id.
  /// Setting the same bytes again still commits (the history records it).
  task<result<object_id>> set(kv_key path, std::span<const std::byte> bytes, commit_info info);
  /// remove(path, info): commits the removal of `path` and all beneath it;
  /// not_found when nothing is there.
  task<result<object_id>> remove(kv_key path, commit_info info);
  /// apply(ops, info): every operation in one commit, atomically (kv's
  /// batch rules: a failing operation fails the whole, nothing is written
  /// to the branch). limit_exceeded past kv_max_batch operations.
  task<result<object_id>> apply(std::span<const kv_op> ops, commit_info info);

  /// merge_from(other, merge, info): merges commit `other` into this branch:
  /// nothing when it is already in the history, a fast-forward when the
  /// branch is behind it, else a merge commit with both parents made by
  /// merge_trees over the merge bases (several bases are merged first,
  /// recursively, as git's "recursive" strategy). Conflicts come back as
  /// values in `merge_result::conflicts` and leave the branch unchanged.
  /// The outcome's `tree` is the new head's tree; `commit` the new head.
  struct outcome {
    std::optional<object_id> commit;
    std::vector<conflict> conflicts;
  };
  task<result<outcome>> merge_from(object_id other, blob_merge merge, commit_info info);

  /// history(limit): the head's log (repo::log); empty for a new branch.
  task<result<std::vector<object_id>>> history(std::size_t limit);

private:
  branch(repo& r, std::string ref) noexcept : repo_(&r), ref_(std::move(ref)) {}
  // Moves the branch from `from` to `to` (test-and-set), then tells the
  // repo's watches.
  task<result<void>> move(std::optional<object_id> from, object_id to);

  repo* repo_;
  std::string ref_;
};

}  // namespace atl::store
