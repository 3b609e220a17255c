#include "block_pool.hpp"
#include <atoll/core/buf.hpp>

#include <cstring>
#include <new>
#include <utility>

namespace atl {

// The header in front of every allocated block; the bytes follow it.
struct buf::block {
  std::size_t refs;
  std::size_t capacity;
  std::size_t front;  // lowest byte offset claimed by any view (headroom limit)
  std::size_t charged;
  memory_budget* budget;

  std::byte* bytes() noexcept { return reinterpret_cast<std::byte*>(this + 1); }
};

namespace {

// The size classes of buf blocks (header + headroom + size): ACKs and small
// headers; an MTU-sized frame or TCP segment with its headroom; up to 4 KiB;
// the 64 KiB of a TCP read or write chunk. The caps bound what the lists
// hold to buf::pool_limit_bytes.
constexpr detail::pool_class buf_classes[] = {{320, 64}, {2368, 64}, {4416, 32}, {66112, 8}};
static_assert(320 * 64 + 2368 * 64 + 4416 * 32 + 66112 * 8 <= buf::pool_limit_bytes);

// One engine, one thread (block_pool.hpp): no lock.
constinit detail::block_pool buf_pool{buf_classes};

// make_block: the storage for a buf; zero-fills the headroom always and the
// view's bytes when asked (allocate_uninit leaves them to the caller).
result<buf::block*> make_block(std::size_t size, std::size_t headroom, memory_budget* budget,
                               bool zero) noexcept {
  if (size > (std::size_t{1} << 31) || headroom > (std::size_t{1} << 20)) {
    return error(errc::limit_exceeded, "buf of ", size, " bytes is too large");
  }
  const std::size_t total = sizeof(buf::block) + headroom + size;
  if (budget != nullptr && !budget->try_charge(total)) {
    return error(errc::no_memory, "budget '", budget->name(), "' exhausted");
  }
  void* raw = buf_pool.allocate(total);
  if (raw == nullptr) {
    if (budget != nullptr) budget->refund(total);
    return error(errc::no_memory, "no memory for a buf of ", size, " bytes");
  }
  auto* b = new (raw) buf::block{1, headroom + size, headroom, total, budget};
  std::memset(b->bytes(), 0, zero ? headroom + size : headroom);
  return b;
}

}  // namespace

result<buf> buf::allocate(std::size_t size, std::size_t headroom, memory_budget* budget) noexcept {
  ATOLL_TRY(block * b, make_block(size, headroom, budget, true));
  return buf(b, b->bytes() + headroom, size);
}

result<buf> buf::allocate_uninit(std::size_t size, std::size_t headroom,
                                 memory_budget* budget) noexcept {
  ATOLL_TRY(block * b, make_block(size, headroom, budget, false));
  return buf(b, b->bytes() + headroom, size);
}

result<buf> buf::copy_of(std::span<const std::byte> bytes, std::size_t headroom,
                         memory_budget* budget) noexcept {
  ATOLL_TRY(buf b, allocate_uninit(bytes.size(), headroom, budget));
  if (!bytes.empty()) std::memcpy(b.data_, bytes.data(), bytes.size());
  return b;
}

result<buf> buf::copy_of(std::string_view text) noexcept { return copy_of(as_bytes(text)); }

buf buf::borrow(std::span<const std::byte> bytes) noexcept {
  // Borrowed bytes are never written: writable() is false for them.
  return buf(nullptr, const_cast<std::byte*>(bytes.data()), bytes.size());
}

buf::buf(const buf& other) noexcept : block_(other.block_), data_(other.data_), size_(other.size_) {
  if (block_ != nullptr) ++block_->refs;
}

buf::buf(buf&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

buf& buf::operator=(const buf& other) noexcept {
  if (this != &other) {
    if (other.block_ != nullptr) ++other.block_->refs;
    release();
    block_ = other.block_;
    data_ = other.data_;
    size_ = other.size_;
  }
  return *this;
}

buf& buf::operator=(buf&& other) noexcept {
  if (this != &other) {
    release();
    block_ = std::exchange(other.block_, nullptr);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

buf::~buf() { release(); }

void buf::release() noexcept {
  if (block_ == nullptr) return;
  if (--block_->refs == 0) {
    memory_budget* budget = block_->budget;
    const std::size_t charged = block_->charged;
    block_->~block();
    // `charged` is the size the block was allocated with, budget or not.
    buf_pool.free(block_, charged);
    if (budget != nullptr) budget->refund(charged);
  }
  block_ = nullptr;
}

buf::pool_stats buf::pool() noexcept {
  const detail::block_pool_counts& c = buf_pool.counts();
  return {c.reused, c.fresh, c.kept_blocks, c.kept_bytes};
}

void buf::trim_pool() noexcept { buf_pool.trim(); }

std::size_t buf::use_count() const noexcept { return block_ == nullptr ? 0 : block_->refs; }

std::span<std::byte> buf::mutable_bytes() noexcept {
  ATOLL_ASSERT(writable());
  return {data_, size_};
}

result<buf> buf::sub(std::size_t offset, std::size_t length) const noexcept {
  if (offset > size_ || length > size_ - offset) {
    return error(errc::invalid_argument, "sub(", offset, ", ", length, ") of a ", size_,
                 "-byte buf");
  }
  buf view(*this);
  view.data_ += offset;
  view.size_ = length;
  return view;
}

result<buf> buf::sub(std::size_t offset) const noexcept {
  if (offset > size_)
    return error(errc::invalid_argument, "sub(", offset, ") of a ", size_, "-byte buf");
  return sub(offset, size_ - offset);
}

result<void> buf::shift(std::size_t n) noexcept {
  if (n > size_) return error(errc::invalid_argument, "shift(", n, ") of a ", size_, "-byte buf");
  data_ += n;
  size_ -= n;
  return ok();
}

result<void> buf::truncate(std::size_t n) noexcept {
  if (n > size_)
    return error(errc::invalid_argument, "truncate(", n, ") of a ", size_, "-byte buf");
  size_ = n;
  return ok();
}

std::size_t buf::headroom() const noexcept {
  if (block_ == nullptr) return 0;
  const auto offset = static_cast<std::size_t>(data_ - block_->bytes());
  return offset == block_->front ? offset : 0;
}

result<void> buf::prepend(std::size_t n) noexcept {
  if (n > headroom()) {
    return error(errc::limit_exceeded, "prepend(", n, ") with ", headroom(), " bytes of headroom");
  }
  data_ -= n;
  size_ += n;
  block_->front -= n;
  return ok();
}

std::uint64_t buf::load_be(std::size_t offset, std::size_t width) const noexcept {
  ATOLL_ASSERT(offset <= size_ && width <= size_ - offset);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v = (v << 8) | static_cast<std::uint8_t>(data_[offset + i]);
  return v;
}

void buf::store_be(std::size_t offset, std::size_t width, std::uint64_t v) noexcept {
  ATOLL_ASSERT(writable());
  ATOLL_ASSERT(offset <= size_ && width <= size_ - offset);
  for (std::size_t i = width; i-- > 0;) {
    data_[offset + i] = static_cast<std::byte>(v & 0xff);
    v >>= 8;
  }
}

namespace {
template <class T>
result<T> checked_read(const buf& b, std::size_t offset) noexcept {
  if (offset > b.size() || sizeof(T) > b.size() - offset) {
    return error(errc::invalid_argument, "read of ", sizeof(T), " bytes at ", offset, " in a ",
                 b.size(), "-byte buf");
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v = (v << 8) | static_cast<std::uint8_t>(b.data()[offset + i]);
  return static_cast<T>(v);
}
}  // namespace

result<std::uint8_t> buf::read_u8(std::size_t offset) const noexcept {
  return checked_read<std::uint8_t>(*this, offset);
}
result<std::uint16_t> buf::read_u16(std::size_t offset) const noexcept {
  return checked_read<std::uint16_t>(*this, offset);
}
result<std::uint32_t> buf::read_u32(std::size_t offset) const noexcept {
  return checked_read<std::uint32_t>(*this, offset);
}
result<std::uint64_t> buf::read_u64(std::size_t offset) const noexcept {
  return checked_read<std::uint64_t>(*this, offset);
}

std::uint8_t buf::u8(std::size_t offset) const noexcept {
  return static_cast<std::uint8_t>(load_be(offset, 1));
}
std::uint16_t buf::u16(std::size_t offset) const noexcept {
  return static_cast<std::uint16_t>(load_be(offset, 2));
}
std::uint32_t buf::u32(std::size_t offset) const noexcept {
  return static_cast<std::uint32_t>(load_be(offset, 4));
}
std::uint64_t buf::u64(std::size_t offset) const noexcept { return load_be(offset, 8); }
void buf::set_u8(std::size_t offset, std::uint8_t v) noexcept { store_be(offset, 1, v); }
void buf::set_u16(std::size_t offset, std::uint16_t v) noexcept { store_be(offset, 2, v); }
void buf::set_u32(std::size_t offset, std::uint32_t v) noexcept { store_be(offset, 4, v); }
void buf::set_u64(std::size_t offset, std::uint64_t v) noexcept { store_be(offset, 8, v); }

result<void> buf::fill(std::size_t offset, std::span<const std::byte> bytes) noexcept {
  if (!writable()) return error(errc::permission_denied, "fill of a read-only buf");
  if (offset > size_ || bytes.size() > size_ - offset) {
    return error(errc::invalid_argument, "fill of ", bytes.size(), " bytes at ", offset, " in a ",
                 size_, "-byte buf");
  }
  if (!bytes.empty()) std::memcpy(data_ + offset, bytes.data(), bytes.size());
  return ok();
}

// ---- bufs -------------------------------------------------------------------

result<void> bufs::push_back(buf b) noexcept {
  if (count_ == max_segments) return error(errc::limit_exceeded, "bufs holds at most 16 segments");
  size_ += b.size();
  items_[count_++] = std::move(b);
  return ok();
}

result<void> bufs::push_front(buf b) noexcept {
  if (count_ == max_segments) return error(errc::limit_exceeded, "bufs holds at most 16 segments");
  for (std::size_t i = count_; i > 0; --i) items_[i] = std::move(items_[i - 1]);
  size_ += b.size();
  items_[0] = std::move(b);
  ++count_;
  return ok();
}

std::size_t bufs::copy_to(std::span<std::byte> out) const noexcept {
  std::size_t done = 0;
  for (std::size_t i = 0; i < count_ && done < out.size(); ++i) {
    const std::size_t n =
        items_[i].size() < out.size() - done ? items_[i].size() : out.size() - done;
    if (n != 0) std::memcpy(out.data() + done, items_[i].data(), n);
    done += n;
  }
  return done;
}

result<void> bufs::shift(std::size_t n) noexcept {
  if (n > size_) return error(errc::invalid_argument, "shift(", n, ") of ", size_, " bytes");
  std::size_t dropped = 0;
  while (n > 0) {
    buf& first = items_[dropped];
    if (n < first.size()) {
      ATOLL_TRYV(first.shift(n));
      size_ -= n;
      n = 0;
    } else {
      n -= first.size();
      size_ -= first.size();
      ++dropped;
    }
  }
  if (dropped != 0) {
    for (std::size_t i = dropped; i < count_; ++i) items_[i - dropped] = std::move(items_[i]);
    for (std::size_t i = count_ - dropped; i < count_; ++i) items_[i] = buf();
    count_ -= dropped;
  }
  return ok();
}

result<buf> bufs::flatten(memory_budget* budget) const noexcept {
  if (count_ == 1) return items_[0];
  ATOLL_TRY(buf out, buf::allocate(size_, 0, budget));
  (void)copy_to(out.mutable_bytes());
  return out;
}

void bufs::clear() noexcept {
  for (std::size_t i = 0; i < count_; ++i) items_[i] = buf();
  count_ = 0;
  size_ = 0;
}

}  // namespace atl
