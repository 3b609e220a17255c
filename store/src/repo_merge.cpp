// repo's diff and three-way tree merge.
//
// Both walk trees side by side, by entry name, descending only where the
// subtrees' ids differ, so unchanged parts of a large tree cost nothing.
#include "tree_entries.hpp"
#include <atoll/store/repo.hpp>

#include <algorithm>
#include <map>

namespace atl::store {
namespace {

using detail::entry;
using detail::read_tree_entries;
using detail::write_tree_entries;

// Up to three trees' entries, by name: the union of names, in byte order.
struct row {
  std::optional<entry> side[3];
};

std::map<std::string, row> by_name(std::vector<entry>* trees[], std::size_t count) {
  std::map<std::string, row> rows;
  for (std::size_t i = 0; i < count; ++i) {
    for (auto& e : *trees[i]) rows[e.name].side[i] = e;
  }
  return rows;
}

task<result<std::vector<entry>>> entries_of(any_backend& b, const std::optional<entry>& e) {
  if (!e || !e->is_dir()) co_return std::vector<entry>();
  co_return co_await read_tree_entries(b, e->id);
}

result<kv_key> child(const kv_key& parent, std::string_view name) {
  auto k = parent.child(name);
  if (!k) return error(errc::corrupt, "a tree entry is not a valid key segment");
  return k;
}

// Every value beneath `e` (a blob or a tree) as added or removed.
task<result<void>> all_values(any_backend& b, const kv_key& path, const entry& e, change_kind kind,
                              std::vector<change>& out) {
  if (!e.is_dir()) {
    change c{path, kind, std::nullopt, std::nullopt};
    (kind == change_kind::added ? c.after : c.before) = e.id;
    out.push_back(std::move(c));
    co_return ok();
  }
  ATOLL_CO_TRY(auto entries, co_await read_tree_entries(b, e.id));
  for (const auto& sub : entries) {
    ATOLL_CO_TRY(auto key, child(path, sub.name));
    ATOLL_CO_TRYV(co_await all_values(b, key, sub, kind, out));
  }
  co_return ok();
}

task<result<void>> diff_trees(any_backend& b, const kv_key& path, object_id before, object_id after,
                              std::vector<change>& out) {
  if (before == after) co_return ok();
  ATOLL_CO_TRY(auto old_entries, co_await read_tree_entries(b, before));
  ATOLL_CO_TRY(auto new_entries, co_await read_tree_entries(b, after));
  std::vector<entry>* trees[] = {&old_entries, &new_entries};
  for (auto& [name, r] : by_name(trees, 2)) {
    const auto& o = r.side[0];
    const auto& n = r.side[1];
    if (o == n) continue;
    ATOLL_CO_TRY(auto key, child(path, name));
    if (o && n && o->is_dir() && n->is_dir()) {
      ATOLL_CO_TRYV(co_await diff_trees(b, key, o->id, n->id, out));
    } else if (o && n && !o->is_dir() && !n->is_dir()) {
      out.push_back(change{key, change_kind::modified, o->id, n->id});
    } else {
      if (o) ATOLL_CO_TRYV(co_await all_values(b, key, *o, change_kind::removed, out));
      if (n) ATOLL_CO_TRYV(co_await all_values(b, key, *n, change_kind::added, out));
    }
  }
  co_return ok();
}

struct merger {
  any_backend& b;
  blob_merge merge;
  std::vector<conflict>& conflicts;

  bool full() const { return conflicts.size() >= repo::max_conflicts; }

  task<result<std::optional<std::vector<std::byte>>>> blob_of(const std::optional<entry>& e) {
    if (!e || e->is_dir()) co_return std::optional<std::vector<std::byte>>();
    ATOLL_CO_TRY(auto raw, co_await b.read(e->id));
    if (raw.kind != object_kind::blob) {
      co_return error(errc::corrupt, "object ", e->id.hex().view(), " is not a blob");
    }
    co_return std::optional<std::vector<std::byte>>(std::move(raw.payload));
  }

  // The merged entry for one name (nullopt: none), or a conflict recorded.
  task<result<std::optional<entry>>> merge_entry(const kv_key& key, const std::string& name,
                                                 const std::optional<entry>& base,
                                                 const std::optional<entry>& ours,
                                                 const std::optional<entry>& theirs) {
    if (ours == theirs) co_return ours;
    if (base == ours) co_return theirs;
    if (base == theirs) co_return ours;
    const bool any_dir = (ours && ours->is_dir()) || (theirs && theirs->is_dir());
    const bool any_value = (ours && !ours->is_dir()) || (theirs && !theirs->is_dir());
    if (any_dir && any_value) {
      conflicts.push_back(
          conflict{key, error(errc::conflict, "a value on one side, a dictionary on the other")});
      co_return std::optional<entry>();
    }
    if (any_dir) {
      // Both sides changed the directory (one may have removed it): merge
      // beneath it, with an absent side as an empty directory, so each value
      // gets its own verdict.
      ATOLL_CO_TRY(auto sub, co_await merge_dirs(key, base, ours, theirs));
      if (!sub) co_return std::optional<entry>();
      co_return std::optional<entry>(entry{name, detail::mode_dir, *sub});
    }
    // Values: the contents' merge function decides.
    ATOLL_CO_TRY(auto old_bytes, co_await blob_of(base));
    ATOLL_CO_TRY(auto our_bytes, co_await blob_of(ours));
    ATOLL_CO_TRY(auto their_bytes, co_await blob_of(theirs));
    auto merged = merge(old_bytes, our_bytes, their_bytes);
    if (!merged) {
      if (merged.error().code() != errc::conflict) co_return merged.error();
      conflicts.push_back(conflict{key, merged.error()});
      co_return std::optional<entry>();
    }
    if (!*merged) co_return std::optional<entry>();
    ATOLL_CO_TRY(auto id, co_await b.write(object_kind::blob, **merged));
    // Keep a mode both sides agree on (the executable bit), else a plain file.
    const std::uint32_t mode =
        ours && theirs && ours->mode == theirs->mode ? ours->mode : detail::mode_file;
    co_return std::optional<entry>(entry{name, mode, id});
  }

  // The merged subtree's id (nullopt: empty).
  task<result<std::optional<object_id>>> merge_dirs(const kv_key& path,
                                                    const std::optional<entry>& base,
                                                    const std::optional<entry>& ours,
                                                    const std::optional<entry>& theirs) {
    ATOLL_CO_TRY(auto base_entries, co_await entries_of(b, base));
    ATOLL_CO_TRY(auto our_entries, co_await entries_of(b, ours));
    ATOLL_CO_TRY(auto their_entries, co_await entries_of(b, theirs));
    std::vector<entry>* trees[] = {&base_entries, &our_entries, &their_entries};
    std::vector<entry> merged;
    for (auto& [name, r] : by_name(trees, 3)) {
      if (full()) break;
      ATOLL_CO_TRY(auto key, child(path, name));
      ATOLL_CO_TRY(auto e, co_await merge_entry(key, name, r.side[0], r.side[1], r.side[2]));
      if (e) merged.push_back(std::move(*e));
    }
    if (merged.empty()) co_return std::optional<object_id>();
    ATOLL_CO_TRY(auto id, co_await write_tree_entries(b, std::move(merged)));
    co_return std::optional<object_id>(id);
  }
};

std::optional<entry> root_entry(object_id id) { return entry{"", detail::mode_dir, id}; }

}  // namespace

task<result<std::vector<change>>> repo::diff(object_id before, object_id after) {
  std::vector<change> out;
  ATOLL_CO_TRYV(co_await diff_trees(backend_, kv_key(), before, after, out));
  co_return out;
}

task<result<merge_result>> repo::merge_trees(object_id base, object_id ours, object_id theirs,
                                             blob_merge merge) {
  merge_result out;
  merger m{backend_, merge, out.conflicts};
  ATOLL_CO_TRY(auto tree, co_await m.merge_dirs(kv_key(), root_entry(base), root_entry(ours),
                                                root_entry(theirs)));
  if (!out.conflicts.empty()) co_return out;
  if (tree) {
    out.tree = *tree;
  } else {
    ATOLL_CO_TRY(auto empty, co_await backend_.write(object_kind::tree, {}));
    out.tree = empty;
  }
  co_return out;
}

}  // namespace atl::store
