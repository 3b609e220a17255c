// unix_target::file_block: a block device over a host file (a disk image).
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/block.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace atl::unix_target {

struct file_block_options {
  /// Bytes per sector (valid_sector_size); the file's size must be a multiple.
  std::uint32_t sector_size = 512;
  /// When the file does not exist or is empty: make it this many sectors
  /// (zero-filled, sparse). 0: the file must exist and not be empty.
  std::uint64_t create_sectors = 0;
  /// Open read-only: write() fails with errc::permission_denied.
  bool read_only = false;
};

/// file_block: the block contract (block.hpp) over a regular file, with
/// pread/pwrite and fdatasync as flush. The file is locked (flock: exclusive
/// when writable, shared when read-only) so two processes cannot share a
/// writable image. Requests complete synchronously: the event loop waits
/// while the host does the I/O (an io_uring backend is future work).
class file_block {
public:
  /// create(path, options): opens the file, creating or growing an empty
  /// one to options.create_sectors sectors. Errors: errc::not_found (no file
  /// and nothing to create), errc::invalid_argument (bad sector size, not a
  /// regular file, a size that is zero or not a multiple of the sector
  /// size), errc::busy (another process holds the lock), and errno's
  /// category for the rest.
  static result<file_block> create(std::string_view path,
                                   const file_block_options& options = {}) noexcept;

  file_block(file_block&& other) noexcept;
  file_block& operator=(file_block&& other) noexcept;
  file_block(const file_block&) = delete;
  file_block& operator=(const file_block&) = delete;
  /// Closes the file (without a flush: call flush() first for durability).
  ~file_block();

  [[nodiscard]] block_info info() const noexcept { return info_; }
  /// read / write / flush: the block contract; errno failures keep their
  /// category (errno_error), a file shrunk behind the device's back is
  /// errc::io_error. The device and the buffers must outlive the task.
  task<result<void>> read(sector first, std::span<std::byte> out) noexcept;
  task<result<void>> write(sector first, std::span<const std::byte> in) noexcept;
  task<result<void>> flush() noexcept;

private:
  file_block(int fd, const block_info& info) noexcept : fd_(fd), info_(info) {}

  int fd_ = -1;
  block_info info_{};
};

static_assert(block<file_block>);

}  // namespace atl::unix_target
