// rate_limiter: a token bucket for ICMP errors (RFC 1812 section 4.3.2.8):
// `burst` messages at once, then `rate` per second. Sans-I/O: time is an
// argument. Tokens are kept in nanoseconds of credit, so any rate divides
// evenly without drift.
#pragma once

#include <atoll/core/time.hpp>

#include <algorithm>
#include <cstdint>

namespace atl::net::ipv4 {

class rate_limiter {
public:
  /// rate_limiter(rate, burst): starts full; a rate of 0 refuses everything.
  constexpr rate_limiter(std::uint32_t rate_per_second, std::uint32_t burst) noexcept
      : cost_(rate_per_second == 0 ? 0 : 1'000'000'000 / std::int64_t{rate_per_second}),
        capacity_(cost_ * burst),
        credit_(capacity_),
        enabled_(rate_per_second != 0 && burst != 0) {}

  /// allow(now): true and one token spent, or false (counted in refused()).
  bool allow(mono_time now) noexcept {
    if (started_ && now > last_) {
      credit_ = std::min(capacity_, credit_ + (now - last_).count());
    }
    if (!started_ || now > last_) last_ = now;
    started_ = true;
    if (!enabled_ || credit_ < cost_) {
      ++refused_;
      return false;
    }
    credit_ -= cost_;
    return true;
  }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

private:
  std::int64_t cost_;      // nanoseconds of credit per message
  std::int64_t capacity_;  // burst * cost
  std::int64_t credit_;
  bool enabled_;
  bool started_ = false;
  mono_time last_{};
  std::uint64_t refused_ = 0;
};

}  // namespace atl::net::ipv4
