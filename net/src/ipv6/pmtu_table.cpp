#include <atoll/net/ipv6/pmtu_table.hpp>

#include <algorithm>

namespace atl::net {

pmtu_table::pmtu_table(std::uint32_t link_mtu, const pmtu_config& config) noexcept
    : config_(config), link_mtu_(std::max(link_mtu, ipv6_min_mtu)) {}

std::uint32_t pmtu_table::mtu(mono_time now, const ipv6_addr& dst) const noexcept {
  for (const auto& e : entries_) {
    if (e.dst == dst && now < e.updated + config_.expiry) return std::min(e.mtu, link_mtu_);
  }
  return link_mtu_;
}

bool pmtu_table::on_packet_too_big(mono_time now, const ipv6_addr& dst,
                                   std::uint32_t mtu) noexcept {
  mtu = std::max(mtu, ipv6_min_mtu);
  if (mtu >= this->mtu(now, dst)) return false;
  for (auto& e : entries_) {
    if (e.dst == dst) {
      e.mtu = mtu;
      e.updated = now;
      return true;
    }
  }
  if (config_.max_entries == 0) return false;
  if (entries_.size() >= config_.max_entries) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const entry& a, const entry& b) { return a.updated < b.updated; });
    *oldest = entry{dst, mtu, now};
    return true;
  }
  entries_.push_back(entry{dst, mtu, now});
  return true;
}

void pmtu_table::set_link_mtu(std::uint32_t mtu) noexcept {
  link_mtu_ = std::max(mtu, ipv6_min_mtu);
}

}  // namespace atl::net
