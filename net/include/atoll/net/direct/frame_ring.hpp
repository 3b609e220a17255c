// frame_ring: the direct stack's transmit queue, a first-in first-out ring
// of frames (bufs) holding at most `limit` of them.
//
// It replaces a std::deque<bufs>, which made one allocation per frame (a
// bufs is ~400 bytes, so a deque node holds one). The ring's storage grows
// by doubling up to the limit as the queue deepens and is then reused: a
// queue that stays short costs little memory, and a busy one allocates
// nothing per frame. Frames are moved in and out, never copied.
#pragma once

#include <atoll/core/buf.hpp>

#include <cstddef>
#include <vector>

namespace atl::net {

class frame_ring {
public:
  /// frame_ring(limit): at most `limit` frames; no storage until the first push.
  explicit frame_ring(std::size_t limit) noexcept : limit_(limit) {}

  /// push(frame): appends; false (the frame is left as it was) when the
  /// ring already holds `limit` frames.
  bool push(bufs&& frame);
  /// pop: the oldest frame; the ring must not be empty.
  bufs pop() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] bool full() const noexcept { return count_ >= limit_; }
  [[nodiscard]] std::size_t limit() const noexcept { return limit_; }
  /// slots: storage allocated so far (<= limit), for tests and statistics.
  [[nodiscard]] std::size_t slots() const noexcept { return slots_.size(); }

private:
  void grow();

  std::size_t limit_;
  std::vector<bufs> slots_;  // a ring: count_ frames from head_, wrapping
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace atl::net
