// IP fragment reassembly for both address families, sans-I/O.
//
// fragment_buffer holds the fragments of one datagram; reassembler is a
// bounded table of them keyed by an opaque fixed-size key, so IPv4 keys on
// (src, dst, protocol, id) and IPv6 on (src, dst, id) with the same code.
//
// Semantics (RFC 5722, which IPv6 requires and which is safe for IPv4 too,
// as Linux does since FragmentSmack): a fragment that overlaps another one
// of the same datagram discards the whole datagram; an exact duplicate
// (same offset and length) is ignored and counted. A non-final fragment
// must hold a multiple of 8 bytes; no fragment may end past
// max_datagram_len (65535); a second, different final fragment, or a
// fragment ending past the final one, discards the datagram.
//
// Memory: each fragment's payload is copied into its own buf (so a tiny
// fragment never pins a whole received frame); bytes_held() counts those
// payload bytes. Fragment metadata is preallocated: max_fragments per
// datagram, max_datagrams datagrams, so only payload bufs are allocated on
// input, and every allocation is checked against the limits first.
//
// Limits and what happens at them (reassembler):
// - per source (the key's leading source bytes): a fragment that would start
//   a datagram past max_per_source, or hold more than max_bytes_per_source,
//   is dropped (the new one loses: a source cannot flush its own older
//   datagrams by flooding, nor anyone else's);
// - globally: a fragment that would start a datagram past max_datagrams, or
//   hold more than max_bytes, evicts the oldest datagrams in progress
//   (oldest first seen) until it fits: a flood of partial datagrams from many
//   sources ages out instead of blocking legitimate traffic for a timeout;
// - a datagram not complete timeout after its first fragment is discarded.
// Every drop is counted by reason (reassembly_stats).
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::ip {

/// max_datagram_len: an IP payload cannot end past 65535 bytes (offset + length).
inline constexpr std::size_t max_datagram_len = 65535;

/// fragment_status: what adding one fragment to a fragment_buffer did.
enum class fragment_status : std::uint8_t {
  held,                ///< kept; the datagram is not complete yet
  complete,            ///< kept; every byte of the datagram is now present
  duplicate,           ///< an exact duplicate of a held fragment: ignored
  bad_fragment,        ///< empty, misaligned, or inconsistent with the final fragment
  overlap,             ///< overlaps a held fragment (RFC 5722): discard the datagram
  too_large,           ///< ends past the maximum datagram length
  too_many_fragments,  ///< the datagram already holds max_fragments
  no_memory,           ///< the payload copy could not be allocated
};

/// fragment_buffer: the fragments of one datagram, sorted by offset, never
/// overlapping. Not copyable (it owns preallocated storage); movable.
class fragment_buffer {
public:
  /// fragment_buffer(max_fragments, max_len): room for max_fragments
  /// fragments (reserved now), a datagram of at most max_len bytes.
  explicit fragment_buffer(std::size_t max_fragments = 64,
                           std::size_t max_len = max_datagram_len) noexcept;
  fragment_buffer(fragment_buffer&&) noexcept = default;
  fragment_buffer& operator=(fragment_buffer&&) noexcept = default;
  fragment_buffer(const fragment_buffer&) = delete;
  fragment_buffer& operator=(const fragment_buffer&) = delete;

  /// check_alone(offset, more, len, max_len): a fragment's own validity:
  /// held, or bad_fragment (empty; offset not a multiple of 8; a non-final
  /// fragment not a multiple of 8 bytes) or too_large (ends past max_len).
  [[nodiscard]] static fragment_status check_alone(std::uint32_t offset, bool more, std::size_t len,
                                                   std::size_t max_len) noexcept;
  /// check(offset, more, len): the status add() would give for a fragment of
  /// len bytes, without storing it: held (or complete), duplicate, or the
  /// reason it would be refused. No allocation.
  [[nodiscard]] fragment_status check(std::uint32_t offset, bool more,
                                      std::size_t len) const noexcept;
  /// add(offset, more, payload, budget): stores a copy of payload (charged to
  /// budget when given) at byte offset `offset`; `more` is the more-fragments
  /// flag. Returns held or complete when stored, duplicate when ignored, or a
  /// refusal; after overlap, too_large or bad_fragment the caller should
  /// discard the datagram (reassembler does).
  fragment_status add(std::uint32_t offset, bool more, std::span<const std::byte> payload,
                      memory_budget* budget = nullptr) noexcept;

  /// complete: the final fragment is here and there is no gap.
  [[nodiscard]] bool complete() const noexcept {
    return total_len_.has_value() && held_ == *total_len_;
  }
  /// assemble(headroom, budget): the whole payload as one new buf with
  /// `headroom` bytes in front (for headers of a forwarded or looped
  /// packet). complete() only (errc::invalid_argument otherwise);
  /// errc::no_memory when the allocation fails.
  [[nodiscard]] result<buf> assemble(std::size_t headroom = 0,
                                     memory_budget* budget = nullptr) const noexcept;

  /// bytes_held: payload bytes stored.
  [[nodiscard]] std::size_t bytes_held() const noexcept { return held_; }
  /// fragments: fragments stored.
  [[nodiscard]] std::size_t fragments() const noexcept { return pieces_.size(); }
  /// total_len: the datagram's length, once its final fragment is here.
  [[nodiscard]] std::optional<std::size_t> total_len() const noexcept { return total_len_; }
  /// clear: forgets every fragment (keeps the reserved storage).
  void clear() noexcept;

private:
  struct piece {
    std::uint32_t offset;
    buf data;
  };

  std::vector<piece> pieces_;
  std::size_t max_fragments_;
  std::size_t max_len_;
  std::size_t held_ = 0;
  std::optional<std::size_t> total_len_;
};

/// reassembly_key: what identifies a datagram, as bytes: the source address
/// first (its length is source_len, used for the per-source limits), then
/// whatever else the family keys on. Unused bytes are zero.
struct reassembly_key {
  static constexpr std::size_t max_len = 40;

  std::array<std::byte, max_len> bytes{};
  std::uint8_t len = 0;
  std::uint8_t source_len = 0;

  /// make(source, rest): source followed by rest (source.size() + rest.size()
  /// <= max_len: a bug otherwise).
  static reassembly_key make(std::span<const std::byte> source,
                             std::span<const std::byte> rest) noexcept;
  /// same_source(other): the source parts are equal.
  [[nodiscard]] bool same_source(const reassembly_key& other) const noexcept;

  friend bool operator==(const reassembly_key&, const reassembly_key&) noexcept = default;
};

/// reassembly_limits: the bounds of a reassembler (defaults for IPv4; IPv6
/// uses timeout 60 s, RFC 8200 section 4.5).
struct reassembly_limits {
  std::size_t max_datagrams = 64;                              ///< in progress, all sources
  std::size_t max_per_source = 16;                             ///< in progress, one source
  std::size_t max_bytes = std::size_t{1024} * 1024;            ///< payload held, all sources
  std::size_t max_bytes_per_source = std::size_t{256} * 1024;  ///< payload held, one source
  std::size_t max_fragments = 64;                              ///< per datagram
  std::size_t max_len = max_datagram_len;                      ///< per datagram
  duration timeout = std::chrono::seconds(30);                 ///< from the first fragment
  /// headroom: bytes left in front of a reassembled payload, so the caller
  /// can put a header back (to quote the datagram in an ICMP error).
  std::size_t headroom = 0;
};

/// reassembly_drop: why fragments or datagrams were dropped.
enum class reassembly_drop : std::uint8_t {
  bad_fragment,        ///< a fragment: empty, misaligned, inconsistent (its datagram too)
  overlap,             ///< a datagram: overlapping fragments (RFC 5722)
  too_large,           ///< a datagram: a fragment ended past max_len
  too_many_fragments,  ///< a datagram: more than max_fragments
  per_source_limit,    ///< a fragment: its source is at max_per_source
  per_source_bytes,    ///< a datagram: its source would hold more than max_bytes_per_source
  evicted,             ///< a datagram: the oldest, evicted for a new one at a global limit
  timeout,             ///< a datagram: not complete in time
  no_memory,           ///< a datagram: an allocation failed, or it cannot fit max_bytes
  count_,
};

/// reassembly_stats: counters of a reassembler.
struct reassembly_stats {
  std::uint64_t fragments = 0;    ///< fragments offered to add()
  std::uint64_t reassembled = 0;  ///< datagrams completed
  std::uint64_t duplicates = 0;   ///< exact duplicates ignored
  std::array<std::uint64_t, static_cast<std::size_t>(reassembly_drop::count_)> drops{};

  [[nodiscard]] std::uint64_t dropped(reassembly_drop why) const noexcept {
    return drops[static_cast<std::size_t>(why)];
  }
};

/// reassembler: the datagrams in reassembly, bounded as the top of this
/// header says. Sans-I/O: time comes in as `now`; the caller wakes at
/// next_deadline() and calls expire(). Lookups are linear over at most
/// max_datagrams entries (64 by default): cheaper than hashing at this size.
class reassembler {
public:
  /// reassembler(limits, budget): storage for the limits is reserved now;
  /// payload copies are charged to budget when given (it must outlive this).
  explicit reassembler(const reassembly_limits& limits = {},
                       memory_budget* budget = nullptr) noexcept;

  /// add(key, offset, more, payload, now): offers one fragment (offset in
  /// bytes, `more` the more-fragments flag, payload copied). Returns the
  /// reassembled payload as one buf when this fragment completes the
  /// datagram, std::nullopt when it was kept (or an exact duplicate), or an
  /// error when it was dropped (counted): errc::corrupt for bad, overlapping
  /// or too large fragments, errc::limit_exceeded at a per-source or
  /// fragment-count limit, errc::no_memory. Expires old datagrams first.
  result<std::optional<buf>> add(const reassembly_key& key, std::uint32_t offset, bool more,
                                 std::span<const std::byte> payload, mono_time now) noexcept;

  /// expire(now): discards the datagrams whose deadline is <= now (counted as timeout).
  void expire(mono_time now) noexcept;
  /// next_deadline: the earliest deadline of a datagram in progress, or mono_never.
  [[nodiscard]] mono_time next_deadline() const noexcept;

  /// in_progress: datagrams being reassembled.
  [[nodiscard]] std::size_t in_progress() const noexcept;
  /// bytes_held: payload bytes held, all datagrams (<= limits().max_bytes).
  [[nodiscard]] std::size_t bytes_held() const noexcept { return held_; }
  [[nodiscard]] const reassembly_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const reassembly_limits& limits() const noexcept { return limits_; }

private:
  struct slot {
    bool used = false;
    reassembly_key key;
    mono_time first_seen{};
    std::uint64_t order = 0;  // ties of first_seen: older first
    fragment_buffer frags;
  };

  slot* find(const reassembly_key& key) noexcept;
  slot* free_slot() noexcept;
  slot* oldest(const slot* except) noexcept;
  void discard(slot& s, reassembly_drop why) noexcept;
  void count(reassembly_drop why) noexcept { ++stats_.drops[static_cast<std::size_t>(why)]; }
  [[nodiscard]] std::size_t source_datagrams(const reassembly_key& key) const noexcept;
  [[nodiscard]] std::size_t source_bytes(const reassembly_key& key) const noexcept;

  reassembly_limits limits_;
  memory_budget* budget_;
  std::vector<slot> slots_;
  std::size_t held_ = 0;
  std::size_t used_ = 0;  // slots in use: next_deadline() and expire() skip the scan at 0
  std::uint64_t next_order_ = 0;
  reassembly_stats stats_;
};

}  // namespace atl::net::ip
