// byte_ring: a fixed-capacity FIFO of bytes, the send and receive buffers of
// a TCP connection.
//
// The capacity is fixed when the ring is made, so a connection's memory is
// bounded by its configuration whatever the peer or the application does:
// write() takes only what fits (back-pressure) and says how much. The
// storage is allocated by the first write, so a connection that never
// carries data (a half-open one, a SYN flood's) costs no buffer memory.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace atl::net::tcp {

class byte_ring {
public:
  /// byte_ring(capacity): room for `capacity` bytes (allocated on first use).
  explicit byte_ring(std::size_t capacity) noexcept : capacity_(capacity) {}

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t free() const noexcept { return capacity_ - size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  /// write(bytes): appends as much of bytes as fits; returns the count.
  std::size_t write(std::span<const std::byte> bytes) noexcept;
  /// peek(offset, out): copies min(out.size(), size() - offset) bytes
  /// starting `offset` bytes from the front; returns the count.
  std::size_t peek(std::size_t offset, std::span<std::byte> out) const noexcept;
  /// consume(n): drops min(n, size()) bytes from the front.
  void consume(std::size_t n) noexcept;
  /// read(out): peek(0, out) then consume what was copied.
  std::size_t read(std::span<std::byte> out) noexcept;
  void clear() noexcept {
    head_ = 0;
    size_ = 0;
  }

private:
  std::size_t capacity_;
  std::vector<std::byte> storage_;  // empty until the first write
  std::size_t head_ = 0;            // index of the front byte
  std::size_t size_ = 0;
};

}  // namespace atl::net::tcp
