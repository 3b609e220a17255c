#include <atoll/devices/memory_block.hpp>

#include <algorithm>
#include <cstring>
#include <new>

namespace atl {

namespace {

// splitmix64: a tiny deterministic generator for crash(); not for secrets.
std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

memory_block::memory_block(const memory_block_options& options) noexcept
    : info_{options.sector_size, options.sector_count, options.read_only},
      latency_engine_(options.latency_engine),
      latency_(options.latency),
      volatile_cache_(options.volatile_cache) {}

result<memory_block> memory_block::create(const memory_block_options& options) noexcept {
  if (!valid_sector_size(options.sector_size)) {
    return error(errc::invalid_argument, "sector size ", options.sector_size,
                 " is not a power of two from 512 to 65536");
  }
  if (options.sector_count == 0 ||
      options.sector_count > static_cast<std::size_t>(-1) / options.sector_size) {
    return error(errc::invalid_argument, "bad sector count ", options.sector_count);
  }
  memory_block b(options);
  const auto size = static_cast<std::size_t>(b.info_.size_bytes());
  b.bytes_.reset(new (std::nothrow) std::byte[size]);
  if (!b.bytes_) return error(errc::no_memory, "no memory for a block device of ", size, " bytes");
  std::memset(b.bytes_.get(), 0, size);
  return b;
}

void memory_block::inject(const block_fault& fault) { faults_.push_back(fault); }

std::optional<block_fault> memory_block::take_fault(block_op op) noexcept {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op) continue;
    if (it->skip > 0) {
      --it->skip;
      return std::nullopt;
    }
    block_fault due = *it;
    if (it->times != block_fault::forever && --it->times == 0) faults_.erase(it);
    ++stats_.failures;
    return due;
  }
  return std::nullopt;
}

task<void> memory_block::wait_latency() noexcept {
  if (latency_engine_ != nullptr) co_await latency_engine_->sleep_for(latency_);
}

void memory_block::store(std::uint64_t first, std::span<const std::byte> in) {
  const std::size_t size = info_.sector_size;
  for (std::size_t done = 0; done < in.size(); done += size) {
    const std::uint64_t s = first + done / size;
    std::byte* at = bytes_.get() + s * size;
    if (volatile_cache_ && pre_images_.find(s) == pre_images_.end()) {
      pre_images_.emplace(s, std::vector<std::byte>(at, at + size));
    }
    std::memcpy(at, in.data() + done, size);
  }
}

task<result<void>> memory_block::read(sector first, std::span<std::byte> out) noexcept {
  ATOLL_CO_TRYV(check_block_request(info_, first, out.size()));
  co_await wait_latency();
  ++stats_.reads;
  if (const auto fault = take_fault(block_op::read)) {
    co_return error(fault->code, "injected read failure at sector ", first.index());
  }
  std::memcpy(out.data(), bytes_.get() + first.index() * info_.sector_size, out.size());
  co_return ok();
}

task<result<void>> memory_block::write(sector first, std::span<const std::byte> in) noexcept {
  if (info_.read_only) co_return error(errc::permission_denied, "block device is read-only");
  ATOLL_CO_TRYV(check_block_request(info_, first, in.size()));
  co_await wait_latency();
  ++stats_.writes;
  if (const auto fault = take_fault(block_op::write)) {
    const std::size_t torn = static_cast<std::size_t>(
        std::min<std::uint64_t>(fault->sectors_written, in.size() / info_.sector_size));
    store(first.index(), in.first(torn * info_.sector_size));
    co_return error(fault->code, "injected write failure at sector ", first.index());
  }
  store(first.index(), in);
  co_return ok();
}

task<result<void>> memory_block::flush() noexcept {
  co_await wait_latency();
  ++stats_.flushes;
  if (info_.read_only) co_return ok();
  if (const auto fault = take_fault(block_op::flush)) {
    co_return error(fault->code, "injected flush failure");
  }
  pre_images_.clear();
  co_return ok();
}

void memory_block::crash(crash_mode mode, std::uint64_t seed) noexcept {
  ATOLL_ASSERT(volatile_cache_);
  std::uint64_t state = seed;
  for (auto& [s, old] : pre_images_) {
    const bool keep_new = mode == crash_mode::tear_unflushed && (splitmix64(state) & 1) != 0;
    if (!keep_new) std::memcpy(bytes_.get() + s * info_.sector_size, old.data(), old.size());
  }
  pre_images_.clear();
}

}  // namespace atl
