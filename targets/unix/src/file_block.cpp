#include "errno_error.hpp"
#include <atoll/unix/block_file.hpp>

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace atl::unix_target {

namespace {

/// pread_all: fills `out` from `offset`; io_error when the file ends first.
result<void> pread_all(int fd, std::span<std::byte> out, off_t offset) noexcept {
  while (!out.empty()) {
    const ssize_t n = ::pread(fd, out.data(), out.size(), offset);
    if (n > 0) {
      out = out.subspan(static_cast<std::size_t>(n));
      offset += n;
      continue;
    }
    if (n == 0) return error(errc::io_error, "block file ends before sector data (truncated?)");
    if (errno == EINTR) continue;
    return errno_error("block read", "", errno);
  }
  return ok();
}

result<void> pwrite_all(int fd, std::span<const std::byte> in, off_t offset) noexcept {
  while (!in.empty()) {
    const ssize_t n = ::pwrite(fd, in.data(), in.size(), offset);
    if (n > 0) {
      in = in.subspan(static_cast<std::size_t>(n));
      offset += n;
      continue;
    }
    if (n == 0) return error(errc::io_error, "block write wrote nothing");
    if (errno == EINTR) continue;
    return errno_error("block write", "", errno);
  }
  return ok();
}

}  // namespace

result<file_block> file_block::create(std::string_view path,
                                      const file_block_options& options) noexcept {
  if (!valid_sector_size(options.sector_size)) {
    return error(errc::invalid_argument, "sector size ", options.sector_size,
                 " is not a power of two from 512 to 65536");
  }
  if (path.empty() || path.find('\0') != std::string_view::npos) {
    return error(errc::invalid_argument, "bad block file path");
  }
  const std::string name(path);
  const bool may_create = options.create_sectors > 0 && !options.read_only;
  const int flags =
      (options.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | (may_create ? O_CREAT : 0);
  int fd = -1;
  do {
    fd = ::open(name.c_str(), flags, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_error("open block file", path, errno);
  // From here on, the device owns fd and closes it on any failure.
  file_block dev(fd, block_info{options.sector_size, 0, options.read_only});

  if (::flock(fd, (options.read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return error(errc::busy, "block file '", path, "' is in use by another process");
    }
    return errno_error("lock block file", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_error("stat block file", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return error(errc::invalid_argument, "block file '", path, "' is not a regular file");
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size == 0 && may_create) {
    const std::uint64_t max_sectors = static_cast<std::uint64_t>(INT64_MAX) / options.sector_size;
    if (options.create_sectors > max_sectors) {
      return error(errc::invalid_argument, "block file of ", options.create_sectors,
                   " sectors is too large");
    }
    size = options.create_sectors * options.sector_size;
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      return errno_error("size block file", path, errno);
    }
  }
  if (size == 0) return error(errc::invalid_argument, "block file '", path, "' is empty");
  if (size % options.sector_size != 0) {
    return error(errc::invalid_argument, "block file '", path, "' size ", size,
                 " is not a multiple of the sector size ", options.sector_size);
  }
  dev.info_.sector_count = size / options.sector_size;
  return dev;
}

file_block::file_block(file_block&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), info_(other.info_) {}

file_block& file_block::operator=(file_block&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    info_ = other.info_;
  }
  return *this;
}

file_block::~file_block() {
  if (fd_ >= 0) ::close(fd_);
}

task<result<void>> file_block::read(sector first, std::span<std::byte> out) noexcept {
  ATOLL_CO_TRYV(check_block_request(info_, first, out.size()));
  co_return pread_all(fd_, out, static_cast<off_t>(first.index() * info_.sector_size));
}

task<result<void>> file_block::write(sector first, std::span<const std::byte> in) noexcept {
  if (info_.read_only) co_return error(errc::permission_denied, "block device is read-only");
  ATOLL_CO_TRYV(check_block_request(info_, first, in.size()));
  co_return pwrite_all(fd_, in, static_cast<off_t>(first.index() * info_.sector_size));
}

// NOLINTNEXTLINE(readability-make-member-function-const): a barrier is a change of state
task<result<void>> file_block::flush() noexcept {
  if (info_.read_only) co_return ok();
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) co_return errno_error("block flush", "", errno);
  }
  co_return ok();
}

}  // namespace atl::unix_target
