// The path MTU table (pmtu_table.hpp has the contract).
#include <atoll/net/ip/pmtu_table.hpp>

#include <algorithm>

namespace atl::net::ip {

pmtu_table::pmtu_table(const pmtu_config& config) noexcept : config_(config) {
  entries_.reserve(config_.max_entries);
}

std::uint32_t pmtu_table::update(const ip_addr& dst, std::uint32_t mtu, mono_time now) noexcept {
  mtu = std::max(mtu, config_.min_mtu);
  for (auto& e : entries_) {
    if (e.dst != dst) continue;
    if (!live(e, now) || mtu < e.mtu) e.mtu = mtu;
    e.updated = now;
    return e.mtu;
  }
  insert(dst, mtu, now);
  return mtu;
}

bool pmtu_table::lower(const ip_addr& dst, std::uint32_t mtu, std::uint32_t link_mtu,
                       mono_time now) noexcept {
  const auto before = this->mtu(dst, now, link_mtu);
  mtu = std::max(mtu, config_.min_mtu);
  if (mtu >= before) return false;  // says nothing new: not even a refresh
  // Below the MTU in use, so below any unexpired entry: update() records it.
  (void)update(dst, mtu, now);
  return this->mtu(dst, now, link_mtu) != before;
}

std::uint32_t pmtu_table::mtu(const ip_addr& dst, mono_time now,
                              std::uint32_t link_mtu) const noexcept {
  for (const auto& e : entries_) {
    if (e.dst == dst && live(e, now)) return std::min(e.mtu, link_mtu);
  }
  return link_mtu;
}

void pmtu_table::expire(mono_time now) noexcept {
  std::erase_if(entries_, [&](const entry& e) { return !live(e, now); });
}

mono_time pmtu_table::next_deadline() const noexcept {
  mono_time next = mono_never;
  for (const auto& e : entries_) next = std::min(next, e.updated + config_.lifetime);
  return next;
}

void pmtu_table::insert(const ip_addr& dst, std::uint32_t mtu, mono_time now) noexcept {
  if (config_.max_entries == 0) return;
  if (entries_.size() < config_.max_entries) {
    entries_.push_back(entry{dst, mtu, now});
    return;
  }
  auto oldest =
      std::min_element(entries_.begin(), entries_.end(),
                       [](const entry& a, const entry& b) { return a.updated < b.updated; });
  *oldest = entry{dst, mtu, now};
}

}  // namespace atl::net::ip
