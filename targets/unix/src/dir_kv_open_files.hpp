// dir_kv::open_files: descriptors of values dir_kv found, kept open and
// used again while the directories on their path are unchanged.
//
// Which file a key names can change only when a directory on its path
// changes: creating, removing or renaming a name updates that directory's
// mtime and ctime (POSIX). So a value found by a plain walk (no symlink, no
// mount crossed: RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, beneath the root)
// is kept with the version of every directory on its path. A later question
// about the key checks those versions, one statx per directory (the root's
// through its descriptor, the others by a path that, the directories above
// being unchanged, walks the same directories), and when all are unchanged
// answers from the kept descriptor: no lookup of the file, no open. The
// file's own version comes from the descriptor (statx), so a file rewritten
// in place is seen at once. A key that names nothing in unchanged
// directories is kept as missing (the .gz variant a site asks about at each
// request).
//
// A directory changed less than the racy window ago is not trusted, as two
// changes within one timestamp tick would look like one (git's rule for its
// index). Keys through symlinks or mount points, deeper than max_depth, or
// naming dictionaries are not kept: dir_kv resolves them each time.
//
// Nginx keeps descriptors the same way (open_file_cache) but trusts them for
// a fixed time; this cache is exact. It holds at most `capacity`
// descriptors, replaced round-robin.
#pragma once

#include <atoll/devices/kv_key.hpp>
#include <atoll/unix/kv_dir.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace atl::unix_target {

class dir_kv::open_files {
public:
  /// The deepest key kept: a/b/c/d/e/f/g/h (eight directories below the root).
  static constexpr std::size_t max_depth = 8;

  open_files(std::size_t capacity, std::int64_t racy_ns) noexcept;
  open_files(const open_files&) = delete;
  open_files& operator=(const open_files&) = delete;
  ~open_files();

  /// A kept answer: a value (its descriptor, owned by the cache, and its
  /// version now) or nothing at the key (fd -1).
  struct found {
    int fd = -1;
    file_version version;
  };

  /// find(root, key): the kept answer for `key` when every directory on its
  /// path is unchanged, else nullopt (and the entry is dropped).
  [[nodiscard]] std::optional<found> find(int root, const kv_key& key) noexcept;

  /// add(root, key): resolves `key` by a plain walk and keeps the answer.
  /// nullopt when it cannot be kept (a symlink or mount on the way, a
  /// dictionary or special file, a directory changed just now, an error):
  /// the caller then resolves the key its usual way.
  [[nodiscard]] std::optional<found> add(int root, const kv_key& key) noexcept;

  /// resolve(root, key): find(), else add().
  [[nodiscard]] std::optional<found> resolve(int root, const kv_key& key) noexcept {
    auto kept = find(root, key);
    return kept ? kept : add(root, key);
  }

  /// hits: questions answered from kept descriptors.
  [[nodiscard]] std::uint64_t hits() const noexcept { return hits_; }

private:
  struct entry {
    std::string key;  // empty: a free slot
    std::uint64_t hash = 0;
    int fd = -1;  // -1: nothing at the key
    std::size_t depth = 0;
    std::array<file_version, max_depth + 1> dirs{};  // the root, then each directory below
  };

  /// directories(root, key, out): the version of each directory on the
  /// key's path, or false when one cannot be read or is not a directory.
  bool directories(int root, const kv_key& key, std::size_t depth,
                   std::array<file_version, max_depth + 1>& out) const noexcept;
  void drop(entry& e) noexcept;
  std::span<entry> slots() noexcept { return {entries_.get(), capacity_}; }

  std::unique_ptr<entry[]> entries_;
  std::size_t capacity_;
  std::size_t next_ = 0;
  std::int64_t racy_ns_;
  std::uint64_t hits_ = 0;
};

}  // namespace atl::unix_target
