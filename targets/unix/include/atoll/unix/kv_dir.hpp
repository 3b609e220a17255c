// unix_target::dir_kv: a read-only key-value device over a host directory.
//
// The directory is opened once, by create(); every key is then resolved
// beneath that descriptor with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
// so nothing outside the directory can be reached: ".." never gets past
// kv_key, and a symlink that leads out (relative or absolute) or through
// /proc's magic links is refused by the kernel, while symlinks that stay
// inside work. Needs Linux 5.6 or later (openat2).
//
// Beyond the kv_ro contract (kv_ro.hpp):
//   - Regular files are values and directories are dictionaries; other files
//     (FIFOs, sockets, devices) are invisible: not_found, and left out of
//     list().
//   - A key whose resolution leaves the directory is errc::permission_denied;
//     list() leaves such symlinks out.
//   - last_modified is the file's mtime (statx). The digest is computed from
//     the file's bytes and kept in a bounded cache (digest_cache_entries)
//     under the file's identity and version: device, inode, size, mtime and
//     ctime. A write changes ctime, which no one can set back, so a changed
//     file is hashed again; a file changed in the last two seconds is not
//     cached at all, as a second write in the same timestamp tick would not
//     show (git's "racy" rule).
//   - info() (kv_ro_info) answers what exists, size, last_modified and
//     digest would, from one resolution of the key: the static-file server
//     asks it once per request.
//   - Values read or described are kept open (options.kept_files) while
//     every directory on their path is unchanged, as the directory's mtime
//     and ctime tell: a value asked about again costs one statx per
//     directory and one on the file, no lookup and no open. A key through a
//     symlink or a mount point is resolved each time.
//   - Values larger than options.max_value_size are errc::limit_exceeded for
//     get() (get_partial() of a smaller range works); digest() streams.
//   - I/O is synchronous: the event loop waits while the host reads.
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

struct statx;  // <linux/stat.h>, in the source only

namespace atl::unix_target {

struct dir_kv_options {
  /// The largest value get() and get_partial() return, in bytes.
  std::uint64_t max_value_size = 64 << 20;
  /// The bufs returned are charged to this budget when given; it must
  /// outlive them.
  memory_budget* budget = nullptr;
  /// A digest is cached only for a file whose ctime is at least this old
  /// (see above); tests set 0.
  std::int64_t digest_racy_window_ns = 2'000'000'000;
  /// Values kept open while the directories on their path are unchanged
  /// (dir_kv_open_files.hpp), so a file served again is neither looked up
  /// nor opened again; they use as many file descriptors. 0: none.
  std::size_t kept_files = 64;
};

class dir_kv {
public:
  /// create(dir, options): opens `dir` (O_PATH). errc::not_found or
  /// errc::permission_denied and so on from the host; errc::invalid_argument
  /// when it is not a directory; errc::unsupported when the kernel has no
  /// openat2.
  static result<dir_kv> create(std::string_view dir, const dir_kv_options& options = {}) noexcept;

  dir_kv(dir_kv&& other) noexcept;
  dir_kv& operator=(dir_kv&& other) noexcept;
  dir_kv(const dir_kv&) = delete;
  dir_kv& operator=(const dir_kv&) = delete;
  ~dir_kv();

  // The kv_ro contract. The device must outlive the tasks.
  task<result<buf>> get(kv_key key) const noexcept;
  task<result<buf>> get_partial(kv_key key, std::uint64_t offset,
                                std::uint64_t length) const noexcept;
  task<result<std::vector<kv_entry>>> list(kv_key key) const noexcept;
  task<result<std::optional<kv_kind>>> exists(kv_key key) const noexcept;
  task<result<std::uint64_t>> size(kv_key key) const noexcept;
  task<result<sha256_digest>> digest(kv_key key) const noexcept;
  task<result<wall_time>> last_modified(kv_key key) const noexcept;
  task<result<std::optional<kv_info>>> info(kv_key key) const noexcept;

  /// The synchronous operations behind the tasks.
  [[nodiscard]] result<buf> read_range(const kv_key& key, std::uint64_t offset,
                                       std::uint64_t length, bool whole) const noexcept;
  [[nodiscard]] result<std::vector<kv_entry>> entries(const kv_key& key) const noexcept;
  [[nodiscard]] result<std::optional<kv_kind>> kind(const kv_key& key) const noexcept;
  [[nodiscard]] result<sha256_digest> hash(const kv_key& key) const noexcept;
  [[nodiscard]] result<std::optional<kv_info>> describe(const kv_key& key) const noexcept;

  /// The digests kept, at most.
  static constexpr std::size_t digest_cache_entries = 256;
  /// hashes: the files hashed so far (digests not found in the cache).
  [[nodiscard]] std::uint64_t hashes() const noexcept { return hashes_; }
  /// kept_hits: questions answered from kept descriptors.
  [[nodiscard]] std::uint64_t kept_hits() const noexcept;

private:
  /// file_version: what identifies one version of a file's bytes.
  struct file_version {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    friend bool operator==(const file_version&, const file_version&) = default;
  };
  struct cached_digest {
    file_version version;
    sha256_digest digest{};
    bool used = false;
  };
  /// digest_cache: a fixed table, replaced round-robin; on the heap so that
  /// moving the device keeps it.
  struct digest_cache {
    std::array<cached_digest, digest_cache_entries> slots{};
    std::size_t next = 0;
  };

  struct entry_info {
    std::optional<kv_kind> kind;  // nullopt: a file of another type
    std::uint64_t size = 0;
    wall_time modified{};
  };
  class open_files;  // dir_kv_open_files.hpp

  dir_kv(int fd, const dir_kv_options& options) noexcept;
  [[nodiscard]] result<entry_info> stat_key(const kv_key& key) const noexcept;
  [[nodiscard]] result<entry_info> stat_value(const kv_key& key) const noexcept;
  /// open_value(key, version, owned): a descriptor of the value, its
  /// version; `owned` says whether the caller must close it (a kept one
  /// belongs to open_).
  [[nodiscard]] result<int> open_value(const kv_key& key, file_version& version,
                                       bool& owned) const noexcept;
  [[nodiscard]] result<sha256_digest> digest_of(int fd, const file_version& version,
                                                const kv_key& key) const noexcept;
  /// hash_value(key, version): the digest of the value, cached or computed,
  /// and the version it is the digest of.
  [[nodiscard]] result<sha256_digest> hash_value(const kv_key& key,
                                                 file_version& version) const noexcept;
  static file_version version_of(const struct ::statx& st) noexcept;
  [[nodiscard]] const sha256_digest* cached(const file_version& version) const noexcept;
  void remember(const file_version& version, const sha256_digest& digest) const noexcept;

  int fd_ = -1;
  dir_kv_options options_;
  mutable std::unique_ptr<digest_cache> digests_;  // made at the first digest
  mutable std::uint64_t hashes_ = 0;
  std::unique_ptr<open_files> open_;  // null when options.kept_files is 0
};

static_assert(kv_ro_info<dir_kv>);

}  // namespace atl::unix_target
