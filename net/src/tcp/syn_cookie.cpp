// SYN cookies (see syn_cookie.hpp).
#include <atoll/devices/sha256.hpp>
#include <atoll/net/tcp/syn_cookie.hpp>

#include <cstdint>

namespace atl::net::tcp {

namespace {

constexpr std::uint32_t hash_bits = 24;
constexpr std::uint32_t hash_mask = (std::uint32_t{1} << hash_bits) - 1;
constexpr std::uint32_t mss_shift = 24;
constexpr std::uint32_t slot_shift = 27;
constexpr std::uint32_t slot_mask = 0x1f;

std::uint32_t slot_at(mono_time now) noexcept {
  const auto since = now.time_since_epoch();
  // The clock starts at boot, so it is not negative; be safe anyway.
  if (since < duration::zero()) return 0;
  return static_cast<std::uint32_t>(since / syn_cookie_slot);
}

// A secret-prefix MAC: SHA-256 has no length-extension use here, since
// every input has the same fixed layout after the key.
std::uint32_t cookie_hash(const syn_cookie_secret& secret, std::span<const std::byte> flow_id,
                          seq peer_isn, std::uint32_t slot, std::uint32_t mss_index) noexcept {
  sha256 h;
  h.update(secret.key);
  const std::uint32_t isn = peer_isn.value();
  const std::uint8_t length =
      static_cast<std::uint8_t>(flow_id.size() > 255 ? 255 : flow_id.size());
  const std::byte fields[] = {std::byte{length},     std::byte(isn >> 24), std::byte(isn >> 16),
                              std::byte(isn >> 8),   std::byte(isn),       std::byte(slot >> 24),
                              std::byte(slot >> 16), std::byte(slot >> 8), std::byte(slot),
                              std::byte(mss_index)};
  h.update(fields);
  h.update(flow_id);
  const auto digest = h.finish();
  return (std::uint32_t(digest[0]) << 16 | std::uint32_t(digest[1]) << 8 |
          std::uint32_t(digest[2])) &
         hash_mask;
}

}  // namespace

seq make_syn_cookie(const syn_cookie_secret& secret, std::span<const std::byte> flow_id,
                    seq peer_isn, std::uint16_t mss, mono_time now) noexcept {
  std::uint32_t index = 0;
  for (std::uint32_t i = 0; i < syn_cookie_mss_table.size(); ++i)
    if (syn_cookie_mss_table[i] <= mss) index = i;
  const std::uint32_t slot = slot_at(now);
  return seq((slot & slot_mask) << slot_shift | index << mss_shift |
             cookie_hash(secret, flow_id, peer_isn, slot, index));
}

std::optional<std::uint16_t> check_syn_cookie(const syn_cookie_secret& secret,
                                              std::span<const std::byte> flow_id, seq peer_isn,
                                              seq cookie, mono_time now) noexcept {
  const std::uint32_t value = cookie.value();
  const std::uint32_t index = value >> mss_shift & 0x7;
  const std::uint32_t current = slot_at(now);
  // The cookie names its slot modulo 32; only this slot and the one
  // before are accepted, and the hash covers the full slot number.
  for (std::uint32_t age = 0; age < 2 && age <= current; ++age) {
    const std::uint32_t slot = current - age;
    if ((value >> slot_shift) != (slot & slot_mask)) continue;
    if ((value & hash_mask) == cookie_hash(secret, flow_id, peer_isn, slot, index))
      return syn_cookie_mss_table[index];
  }
  return std::nullopt;
}

}  // namespace atl::net::tcp
