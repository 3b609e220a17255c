// RFC 6675 sender scoreboard (see sack_scoreboard.hpp).
#include <atoll/net/tcp/sack_scoreboard.hpp>

#include <algorithm>
#include <cstdint>

namespace atl::net::tcp {

namespace {

// Blocks claiming more than this are not believed (RFC 6675 leaves sanity
// checks to the sender; a window is at most 2^30 bytes, RFC 7323).
constexpr std::int32_t max_block_span = std::int32_t{1} << 30;

}  // namespace

sack_scoreboard::sack_scoreboard(std::size_t max_blocks) noexcept : max_blocks_(max_blocks) {
  ranges_.reserve(max_blocks_);  // never grown by peer input
}

void sack_scoreboard::clear() noexcept {
  ranges_.clear();
  high_rxt_.reset();
  have_una_ = false;
}

void sack_scoreboard::on_ack(seq snd_una, std::span<const sack_block> blocks) noexcept {
  if (!have_una_ || snd_una > snd_una_) {
    snd_una_ = snd_una;
    have_una_ = true;
  }
  // Forget what the cumulative ACK now covers.
  std::size_t gone = 0;
  while (gone < ranges_.size() && ranges_[gone].right <= snd_una_) ++gone;
  ranges_.erase(ranges_.begin(), ranges_.begin() + static_cast<std::ptrdiff_t>(gone));
  if (!ranges_.empty() && ranges_.front().left < snd_una_) ranges_.front().left = snd_una_;
  if (high_rxt_ && *high_rxt_ <= snd_una_) high_rxt_.reset();

  for (const sack_block& b : blocks) {
    range r{seq(b.left), seq(b.right)};
    const std::int32_t span = r.right - r.left;
    if (span <= 0 || span > max_block_span) continue;   // empty, inverted or absurd
    if (r.right <= snd_una_) continue;                  // D-SACK or stale
    if (r.right - snd_una_ > max_block_span) continue;  // beyond any window
    if (r.left < snd_una_) r.left = snd_una_;
    add(r);
  }
}

void sack_scoreboard::add(range r) noexcept {
  if (max_blocks_ == 0) return;
  // [i, j): the ranges that overlap or touch r.
  std::size_t i = 0;
  while (i < ranges_.size() && ranges_[i].right < r.left) ++i;
  std::size_t j = i;
  while (j < ranges_.size() && ranges_[j].left <= r.right) ++j;
  if (i < j) {
    ranges_[i].left = std::min(ranges_[i].left, r.left);
    ranges_[i].right = std::max(ranges_[j - 1].right, r.right);
    ranges_.erase(ranges_.begin() + static_cast<std::ptrdiff_t>(i + 1),
                  ranges_.begin() + static_cast<std::ptrdiff_t>(j));
    return;
  }
  if (ranges_.size() == max_blocks_) {
    // Full: forget the range farthest from SND.UNA (maybe r itself).
    if (i == ranges_.size()) return;
    ranges_.pop_back();
  }
  ranges_.insert(ranges_.begin() + static_cast<std::ptrdiff_t>(i), r);
}

void sack_scoreboard::set_high_rxt(seq s) noexcept {
  if (!high_rxt_ || s > *high_rxt_) high_rxt_ = s;
}

bool sack_scoreboard::is_sacked(seq s) const noexcept {
  return std::any_of(ranges_.begin(), ranges_.end(), [s](const range& r) {
    return in_window(s, r.left, static_cast<std::uint32_t>(r.right - r.left));
  });
}

std::uint32_t sack_scoreboard::sacked_bytes() const noexcept {
  std::uint32_t total = 0;
  for (const range& r : ranges_) total += static_cast<std::uint32_t>(r.right - r.left);
  return total;
}

std::optional<seq> sack_scoreboard::highest_sacked() const noexcept {
  if (ranges_.empty()) return std::nullopt;
  return ranges_.back().right;
}

bool sack_scoreboard::lost_from(std::size_t i, std::uint32_t mss) const noexcept {
  std::uint64_t bytes = 0;
  for (std::size_t k = i; k < ranges_.size(); ++k)
    bytes += static_cast<std::uint32_t>(ranges_[k].right - ranges_[k].left);
  return ranges_.size() - i >= dup_thresh || bytes > std::uint64_t{dup_thresh - 1} * mss;
}

bool sack_scoreboard::is_lost(seq s, std::uint32_t mss) const noexcept {
  if (is_sacked(s)) return false;
  std::size_t i = 0;
  while (i < ranges_.size() && ranges_[i].left <= s) ++i;
  return lost_from(i, mss);
}

std::optional<std::pair<seq, std::uint32_t>> sack_scoreboard::next_hole(
    seq from, seq snd_nxt) const noexcept {
  seq s = from;
  for (const range& r : ranges_) {
    if (s >= snd_nxt) return std::nullopt;
    if (r.right <= s) continue;
    if (r.left <= s) {
      s = r.right;
      continue;
    }
    const seq end = std::min(r.left, snd_nxt);
    return std::pair{s, static_cast<std::uint32_t>(end - s)};
  }
  if (s >= snd_nxt) return std::nullopt;
  return std::pair{s, static_cast<std::uint32_t>(snd_nxt - s)};
}

std::uint32_t sack_scoreboard::pipe(seq snd_una, seq snd_nxt, std::uint32_t mss) const noexcept {
  // Every byte of a hole has the same SACKed data above it, so IsLost is
  // decided once per hole rather than per byte.
  std::uint64_t total = 0;
  seq s = snd_una;
  std::size_t i = 0;
  while (s < snd_nxt) {
    while (i < ranges_.size() && ranges_[i].right <= s) ++i;
    if (i < ranges_.size() && ranges_[i].left <= s) {
      s = ranges_[i].right;
      continue;
    }
    const seq end = i < ranges_.size() ? std::min(ranges_[i].left, snd_nxt) : snd_nxt;
    const auto length = static_cast<std::uint32_t>(end - s);
    if (!lost_from(i, mss)) {
      total += length;
    } else if (high_rxt_ && *high_rxt_ > s) {
      total += std::min<std::uint32_t>(length, static_cast<std::uint32_t>(*high_rxt_ - s));
    }
    s = end;
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

}  // namespace atl::net::tcp
