// sack_scoreboard: what the peer told the sender it holds (RFC 6675).
//
// The sender feeds every ACK's cumulative point and SACK blocks to
// on_ack(); the scoreboard keeps the SACKed ranges above SND.UNA, merged
// and sorted, in a bounded table. When the table is full the range
// farthest from SND.UNA is forgotten: that only makes the sender more
// conservative (it may retransmit data the peer has).
//
// Loss follows RFC 6675's IsLost with DupThresh = 3: a byte is lost when
// at least 3 discontiguous SACKed ranges lie above it, or more than
// 2 * MSS SACKed bytes do. pipe() is SetPipe: unSACKed bytes not deemed
// lost, plus lost bytes already retransmitted (below HighRxt, which the
// sender reports with set_high_rxt()).
#pragma once

#include <atoll/net/tcp/seq.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace atl::net::tcp {

class sack_scoreboard {
public:
  static constexpr std::uint32_t dup_thresh = 3;

  /// The range table (max_blocks entries) is allocated here, once.
  explicit sack_scoreboard(std::size_t max_blocks = 32) noexcept;

  /// on_ack(snd_una, blocks): forgets everything below snd_una and adds
  /// the blocks (raw sequence numbers from tcp_repr). Blocks that are empty,
  /// inverted, at or below snd_una (D-SACK) or absurdly far are ignored;
  /// parts below snd_una are trimmed.
  void on_ack(seq snd_una, std::span<const sack_block> blocks) noexcept;
  /// set_high_rxt(s): the sender has retransmitted lost data up to s
  /// (RFC 6675 HighRxt), counted by pipe().
  void set_high_rxt(seq s) noexcept;

  [[nodiscard]] bool is_sacked(seq s) const noexcept;
  /// sacked_bytes: total SACKed bytes above snd_una.
  [[nodiscard]] std::uint32_t sacked_bytes() const noexcept;
  /// highest_sacked: one past the highest SACKed byte (nullopt: none).
  [[nodiscard]] std::optional<seq> highest_sacked() const noexcept;
  /// is_lost(s, mss): RFC 6675 IsLost for the byte s, DupThresh 3.
  [[nodiscard]] bool is_lost(seq s, std::uint32_t mss) const noexcept;
  /// next_hole(from, snd_nxt): the first range [start, start + length) at
  /// or after `from` and before snd_nxt that is not SACKed.
  [[nodiscard]] std::optional<std::pair<seq, std::uint32_t>> next_hole(seq from,
                                                                       seq snd_nxt) const noexcept;
  /// pipe(snd_una, snd_nxt, mss): RFC 6675 SetPipe, in bytes.
  [[nodiscard]] std::uint32_t pipe(seq snd_una, seq snd_nxt, std::uint32_t mss) const noexcept;
  /// blocks: the SACKed ranges, sorted (for tests and statistics).
  [[nodiscard]] std::size_t blocks() const noexcept { return ranges_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }
  void clear() noexcept;

private:
  struct range {
    seq left;
    seq right;  // one past the last byte
  };
  void add(range r) noexcept;
  /// lost_from: IsLost for a byte below ranges_[i] and not SACKed.
  [[nodiscard]] bool lost_from(std::size_t i, std::uint32_t mss) const noexcept;

  std::size_t max_blocks_;
  std::vector<range> ranges_;  // sorted, disjoint, non-adjacent; above snd_una_
  seq snd_una_{};
  std::optional<seq> high_rxt_;
  bool have_una_ = false;
};

}  // namespace atl::net::tcp
