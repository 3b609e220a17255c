#include <atoll/devices/block.hpp>

namespace atl {

result<void> check_block_request(const block_info& info, sector first, std::size_t bytes) noexcept {
  if (bytes == 0) return error(errc::invalid_argument, "empty block request");
  if (bytes % info.sector_size != 0) {
    return error(errc::invalid_argument, "block request of ", bytes,
                 " bytes is not a multiple of the sector size ", info.sector_size);
  }
  const std::uint64_t count = bytes / info.sector_size;
  if (first.index() >= info.sector_count || count > info.sector_count - first.index()) {
    return error(errc::invalid_argument, "block request of sectors ", first.index(), "+", count,
                 " runs past the end (", info.sector_count, " sectors)");
  }
  return ok();
}

}  // namespace atl
