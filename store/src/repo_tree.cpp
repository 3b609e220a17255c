// repo's blobs and trees: find, update and list by path.
//
// Trees are immutable: update() rewrites the trees on the path from the
// changed entry to the root and returns the new root; everything else is
// shared with the old tree, as in git.
#include "tree_entries.hpp"
#include <atoll/store/repo.hpp>

#include <algorithm>

namespace atl::store {
namespace {

using detail::entry;
using detail::read_tree_entries;
using detail::write_tree_entries;

std::vector<std::string_view> segments(const kv_key& key) {
  std::vector<std::string_view> out;
  std::string_view rest = key.text();
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    out.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::vector<entry>::iterator find_name(std::vector<entry>& entries, std::string_view name) {
  return std::find_if(entries.begin(), entries.end(),
                      [&](const entry& e) { return e.name == name; });
}

}  // namespace

namespace detail {

task<result<std::vector<entry>>> read_tree_entries(any_backend& b, object_id id) {
  if (id == hash_object(b.format(), object_kind::tree, {})) co_return std::vector<entry>();
  ATOLL_CO_TRY(auto raw, co_await b.read(id));
  if (raw.kind != object_kind::tree) {
    co_return error(errc::corrupt, "object ", id.hex().view(), " is a ", to_string(raw.kind),
                    ", not a tree");
  }
  auto entries = detail::decode_tree(b.format(), raw.payload);
  if (!entries)
    co_return error(errc::corrupt, "tree ", id.hex().view(), ": ", entries.error().message());
  co_return std::move(*entries);
}

task<result<object_id>> write_tree_entries(any_backend& b, std::vector<detail::entry> entries) {
  ATOLL_CO_TRY(auto payload, detail::encode_tree(std::move(entries)));
  co_return co_await b.write(object_kind::tree, payload);
}

}  // namespace detail

task<result<object_id>> repo::write_blob(std::span<const std::byte> bytes) {
  return backend_.write(object_kind::blob, bytes);
}

task<result<std::vector<std::byte>>> repo::read_blob(object_id id) {
  ATOLL_CO_TRY(auto raw, co_await backend_.read(id));
  if (raw.kind != object_kind::blob) {
    co_return error(errc::corrupt, "object ", id.hex().view(), " is a ", to_string(raw.kind),
                    ", not a blob");
  }
  co_return std::move(raw.payload);
}

object_id repo::empty_tree() const noexcept { return hash_object(format(), object_kind::tree, {}); }

task<result<std::optional<repo::found>>> repo::find(object_id tree, kv_key path) {
  found at{tree, kv_kind::dictionary};
  for (std::string_view name : segments(path)) {
    if (at.kind != kv_kind::dictionary) co_return std::optional<found>();
    ATOLL_CO_TRY(auto entries, co_await read_tree_entries(backend_, at.id));
    auto it = find_name(entries, name);
    if (it == entries.end()) co_return std::optional<found>();
    at = found{it->id, it->is_dir() ? kv_kind::dictionary : kv_kind::value};
  }
  co_return std::optional<found>(at);
}

namespace {

// The new id of the subtree `tree` (absent: none yet) with `blob` at
// names[depth..], or nullopt when the subtree ends up empty.
task<result<std::optional<object_id>>> update_at(any_backend& b, std::optional<object_id> tree,
                                                 const std::vector<std::string_view>& names,
                                                 std::size_t depth, std::optional<object_id> blob) {
  std::vector<entry> entries;
  if (tree) {
    ATOLL_CO_TRY(auto read, co_await read_tree_entries(b, *tree));
    entries = std::move(read);
  }
  const std::string_view name = names[depth];
  auto it = find_name(entries, name);
  const bool last = depth + 1 == names.size();
  if (last) {
    if (blob) {
      if (it != entries.end() && it->is_dir()) {
        co_return error(errc::invalid_argument, "a dictionary is at the key");
      }
      if (it != entries.end()) {
        if (it->id == *blob) co_return tree;  // unchanged
        it->id = *blob;
      } else {
        entries.push_back(entry{std::string(name), detail::mode_file, *blob});
      }
    } else {
      if (it == entries.end()) co_return tree;  // nothing to remove
      entries.erase(it);
    }
  } else {
    std::optional<object_id> sub;
    if (it != entries.end()) {
      if (!it->is_dir()) {
        if (!blob) co_return tree;  // nothing beneath a value
        co_return error(errc::invalid_argument, "a value is above the key");
      }
      sub = it->id;
    }
    ATOLL_CO_TRY(auto updated, co_await update_at(b, sub, names, depth + 1, blob));
    if (updated == sub) co_return tree;
    if (!updated) {
      entries.erase(it);
    } else if (it != entries.end()) {
      it->id = *updated;
    } else {
      entries.push_back(entry{std::string(name), detail::mode_dir, *updated});
    }
  }
  if (entries.empty()) co_return std::optional<object_id>();
  ATOLL_CO_TRY(auto id, co_await write_tree_entries(b, std::move(entries)));
  co_return std::optional<object_id>(id);
}

}  // namespace

task<result<object_id>> repo::update(object_id tree, kv_key path, std::optional<object_id> blob) {
  if (path.is_root()) co_return error(errc::invalid_argument, "the root is a dictionary");
  const auto names = segments(path);
  const std::optional<object_id> root =
      tree == empty_tree() ? std::optional<object_id>() : std::optional<object_id>(tree);
  ATOLL_CO_TRY(auto updated, co_await update_at(backend_, root, names, 0, blob));
  if (updated) co_return *updated;
  // Everything went: the empty tree, stored so a commit can name it.
  co_return co_await backend_.write(object_kind::tree, {});
}

task<result<std::vector<kv_entry>>> repo::list(object_id tree, kv_key path) {
  ATOLL_CO_TRY(auto at, co_await find(tree, path));
  if (!at) co_return error(errc::not_found, "nothing at the key");
  if (at->kind != kv_kind::dictionary)
    co_return error(errc::invalid_argument, "a value is at the key");
  ATOLL_CO_TRY(auto entries, co_await read_tree_entries(backend_, at->id));
  if (entries.size() > kv_max_list)
    co_return error(errc::limit_exceeded, "dictionary too large to list");
  std::vector<kv_entry> out;
  out.reserve(entries.size());
  for (auto& e : entries) {
    out.push_back(kv_entry{std::move(e.name), e.is_dir() ? kv_kind::dictionary : kv_kind::value});
  }
  // Git orders a directory as if its name ended in '/'; kv_ro lists by bytes.
  std::sort(out.begin(), out.end(),
            [](const kv_entry& a, const kv_entry& b) { return a.name < b.name; });
  co_return out;
}

}  // namespace atl::store
