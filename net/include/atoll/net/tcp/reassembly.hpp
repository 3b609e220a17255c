// reassembly_queue: the receive side's out-of-order segments.
//
// A segment that arrives ahead of RCV.NXT is kept here until the gap before
// it fills; the connection then pops the bytes that continue its stream.
// Stored data never overlaps: insert() keeps what is already stored and
// stores only the new parts of a segment (each a view sharing the
// segment's buf, no copy). The queue is bounded twice, by bytes and by
// pieces; what does not fit is dropped and counted, never grown into
// (a peer that sends ahead of the window must not make us allocate).
//
// Every stored byte lies in [rcv_nxt, rcv_nxt + 2^31): sequence numbers are
// compared modulo 2^32 relative to rcv_nxt, so the queue works across the
// wrap of the sequence space.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/net/tcp/seq.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace atl::net::tcp {

class reassembly_queue {
public:
  /// The piece table (max_segments entries) is allocated here, once.
  reassembly_queue(std::size_t max_bytes, std::size_t max_segments) noexcept;

  enum class insert_result : std::uint8_t {
    stored,        // every new byte of the segment is stored
    duplicate,     // nothing new: all of it is stored already or below rcv_nxt
    dropped_limit  // some new bytes did not fit (a prefix may be stored)
  };

  /// insert(rcv_nxt, at, payload): a segment whose first byte is `at`,
  /// normally after rcv_nxt. Bytes before rcv_nxt and bytes already stored
  /// are trimmed; the new pieces are stored in sequence order while they
  /// fit, the last one cut to the byte limit.
  insert_result insert(seq rcv_nxt, seq at, buf payload) noexcept;
  /// pop(rcv_nxt): the stored bytes starting exactly at rcv_nxt (one
  /// piece; empty buf if none), removed from the queue. Pieces wholly
  /// before rcv_nxt are discarded and one straddling it is trimmed first,
  /// so the caller may advance rcv_nxt past stored data. Call until empty.
  buf pop(seq rcv_nxt) noexcept;
  /// sack_blocks(out): the contiguous stored ranges as SACK blocks, the
  /// most recently changed first (RFC 2018 4), at most out.size().
  std::size_t sack_blocks(std::span<sack_block> out) const noexcept;

  /// bytes / segments: what is stored now.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t segments() const noexcept { return pieces_.size(); }
  [[nodiscard]] bool empty() const noexcept { return pieces_.empty(); }
  /// first: the sequence number of the lowest stored byte (empty(): none).
  [[nodiscard]] seq first() const noexcept;
  [[nodiscard]] std::size_t max_bytes() const noexcept { return max_bytes_; }
  [[nodiscard]] std::size_t max_segments() const noexcept { return max_segments_; }
  /// dropped_bytes / dropped_segments: new data refused for the limits.
  [[nodiscard]] std::uint64_t dropped_bytes() const noexcept { return dropped_bytes_; }
  [[nodiscard]] std::uint64_t dropped_segments() const noexcept { return dropped_segments_; }
  void clear() noexcept;

private:
  struct piece {
    seq start;
    buf data;
    std::uint64_t touched;  // insert() call that stored it, for SACK order
  };

  /// drop_below: forgets stored bytes before rcv_nxt.
  void drop_below(seq rcv_nxt) noexcept;

  std::size_t max_bytes_;
  std::size_t max_segments_;
  std::vector<piece> pieces_;  // sorted by start, disjoint; capacity max_segments
  std::size_t bytes_ = 0;
  std::uint64_t clock_ = 0;
  std::uint64_t dropped_bytes_ = 0;
  std::uint64_t dropped_segments_ = 0;
};

}  // namespace atl::net::tcp
