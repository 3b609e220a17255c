// flow_index: a bounded open-addressing table of flow ids (flow_index.hpp).
#include <atoll/net/direct/flow_index.hpp>

#include <cstring>
#include <utility>

namespace atl::net {
namespace {

// hash_of(key): mixes the key's bytes eight at a time; flow_id::hash (FNV-1a)
// takes a multiply per byte, and this runs for every segment received.
std::uint64_t hash_of(const tcp::flow_id& key) noexcept {
  const auto bytes = key.to_bytes();
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  std::size_t at = 0;
  const auto mix = [&h](std::uint64_t w) noexcept {
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
  };
  for (; at + 8 <= bytes.size(); at += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, bytes.data() + at, 8);
    mix(w);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + at, bytes.size() - at);
  mix(tail);
  return h ^ (h >> 29);
}

}  // namespace

bool flow_index::insert(const tcp::flow_id& key, detail::tcp_entry* value) {
  if (count_ >= limit_ || find(key) != nullptr) return false;
  // At most half full: probes stay short, and a free slot always ends them.
  if ((count_ + 1) * 2 > slots_.size()) grow();
  place(slot{&key, value, hash_of(key)});
  ++count_;
  return true;
}

detail::tcp_entry* flow_index::find(const tcp::flow_id& key) const noexcept {
  if (count_ == 0) return nullptr;
  const std::uint64_t h = hash_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(h);; i = (i + 1) & mask) {
    const slot& s = slots_[i];
    if (s.key == nullptr) return nullptr;
    if (s.hash == h && *s.key == key) return s.value;
  }
}

bool flow_index::erase(const tcp::flow_id& key, const detail::tcp_entry* value) noexcept {
  if (count_ == 0) return false;
  const std::uint64_t h = hash_of(key);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(h);
  for (;; i = (i + 1) & mask) {
    const slot& s = slots_[i];
    if (s.key == nullptr) return false;
    if (s.hash == h && *s.key == key) break;
  }
  if (slots_[i].value != value) return false;
  // Backward shift: move each following entry of the run into the hole when
  // its home does not lie (cyclically) between the hole and where it is.
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask; slots_[j].key != nullptr; j = (j + 1) & mask) {
    const std::size_t want = home(slots_[j].hash);
    const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = slot{};
  --count_;
  return true;
}

void flow_index::grow() {
  std::size_t size = slots_.empty() ? 16 : slots_.size() * 2;
  // The array never needs more than twice the limit, rounded to a power of two.
  std::size_t cap = 16;
  while (cap < limit_ * 2) cap *= 2;
  if (size > cap) size = cap;
  std::vector<slot> old = std::exchange(slots_, std::vector<slot>(size));
  for (const slot& s : old) {
    if (s.key != nullptr) place(s);
  }
}

void flow_index::place(const slot& s) noexcept {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(s.hash);
  while (slots_[i].key != nullptr) i = (i + 1) & mask;
  slots_[i] = s;
}

}  // namespace atl::net
