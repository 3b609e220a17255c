// tree_entries: the model's view of a tree object, private to store/src.
//
// The model only needs a tree's entries, each a value (a blob, with git's
// file mode) or a dictionary (a subtree), in git's order. This bridge keeps
// the model's walks independent of tree.hpp's builder API.
#pragma once

#include <atoll/core/task.hpp>
#include <atoll/store/any_backend.hpp>
#include <atoll/store/object_id.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace atl::store::detail {

inline constexpr std::uint32_t mode_file = 0100644;
inline constexpr std::uint32_t mode_executable = 0100755;
inline constexpr std::uint32_t mode_symlink = 0120000;
inline constexpr std::uint32_t mode_dir = 040000;
inline constexpr std::uint32_t mode_gitlink = 0160000;

struct entry {
  std::string name;
  std::uint32_t mode = mode_file;
  object_id id;

  [[nodiscard]] bool is_dir() const noexcept { return mode == mode_dir; }
  friend bool operator==(const entry&, const entry&) = default;
};

/// decode(format, payload): the entries of a tree object, or corrupt.
result<std::vector<entry>> decode_tree(hash_format format, std::span<const std::byte> payload);
/// encode(entries): the tree object's payload; entries in any order.
/// invalid_argument for a name git refuses.
result<std::vector<std::byte>> encode_tree(std::vector<entry> entries);

/// read_tree_entries(b, id): tree `id`'s entries (the empty tree needs no
/// object); another kind of object there, or a tree that does not decode,
/// is corrupt.
task<result<std::vector<entry>>> read_tree_entries(any_backend& b, object_id id);
/// write_tree_entries(b, entries): writes the tree, returns its id.
task<result<object_id>> write_tree_entries(any_backend& b, std::vector<entry> entries);

}  // namespace atl::store::detail

namespace atl::store {
struct commit_data;
}  // namespace atl::store

namespace atl::store::detail {

/// encode_commit / decode_commit: a commit object's payload and back, for
/// the model (author and committer are both commit_info's).
result<std::vector<std::byte>> encode_commit(const commit_data& c);
result<commit_data> decode_commit(hash_format format, std::span<const std::byte> payload);

}  // namespace atl::store::detail
