#include "dir_kv_open_files.hpp"
#include "errno_error.hpp"
#include <atoll/unix/kv_dir.hpp>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <memory>
#include <new>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <utility>

namespace atl::unix_target {

namespace {

/// fd_guard: closes a descriptor at the end of a scope unless released.
class fd_guard {
public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

private:
  int fd_;
};

/// open_beneath(dir, key, flags): the key resolved inside `dir` only.
result<int> open_beneath(int dir, const kv_key& key, std::uint64_t flags) noexcept {
  const std::string path = key.is_root() ? std::string(".") : std::string(key.text());
  open_how how{};
  // openat2 refuses flags that O_PATH ignores (O_NOCTTY among them).
  how.flags = flags | O_CLOEXEC | ((flags & O_PATH) != 0 ? 0 : O_NOCTTY);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  while (true) {
    const long fd = ::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    const int err = errno;
    if (err == EINTR || err == EAGAIN) continue;  // EAGAIN: a rename raced the lookup
    if (err == EXDEV) {
      return error(errc::permission_denied, "'", key.text(), "' leads outside the directory");
    }
    if (err == ELOOP) {
      return error(errc::permission_denied, "'", key.text(),
                   "' meets a symlink loop or magic link");
    }
    return errno_error("open", key.text(), err);
  }
}

wall_time wall_of(const statx_timestamp& t) noexcept {
  return wall_time(duration(static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec));
}

/// The statx fields a file_version needs.
constexpr unsigned version_fields = STATX_TYPE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME;

std::int64_t ns_of(const statx_timestamp& t) noexcept {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::optional<kv_kind> kind_of_mode(unsigned mode) noexcept {
  if (S_ISREG(mode)) return kv_kind::value;
  if (S_ISDIR(mode)) return kv_kind::dictionary;
  return std::nullopt;
}

result<void> pread_all(int fd, std::span<std::byte> out, std::uint64_t offset,
                       const kv_key& key) noexcept {
  while (!out.empty()) {
    const ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
    if (n > 0) {
      out = out.subspan(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) return error(errc::io_error, "'", key.text(), "' shrank while being read");
    if (errno == EINTR) continue;
    return errno_error("read", key.text(), errno);
  }
  return ok();
}

}  // namespace

result<dir_kv> dir_kv::create(std::string_view dir, const dir_kv_options& options) noexcept {
  if (dir.empty() || dir.find('\0') != std::string_view::npos) {
    return error(errc::invalid_argument, "bad directory path");
  }
  const std::string name(dir);
  const int fd = ::open(name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOTDIR) return error(errc::invalid_argument, "'", dir, "' is not a directory");
    return errno_error("open directory", dir, errno);
  }
  dir_kv device(fd, options);
  // Check openat2 once, so a kernel without it fails here and not per key.
  auto probe = open_beneath(fd, kv_key(), O_PATH);
  if (!probe) {
    if (probe.error().code() == errc::unsupported) {
      return error(errc::unsupported, "dir_kv needs openat2 (Linux 5.6 or later)");
    }
    return probe.error();
  }
  ::close(*probe);
  return device;
}

dir_kv::dir_kv(int fd, const dir_kv_options& options) noexcept : fd_(fd), options_(options) {
  if (options.kept_files > 0) {
    open_.reset(new (std::nothrow) open_files(options.kept_files, options.digest_racy_window_ns));
  }
}

dir_kv::dir_kv(dir_kv&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      options_(other.options_),
      digests_(std::move(other.digests_)),
      hashes_(other.hashes_),
      open_(std::move(other.open_)) {}

dir_kv& dir_kv::operator=(dir_kv&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    options_ = other.options_;
    digests_ = std::move(other.digests_);
    hashes_ = other.hashes_;
    open_ = std::move(other.open_);
  }
  return *this;
}

dir_kv::~dir_kv() {
  open_.reset();  // the kept descriptors before the root's
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t dir_kv::kept_hits() const noexcept { return open_ ? open_->hits() : 0; }

result<dir_kv::entry_info> dir_kv::stat_key(const kv_key& key) const noexcept {
  // O_PATH: looking at a FIFO or a device node neither blocks nor wakes it.
  ATOLL_TRY(const int fd, open_beneath(fd_, key, O_PATH));
  const fd_guard guard(fd);
  struct statx st {};
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE | STATX_MTIME, &st) != 0) {
    return errno_error("statx", key.text(), errno);
  }
  return entry_info{kind_of_mode(st.stx_mode), st.stx_size, wall_of(st.stx_mtime)};
}

result<dir_kv::entry_info> dir_kv::stat_value(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry_info info, stat_key(key));
  if (info.kind == kv_kind::dictionary) {
    return error(errc::invalid_argument, "'", key.text(), "' is a dictionary");
  }
  if (!info.kind) return error(errc::not_found, "'", key.text(), "' is not a regular file");
  return info;
}

result<int> dir_kv::open_value(const kv_key& key, file_version& version,
                               bool& owned) const noexcept {
  if (open_) {
    const auto kept = open_->resolve(fd_, key);
    if (kept) {
      if (kept->fd < 0) return error(errc::not_found, "'", key.text(), "' not found");
      version = kept->version;
      owned = false;
      return kept->fd;
    }
  }
  owned = true;
  ATOLL_TRY(const entry_info info, stat_value(key));
  (void)info;
  // O_NONBLOCK: should the file have been swapped for a FIFO since the
  // check, the open does not hang; fstat below then refuses it.
  ATOLL_TRY(const int fd, open_beneath(fd_, key, O_RDONLY | O_NONBLOCK));
  fd_guard guard(fd);
  struct statx st {};
  if (::statx(fd, "", AT_EMPTY_PATH, version_fields, &st) != 0) {
    return errno_error("statx", key.text(), errno);
  }
  if (!S_ISREG(st.stx_mode)) {
    return error(errc::not_found, "'", key.text(), "' is not a regular file");
  }
  version = version_of(st);
  return guard.release();
}

result<buf> dir_kv::read_range(const kv_key& key, std::uint64_t offset, std::uint64_t length,
                               bool whole) const noexcept {
  file_version version;
  bool owned = false;
  ATOLL_TRY(const int fd, open_value(key, version, owned));
  const fd_guard guard(owned ? fd : -1);
  const std::uint64_t size = version.size;
  if (offset > size) {
    return error(errc::invalid_argument, "offset ", offset, " is past the end (", size, ")");
  }
  const std::uint64_t count = whole ? size : std::min(length, size - offset);
  if (count > options_.max_value_size) {
    return error(errc::limit_exceeded, "'", key.text(), "' has ", count,
                 " bytes, more than the limit of ", options_.max_value_size);
  }
  ATOLL_TRY(buf out, buf::allocate(static_cast<std::size_t>(count), 0, options_.budget));
  ATOLL_TRYV(pread_all(fd, out.mutable_bytes(), offset, key));
  return out;
}

result<sha256_digest> dir_kv::hash(const kv_key& key) const noexcept {
  file_version version;
  return hash_value(key, version);
}

result<sha256_digest> dir_kv::hash_value(const kv_key& key, file_version& version) const noexcept {
  bool owned = false;
  ATOLL_TRY(const int fd, open_value(key, version, owned));
  const fd_guard guard(owned ? fd : -1);
  return digest_of(fd, version, key);
}

result<sha256_digest> dir_kv::digest_of(int fd, const file_version& version,
                                        const kv_key& key) const noexcept {
  if (const sha256_digest* known = cached(version)) return *known;
  ++hashes_;
  const std::uint64_t size = version.size;
  constexpr std::size_t chunk = std::size_t{64} * 1024;
  const std::unique_ptr<std::byte[]> buffer(new (std::nothrow) std::byte[chunk]);
  if (!buffer) return error(errc::no_memory, "no memory to hash '", key.text(), "'");
  sha256 h;
  for (std::uint64_t done = 0; done < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - done));
    ATOLL_TRYV(pread_all(fd, std::span(buffer.get(), n), done, key));
    h.update(std::span<const std::byte>(buffer.get(), n));
    done += n;
  }
  const sha256_digest digest = h.finish();
  remember(version, digest);
  return digest;
}

result<std::optional<kv_info>> dir_kv::describe(const kv_key& key) const noexcept {
  if (open_) {
    const auto kept = open_->resolve(fd_, key);
    if (kept) {
      if (kept->fd < 0) return std::optional<kv_info>();
      ATOLL_TRY(const sha256_digest digest, digest_of(kept->fd, kept->version, key));
      const file_version& v = kept->version;
      return std::optional<kv_info>(
          kv_info{kv_kind::value, v.size, wall_time(duration(v.mtime_ns)), digest});
    }
  }
  auto fd = open_beneath(fd_, key, O_PATH);
  if (!fd) {
    if (fd.error().code() == errc::not_found) return std::optional<kv_info>();
    return fd.error();
  }
  struct statx st {};
  {
    const fd_guard guard(*fd);
    if (::statx(*fd, "", AT_EMPTY_PATH, version_fields, &st) != 0) {
      return errno_error("statx", key.text(), errno);
    }
  }
  const std::optional<kv_kind> kind = kind_of_mode(st.stx_mode);
  if (!kind) return std::optional<kv_info>();
  if (*kind == kv_kind::dictionary) return std::optional<kv_info>(kv_info{kv_kind::dictionary});
  file_version version = version_of(st);
  const sha256_digest* known = cached(version);
  sha256_digest digest{};
  if (known != nullptr) {
    digest = *known;
  } else {
    // Opened, checked and hashed; the version is the one hashed, which may
    // be newer than the one just looked at.
    auto hashed = hash_value(key, version);
    if (!hashed) {
      if (hashed.error().code() == errc::not_found) return std::optional<kv_info>();
      return hashed.error();
    }
    digest = *hashed;
  }
  return std::optional<kv_info>(
      kv_info{kv_kind::value, version.size, wall_time(duration(version.mtime_ns)), digest});
}

dir_kv::file_version dir_kv::version_of(const struct ::statx& st) noexcept {
  return file_version{(std::uint64_t{st.stx_dev_major} << 32) | st.stx_dev_minor, st.stx_ino,
                      st.stx_size, ns_of(st.stx_mtime), ns_of(st.stx_ctime)};
}

const sha256_digest* dir_kv::cached(const file_version& version) const noexcept {
  if (!digests_) return nullptr;
  for (const cached_digest& c : digests_->slots) {
    if (c.used && c.version == version) return &c.digest;
  }
  return nullptr;
}

void dir_kv::remember(const file_version& version, const sha256_digest& digest) const noexcept {
  struct timespec now {};
  if (::clock_gettime(CLOCK_REALTIME, &now) != 0) return;
  const std::int64_t now_ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  if (now_ns - version.ctime_ns < options_.digest_racy_window_ns) return;  // racy: see the header
  if (!digests_) {
    digests_.reset(new (std::nothrow) digest_cache());
    if (!digests_) return;  // no cache: every digest is computed, as before
  }
  cached_digest& slot = digests_->slots[digests_->next];
  digests_->next = (digests_->next + 1) % digest_cache_entries;
  slot = cached_digest{version, digest, true};
}

result<std::optional<kv_kind>> dir_kv::kind(const kv_key& key) const noexcept {
  if (open_) {
    const auto kept = open_->resolve(fd_, key);
    if (kept) return kept->fd < 0 ? std::optional<kv_kind>() : std::optional(kv_kind::value);
  }
  auto info = stat_key(key);
  if (!info) {
    if (info.error().code() == errc::not_found) return std::optional<kv_kind>();
    return info.error();
  }
  return info->kind;
}

result<std::vector<kv_entry>> dir_kv::entries(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry_info info, stat_key(key));
  if (info.kind == kv_kind::value) {
    return error(errc::invalid_argument, "'", key.text(), "' is a value");
  }
  if (!info.kind) return error(errc::not_found, "'", key.text(), "' is not a directory");
  ATOLL_TRY(const int fd, open_beneath(fd_, key, O_RDONLY | O_DIRECTORY));
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return errno_error("list", key.text(), err);
  }
  const std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, &::closedir);
  std::vector<kv_entry> out;
  while (true) {
    errno = 0;
    const dirent* d = ::readdir(dir);
    if (d == nullptr) {
      if (errno != 0) return errno_error("list", key.text(), errno);
      break;
    }
    const std::string_view name = d->d_name;
    if (name == "." || name == ".." || !kv_key::valid_segment(name)) continue;
    std::optional<kv_kind> kind;
    if (d->d_type == DT_REG) {
      kind = kv_kind::value;
    } else if (d->d_type == DT_DIR) {
      kind = kv_kind::dictionary;
    } else if (d->d_type == DT_LNK || d->d_type == DT_UNKNOWN) {
      // Follow it, beneath the directory only: an escaping link is left out.
      auto child = key.child(name);
      if (!child) continue;
      auto child_info = stat_key(*child);
      if (!child_info) continue;
      kind = child_info->kind;
    }
    if (!kind) continue;
    if (out.size() == kv_max_list) {
      return error(errc::limit_exceeded, "'", key.text(), "' has more than ", kv_max_list,
                   " entries");
    }
    out.push_back(kv_entry{std::string(name), *kind});
  }
  std::sort(out.begin(), out.end(),
            [](const kv_entry& a, const kv_entry& b) { return a.name < b.name; });
  return out;
}

task<result<buf>> dir_kv::get(kv_key key) const noexcept { co_return read_range(key, 0, 0, true); }

task<result<buf>> dir_kv::get_partial(kv_key key, std::uint64_t offset,
                                      std::uint64_t length) const noexcept {
  co_return read_range(key, offset, length, false);
}

task<result<std::vector<kv_entry>>> dir_kv::list(kv_key key) const noexcept {
  co_return entries(key);
}

task<result<std::optional<kv_kind>>> dir_kv::exists(kv_key key) const noexcept {
  co_return kind(key);
}

task<result<std::uint64_t>> dir_kv::size(kv_key key) const noexcept {
  ATOLL_CO_TRY(const entry_info info, stat_value(key));
  co_return info.size;
}

task<result<sha256_digest>> dir_kv::digest(kv_key key) const noexcept { co_return hash(key); }

task<result<std::optional<kv_info>>> dir_kv::info(kv_key key) const noexcept {
  co_return describe(key);
}

task<result<wall_time>> dir_kv::last_modified(kv_key key) const noexcept {
  ATOLL_CO_TRY(const entry_info info, stat_value(key));
  co_return info.modified;
}

}  // namespace atl::unix_target
