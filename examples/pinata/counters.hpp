// counters: what the piñata has seen, shown live on its HTTP page.
//
// Plain numbers, updated by the TLS side and read by the page; the engine is
// single-threaded, so no synchronisation is needed. Failed handshakes are
// counted per tls::reason (an array indexed by the enum, so the table is
// bounded by the enum's size), plus handshakes that ran out of time.
#pragma once

#include <atoll/tls/reason.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace pinata {

/// reason_count: one slot per tls::reason value.
inline constexpr std::size_t reason_count = static_cast<std::size_t>(atl::tls::reason::other) + 1;

struct counters {
  std::uint64_t connections = 0;    ///< TCP connections accepted on the TLS port
  std::uint64_t busy = 0;           ///< connections refused: too many at once
  std::uint64_t secrets_given = 0;  ///< verified handshakes that were sent the secret
  std::uint64_t resumed = 0;        ///< of those, resumed sessions
  std::uint64_t timeouts = 0;       ///< handshakes that did not finish in time
  std::array<std::uint64_t, reason_count> failed{};  ///< failed handshakes by reason

  void fail(atl::tls::reason r) noexcept {
    const auto i = static_cast<std::size_t>(r);
    ++failed[i < reason_count ? i : reason_count - 1];
  }
  [[nodiscard]] std::uint64_t failed_total() const noexcept {
    std::uint64_t n = timeouts;
    for (auto f : failed) n += f;
    return n;
  }
};

}  // namespace pinata
