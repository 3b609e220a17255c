#include <atoll/net/tcp/byte_ring.hpp>

#include <algorithm>
#include <cstring>

namespace atl::net::tcp {
namespace {

// The storage starts small and doubles as the bytes held grow, up to the
// capacity: a connection that carries a short request and answer then
// zero-fills (and faults in) a few KiB, not two 256 KiB rings.
constexpr std::size_t first_storage = std::size_t{4} * 1024;

}  // namespace

std::size_t byte_ring::write(std::span<const std::byte> bytes) noexcept {
  const std::size_t n = std::min(bytes.size(), free());
  if (n == 0) return 0;
  if (size_ + n > storage_.size()) {
    std::size_t grown = std::max(first_storage, storage_.size() * 2);
    while (grown < size_ + n) grown *= 2;
    std::vector<std::byte> bigger(std::min(grown, capacity_));
    (void)peek(0, bigger);  // the held bytes, now from index 0
    storage_.swap(bigger);
    head_ = 0;
  }
  const std::size_t cap = storage_.size();
  std::size_t tail = (head_ + size_) % cap;
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk = std::min(n - done, cap - tail);
    std::memcpy(storage_.data() + tail, bytes.data() + done, chunk);
    done += chunk;
    tail = (tail + chunk) % cap;
  }
  size_ += n;
  return n;
}

std::size_t byte_ring::peek(std::size_t offset, std::span<std::byte> out) const noexcept {
  if (offset >= size_) return 0;
  const std::size_t n = std::min(out.size(), size_ - offset);
  const std::size_t cap = storage_.size();
  std::size_t at = (head_ + offset) % cap;
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk = std::min(n - done, cap - at);
    std::memcpy(out.data() + done, storage_.data() + at, chunk);
    done += chunk;
    at = (at + chunk) % cap;
  }
  return n;
}

void byte_ring::consume(std::size_t n) noexcept {
  n = std::min(n, size_);
  if (n == 0) return;
  head_ = (head_ + n) % storage_.size();
  size_ -= n;
  if (size_ == 0) head_ = 0;
}

std::size_t byte_ring::read(std::span<std::byte> out) noexcept {
  const std::size_t n = peek(0, out);
  consume(n);
  return n;
}

}  // namespace atl::net::tcp
