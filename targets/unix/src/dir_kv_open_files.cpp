#include "dir_kv_open_files.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <new>
#include <string_view>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace atl::unix_target {

namespace {

constexpr unsigned version_fields = STATX_TYPE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME;

// FNV-1a: to skip most string comparisons in find().
std::uint64_t hash_of(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::size_t depth_of(std::string_view key) noexcept {
  std::size_t depth = 0;
  for (const char c : key) depth += c == '/' ? 1 : 0;
  return depth;
}

// open_plain(root, key, flags): openat2 beneath the root through no symlink
// and no mount point; -1 with errno set otherwise.
int open_plain(int root, const kv_key& key, std::uint64_t flags) noexcept {
  const std::string path(key.text());
  open_how how{};
  how.flags = flags | O_CLOEXEC | ((flags & O_PATH) != 0 ? 0 : O_NOCTTY);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EINTR && errno != EAGAIN) return -1;
  }
}

std::int64_t now_ns() noexcept {
  struct timespec now {};
  if (::clock_gettime(CLOCK_REALTIME, &now) != 0) return 0;
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

}  // namespace

dir_kv::open_files::open_files(std::size_t capacity, std::int64_t racy_ns) noexcept
    : entries_(new(std::nothrow) entry[capacity]),
      capacity_(entries_ ? capacity : 0),  // no memory: nothing is kept
      racy_ns_(racy_ns) {}

dir_kv::open_files::~open_files() {
  for (entry& e : slots()) drop(e);
}

void dir_kv::open_files::drop(entry& e) noexcept {
  if (e.fd >= 0) ::close(e.fd);
  e.fd = -1;
  e.key.clear();
  e.hash = 0;
}

bool dir_kv::open_files::directories(int root, const kv_key& key, std::size_t depth,
                                     std::array<file_version, max_depth + 1>& out) const noexcept {
  const std::string_view text = key.text();
  std::size_t end = 0;
  for (std::size_t i = 0; i <= depth; ++i) {
    struct statx st {};
    int rc = 0;
    if (i == 0) {
      rc = ::statx(root, "", AT_EMPTY_PATH, version_fields, &st);
    } else {
      end = text.find('/', end + (i == 1 ? 0 : 1));
      const std::string prefix(text.substr(0, end));
      rc = ::statx(root, prefix.c_str(), AT_SYMLINK_NOFOLLOW, version_fields, &st);
    }
    if (rc != 0 || !S_ISDIR(st.stx_mode)) return false;
    out[i] = version_of(st);
  }
  return true;
}

std::optional<dir_kv::open_files::found> dir_kv::open_files::find(int root,
                                                                  const kv_key& key) noexcept {
  const std::uint64_t h = hash_of(key.text());
  for (entry& e : slots()) {
    if (e.hash != h || e.key.empty() || e.key != key.text()) continue;
    std::array<file_version, max_depth + 1> now{};
    if (!directories(root, key, e.depth, now) ||
        !std::equal(now.begin(), now.begin() + static_cast<std::ptrdiff_t>(e.depth + 1),
                    e.dirs.begin())) {
      drop(e);
      return std::nullopt;
    }
    found f;
    f.fd = e.fd;
    if (e.fd >= 0) {
      struct statx st {};
      if (::statx(e.fd, "", AT_EMPTY_PATH, version_fields, &st) != 0) {
        drop(e);
        return std::nullopt;
      }
      f.version = version_of(st);
    }
    ++hits_;
    return f;
  }
  return std::nullopt;
}

std::optional<dir_kv::open_files::found> dir_kv::open_files::add(int root,
                                                                 const kv_key& key) noexcept {
  if (capacity_ == 0 || key.is_root()) return std::nullopt;
  const std::size_t depth = depth_of(key.text());
  if (depth > max_depth) return std::nullopt;
  std::array<file_version, max_depth + 1> before{};
  if (!directories(root, key, depth, before)) return std::nullopt;
  const std::int64_t now = now_ns();
  for (std::size_t i = 0; i <= depth; ++i) {
    if (now - before[i].ctime_ns < racy_ns_) return std::nullopt;
  }

  // O_PATH first, so that a FIFO or a device node is never opened.
  int fd = -1;
  const int looked = open_plain(root, key, O_PATH);
  if (looked < 0) {
    if (errno != ENOENT) return std::nullopt;
  } else {
    struct statx st {};
    const bool regular =
        ::statx(looked, "", AT_EMPTY_PATH, version_fields, &st) == 0 && S_ISREG(st.stx_mode);
    ::close(looked);
    if (!regular) return std::nullopt;
    fd = open_plain(root, key, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
  }
  found f;
  f.fd = fd;
  struct statx st {};
  std::array<file_version, max_depth + 1> after{};
  if ((fd >= 0 &&
       (::statx(fd, "", AT_EMPTY_PATH, version_fields, &st) != 0 || !S_ISREG(st.stx_mode))) ||
      !directories(root, key, depth, after) ||
      !std::equal(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(depth + 1),
                  after.begin())) {
    if (fd >= 0) ::close(fd);
    return std::nullopt;  // changed while we looked: not kept
  }
  if (fd >= 0) f.version = version_of(st);

  entry& slot = entries_[next_];
  next_ = (next_ + 1) % capacity_;
  drop(slot);
  slot.key = std::string(key.text());
  slot.hash = hash_of(key.text());
  slot.fd = fd;
  slot.depth = depth;
  slot.dirs = before;
  return f;
}

}  // namespace atl::unix_target
