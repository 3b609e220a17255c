// The path MTU table (pmtu_table.hpp has the contract).
#include <atoll/net/ipv4/pmtu_table.hpp>

#include <algorithm>
#include <array>

namespace atl::net::ipv4 {

pmtu_table::pmtu_table(const pmtu_config& config) noexcept : config_(config) {
  entries_.reserve(config_.max_entries);
}

std::uint16_t pmtu_table::update(const ipv4_addr& dst, std::uint16_t mtu, mono_time now) noexcept {
  mtu = std::max(mtu, config_.min_mtu);
  for (auto& e : entries_) {
    if (e.dst != dst) continue;
    if (now - e.updated >= config_.lifetime || mtu < e.mtu) e.mtu = mtu;
    e.updated = now;
    return e.mtu;
  }
  if (config_.max_entries == 0) return mtu;
  if (entries_.size() >= config_.max_entries) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const entry& a, const entry& b) { return a.updated < b.updated; });
    *oldest = entry{dst, mtu, now};
  } else {
    entries_.push_back(entry{dst, mtu, now});
  }
  return mtu;
}

std::uint16_t pmtu_table::mtu(const ipv4_addr& dst, mono_time now,
                              std::uint16_t link_mtu) const noexcept {
  for (const auto& e : entries_) {
    if (e.dst == dst && now - e.updated < config_.lifetime) return std::min(e.mtu, link_mtu);
  }
  return link_mtu;
}

void pmtu_table::expire(mono_time now) noexcept {
  std::erase_if(entries_, [&](const entry& e) { return now - e.updated >= config_.lifetime; });
}

mono_time pmtu_table::next_deadline() const noexcept {
  mono_time next = mono_never;
  for (const auto& e : entries_) next = std::min(next, e.updated + config_.lifetime);
  return next;
}

std::uint16_t pmtu_table::plateau_below(std::uint16_t len) noexcept {
  static constexpr std::array<std::uint16_t, 11> plateaus{65535, 32000, 17914, 8166, 4352, 2002,
                                                          1492,  1006,  508,   296,  68};
  for (const auto p : plateaus) {
    if (p < len) return p;
  }
  return 68;
}

}  // namespace atl::net::ipv4
