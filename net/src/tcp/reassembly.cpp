// Out-of-order receive queue (see reassembly.hpp).
#include <atoll/core/assert.hpp>
#include <atoll/net/tcp/reassembly.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace atl::net::tcp {

namespace {

// A view of part of `data`; the range was checked by the caller.
buf slice(const buf& data, std::size_t offset, std::size_t length) noexcept {
  auto part = data.sub(offset, length);
  ATOLL_ASSERT(part.has_value());
  return std::move(*part);
}

}  // namespace

reassembly_queue::reassembly_queue(std::size_t max_bytes, std::size_t max_segments) noexcept
    : max_bytes_(max_bytes), max_segments_(max_segments) {
  // All the memory the table will ever use, so peer input never grows it.
  pieces_.reserve(max_segments_);
}

seq reassembly_queue::first() const noexcept {
  return pieces_.empty() ? seq{} : pieces_.front().start;
}

void reassembly_queue::clear() noexcept {
  pieces_.clear();
  bytes_ = 0;
}

void reassembly_queue::drop_below(seq rcv_nxt) noexcept {
  std::size_t gone = 0;
  while (gone < pieces_.size() && pieces_[gone].start < rcv_nxt) {
    piece& p = pieces_[gone];
    const auto behind = static_cast<std::uint32_t>(rcv_nxt - p.start);
    if (behind < p.data.size()) {
      // Straddles rcv_nxt: keep the part from rcv_nxt on.
      bytes_ -= behind;
      (void)p.data.shift(behind);
      p.start = rcv_nxt;
      break;
    }
    bytes_ -= p.data.size();
    ++gone;
  }
  pieces_.erase(pieces_.begin(), pieces_.begin() + static_cast<std::ptrdiff_t>(gone));
}

reassembly_queue::insert_result reassembly_queue::insert(seq rcv_nxt, seq at,
                                                         buf payload) noexcept {
  ++clock_;
  drop_below(rcv_nxt);
  // Offsets below are relative to rcv_nxt, where no stored byte lies before.
  const std::int64_t offset = at - rcv_nxt;
  const std::int64_t end = offset + static_cast<std::int64_t>(payload.size());
  if (end <= 0 || payload.empty()) return insert_result::duplicate;
  std::uint64_t cur = offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
  const auto stop = static_cast<std::uint64_t>(end);
  const std::uint64_t base = static_cast<std::uint64_t>(offset);  // payload byte 0 (mod 2^64)

  std::uint64_t added = 0;
  std::uint64_t dropped = 0;
  // Store [from, to) of the payload before pieces_[index]; false once full.
  auto store = [&](std::size_t index, std::uint64_t from, std::uint64_t to) {
    std::uint64_t length = to - from;
    const std::size_t room = max_bytes_ - bytes_;
    if (pieces_.size() >= max_segments_ || room == 0) {
      dropped += length;
      return false;
    }
    const bool cut = length > room;
    if (cut) {
      dropped += length - room;
      length = room;
    }
    pieces_.insert(pieces_.begin() + static_cast<std::ptrdiff_t>(index),
                   piece{rcv_nxt + static_cast<std::uint32_t>(from),
                         slice(payload, static_cast<std::size_t>(from - base),
                               static_cast<std::size_t>(length)),
                         clock_});
    bytes_ += static_cast<std::size_t>(length);
    added += length;
    return !cut;
  };

  bool room = true;
  std::size_t i = 0;
  while (cur < stop && i < pieces_.size()) {
    const auto start = static_cast<std::uint64_t>(pieces_[i].start - rcv_nxt);
    const std::uint64_t piece_end = start + pieces_[i].data.size();
    if (piece_end <= cur) {
      ++i;
      continue;
    }
    if (start > cur) {
      const std::uint64_t to = std::min(start, stop);
      if (room)
        room = store(i, cur, to);
      else
        dropped += to - cur;
      if (room) ++i;  // past the new piece
      cur = to;
      continue;
    }
    cur = std::max(cur, piece_end);  // already stored: skip it
    ++i;
  }
  if (cur < stop) {
    if (room)
      store(pieces_.size(), cur, stop);
    else
      dropped += stop - cur;
  }

  if (dropped > 0) {
    dropped_bytes_ += dropped;
    ++dropped_segments_;
    return insert_result::dropped_limit;
  }
  return added > 0 ? insert_result::stored : insert_result::duplicate;
}

buf reassembly_queue::pop(seq rcv_nxt) noexcept {
  drop_below(rcv_nxt);
  if (pieces_.empty() || pieces_.front().start != rcv_nxt) return {};
  buf out = std::move(pieces_.front().data);
  pieces_.erase(pieces_.begin());
  bytes_ -= out.size();
  return out;
}

std::size_t reassembly_queue::sack_blocks(std::span<sack_block> out) const noexcept {
  // Blocks are runs of adjacent pieces; a block's age is its newest piece.
  // Pick them newest first by repeated scans: out holds at most 4 entries
  // and the table is bounded, so no sorting storage is needed.
  struct block_key {
    std::uint64_t touched;
    std::size_t first;
  };
  auto before = [](block_key a, block_key b) {
    return a.touched != b.touched ? a.touched < b.touched : a.first < b.first;
  };
  std::size_t written = 0;
  block_key limit{UINT64_MAX, SIZE_MAX};
  while (written < out.size()) {
    bool found = false;
    block_key best{};
    seq best_left{}, best_right{};
    for (std::size_t i = 0; i < pieces_.size();) {
      const std::size_t first = i;
      std::uint64_t touched = pieces_[i].touched;
      seq right = pieces_[i].start + static_cast<std::uint32_t>(pieces_[i].data.size());
      for (++i; i < pieces_.size() && pieces_[i].start == right; ++i) {
        touched = std::max(touched, pieces_[i].touched);
        right = pieces_[i].start + static_cast<std::uint32_t>(pieces_[i].data.size());
      }
      const block_key key{touched, first};
      if (before(key, limit) && (!found || before(best, key))) {
        found = true;
        best = key;
        best_left = pieces_[first].start;
        best_right = right;
      }
    }
    if (!found) break;
    out[written++] = sack_block{best_left.value(), best_right.value()};
    limit = best;
  }
  return written;
}

}  // namespace atl::net::tcp
