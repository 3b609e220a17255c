// flow_index: the direct core's lookup of TCP connections by flow id, a
// hash table instead of a scan of the connection table per segment.
//
// Open addressing with linear probing over a power-of-two array of slots,
// at most half full; deletion shifts the following entries back, so there
// are no tombstones and lookups stay short. The array grows by doubling as
// entries are added, up to what `limit` entries need, and never past it:
// insert() refuses entry number limit + 1. The hash is not keyed; a peer
// choosing colliding flows only makes probes longer, and the limit bounds
// them (at worst the scan this replaces).
//
// The index holds pointers, not copies: each key must stay valid, and
// unchanged, while its entry is in the index (the connection's own id).
#pragma once

#include <atoll/net/tcp/flow_id.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atl::net {

namespace detail {
struct tcp_entry;
}  // namespace detail

class flow_index {
public:
  /// flow_index(limit): at most `limit` entries; no storage until the first insert.
  explicit flow_index(std::size_t limit) noexcept : limit_(limit) {}

  /// insert(key, value): false, nothing changed, when `key` is already in
  /// the index or it holds `limit` entries.
  bool insert(const tcp::flow_id& key, detail::tcp_entry* value);
  /// find(key): the value inserted for key, or nullptr.
  [[nodiscard]] detail::tcp_entry* find(const tcp::flow_id& key) const noexcept;
  /// erase(key, value): removes key when it maps to value; false otherwise.
  bool erase(const tcp::flow_id& key, const detail::tcp_entry* value) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] std::size_t limit() const noexcept { return limit_; }
  /// slots: the array's size (a power of two, or 0), for tests.
  [[nodiscard]] std::size_t slots() const noexcept { return slots_.size(); }

private:
  struct slot {
    const tcp::flow_id* key = nullptr;  // nullptr: free
    detail::tcp_entry* value = nullptr;
    std::uint64_t hash = 0;
  };

  [[nodiscard]] std::size_t home(std::uint64_t hash) const noexcept {
    return static_cast<std::size_t>(hash) & (slots_.size() - 1);
  }
  void grow();
  void place(const slot& s) noexcept;  // into a free slot; the array has one

  std::size_t limit_;
  std::vector<slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace atl::net
