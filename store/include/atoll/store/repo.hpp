// repo: the store's model over one backend: trees by path, commits,
// history, diff and three-way merge (Irmin's Store, on Git's objects).
//
// Everything here is immutable and named by id: updating a path in a tree
// writes the new blob and the trees above it and returns the new root; a
// commit names a root tree and its parents. Only branches move, and they
// move by test-and-set (branch.hpp). Paths are kv_keys ("a/b/c"), so a
// request path can never name anything outside the tree; a segment that git
// refuses (".git") is refused when the tree is written.
//
// Every read is checked: an object that fails its hash, a tree or commit
// that does not parse, or an object of the wrong kind where a tree was
// expected, is errc::corrupt naming the id. Walks are bounded
// (history_limit, the kv_key depth), so a hostile history cannot make the
// store loop or grow without limit.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/store/any_backend.hpp>
#include <atoll/store/contents.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atl::store {

/// commit_info: who made a commit, when, and why (author and committer
/// alike). The time is the WallClock's, read by the caller.
struct commit_info {
  std::string name = "atoll";
  std::string email = "atoll@localhost";
  wall_time time{};
  std::int32_t tz_minutes = 0;  ///< offset from UTC, as git records it
  std::string message;
};

/// commit_data: a commit as the model sees it.
struct commit_data {
  object_id tree;
  std::vector<object_id> parents;
  commit_info info;
};

enum class change_kind : std::uint8_t { added, removed, modified };

/// change: how one path differs between two trees (blob ids; a path that is
/// a value in one tree and a dictionary in the other shows as removed and
/// the values beneath it as added, or the reverse).
struct change {
  kv_key path;
  change_kind kind = change_kind::modified;
  std::optional<object_id> before;
  std::optional<object_id> after;
  friend bool operator==(const change&, const change&) = default;
};

/// conflict: a path whose two edits could not be merged, and why.
struct conflict {
  kv_key path;
  atl::error why;
};

/// blob_merge: the bytes-level merge of one path (see merge_function_of).
/// Absent means the path holds nothing on that side.
using blob_merge = result<std::optional<std::vector<std::byte>>> (*)(
    const std::optional<std::vector<std::byte>>& old,
    const std::optional<std::vector<std::byte>>& ours,
    const std::optional<std::vector<std::byte>>& theirs);

/// merge_function_of<C>(): C's merge over encoded bytes: decode (corrupt
/// bytes are an error, not a conflict), merge_contents<C>, encode.
template <contents C>
blob_merge merge_function_of() noexcept {
  return [](const std::optional<std::vector<std::byte>>& old,
            const std::optional<std::vector<std::byte>>& ours,
            const std::optional<std::vector<std::byte>>& theirs)
             -> result<std::optional<std::vector<std::byte>>> {
    using value = typename C::value_type;
    std::optional<value> decoded[3];
    const std::optional<std::vector<std::byte>>* sides[3] = {&old, &ours, &theirs};
    for (int i = 0; i < 3; ++i) {
      if (!*sides[i]) continue;
      auto v = C::decode(**sides[i]);
      if (!v) return v.error();
      decoded[i] = std::move(*v);
    }
    auto merged = merge_contents<C>(decoded[0], decoded[1], decoded[2]);
    if (!merged) return merged.error();
    if (!*merged) return std::optional<std::vector<std::byte>>();
    return std::optional<std::vector<std::byte>>(C::encode(**merged));
  };
}

/// merge_result: a merged tree, or the conflicts that stopped it (all of
/// them, in path order, up to max_conflicts).
struct merge_result {
  std::optional<object_id> tree;
  std::vector<conflict> conflicts;
};

class watch;

class repo {
public:
  static constexpr std::size_t history_limit = 1'000'000;  ///< commits one walk visits at most
  static constexpr std::size_t max_conflicts = 1024;

  /// repo(b): the model over backend `b`, which must outlive it.
  explicit repo(any_backend& b) noexcept : backend_(b) {}
  repo(const repo&) = delete;
  repo& operator=(const repo&) = delete;
  /// Every watch must be gone first (checked).
  ~repo();

  [[nodiscard]] any_backend& backend() noexcept { return backend_; }
  [[nodiscard]] hash_format format() const noexcept { return backend_.format(); }

  // Blobs.
  task<result<object_id>> write_blob(std::span<const std::byte> bytes);
  task<result<std::vector<std::byte>>> read_blob(object_id id);

  // Trees. A tree is named by its id; `empty_tree()` is the tree with nothing.
  [[nodiscard]] object_id empty_tree() const noexcept;
  /// find(tree, path): what is at `path`: a blob's id (kv_kind::value), a
  /// tree's id (kv_kind::dictionary), or nothing.
  struct found {
    object_id id;
    kv_kind kind = kv_kind::value;
  };
  task<result<std::optional<found>>> find(object_id tree, kv_key path);
  /// update(tree, path, blob): the root of a tree like `tree` with `blob` at
  /// `path` (nullopt: nothing there, and dictionaries left empty go). Values
  /// in the way of a new path are errc::invalid_argument (a key above a value,
  /// as kv's set). The root of an empty result is empty_tree().
  task<result<object_id>> update(object_id tree, kv_key path, std::optional<object_id> blob);
  /// list(tree, path): the entries of the dictionary at `path`, sorted by
  /// name (kv_ro's list: not_found, invalid_argument for a value,
  /// limit_exceeded past kv_max_list).
  task<result<std::vector<kv_entry>>> list(object_id tree, kv_key path);

  // Commits and history.
  task<result<object_id>> write_commit(const commit_data& c);
  task<result<commit_data>> read_commit(object_id id);
  /// log(head, limit): head and its ancestors, newest first by committer
  /// time (ties by id), each once, at most `limit`.
  task<result<std::vector<object_id>>> log(object_id head, std::size_t limit);
  /// is_ancestor(a, b): a is b or one of b's ancestors.
  task<result<bool>> is_ancestor(object_id a, object_id b);
  /// merge_bases(a, b): the lowest common ancestors of a and b (none when
  /// the histories are unrelated; several in criss-cross histories).
  task<result<std::vector<object_id>>> merge_bases(object_id a, object_id b);

  // Diff and merge.
  /// diff(before, after): every value path that differs, in path order.
  task<result<std::vector<change>>> diff(object_id before, object_id after);
  /// merge_trees(base, ours, theirs, merge): the three-way merge of trees,
  /// path by path: what only one side changed is taken, what both changed
  /// alike is kept, and what both changed differently goes to `merge`.
  task<result<merge_result>> merge_trees(object_id base, object_id ours, object_id theirs,
                                         blob_merge merge);

  /// notify(ref, from, to): tells the watches of `ref` that it moved.
  /// branch calls it after each successful move; a caller that moves refs
  /// on the backend directly calls it too, or watches miss the move.
  void notify(std::string_view ref, std::optional<object_id> from, object_id to) noexcept;

  /// The most watches one repo keeps at once (watch::create fails past it).
  static constexpr std::size_t max_watches = 256;

private:
  friend class watch;

  any_backend& backend_;
  std::vector<watch*> watches_;
};

}  // namespace atl::store
