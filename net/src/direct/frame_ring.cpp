// frame_ring: the transmit queue's ring (frame_ring.hpp).
#include <atoll/core/assert.hpp>
#include <atoll/net/direct/frame_ring.hpp>

#include <algorithm>
#include <utility>

namespace atl::net {

bool frame_ring::push(bufs&& frame) {
  if (full()) return false;
  if (count_ == slots_.size()) grow();
  std::size_t tail = head_ + count_;
  if (tail >= slots_.size()) tail -= slots_.size();
  slots_[tail] = std::move(frame);
  ++count_;
  return true;
}

bufs frame_ring::pop() noexcept {
  ATOLL_ASSERT(count_ > 0);
  bufs f = std::move(slots_[head_]);  // leaves the slot empty: its bytes go with f
  if (++head_ == slots_.size()) head_ = 0;
  --count_;
  return f;
}

void frame_ring::grow() {
  // Doubling keeps the copies amortised; the frames keep their order, the
  // oldest at slot 0 of the new storage.
  constexpr std::size_t first = 16;
  const std::size_t size = std::min(limit_, std::max(first, slots_.size() * 2));
  std::vector<bufs> next(size);
  for (std::size_t i = 0; i < count_; ++i) {
    std::size_t at = head_ + i;
    if (at >= slots_.size()) at -= slots_.size();
    next[i] = std::move(slots_[at]);
  }
  slots_ = std::move(next);
  head_ = 0;
}

}  // namespace atl::net
