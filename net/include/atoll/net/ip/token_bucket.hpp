// token_bucket: the rate limit of ICMP errors for both families (RFC 1812
// section 4.3.2.8 for ICMPv4, RFC 4443 section 2.4 (f) for ICMPv6): up to
// `burst` messages at once, then one per `interval`. Sans-I/O: the time is
// an argument.
//
// Credit is kept in nanoseconds rather than whole tokens, so any interval
// (and any rate: per_second()) refills without drift, and a full bucket
// stays full: credit never exceeds burst * interval.
//
// Edge cases: a burst of 0 refuses everything; an interval of 0 or less
// allows everything (when burst > 0); per_second(0, burst) refuses
// everything. Time that goes backwards refills nothing.
#pragma once

#include <atoll/core/time.hpp>

#include <cstdint>
#include <limits>

namespace atl::net::ip {

class token_bucket {
public:
  /// token_bucket(burst, interval): starts full.
  constexpr token_bucket(std::uint32_t burst, duration interval) noexcept
      : cost_(interval.count() > 0 ? interval.count() : 0),
        capacity_(capacity_of(cost_, burst)),
        credit_(capacity_),
        enabled_(burst != 0) {}

  /// per_second(rate, burst): `rate` messages a second after the burst; a
  /// rate of 0 refuses everything.
  static constexpr token_bucket per_second(std::uint32_t rate, std::uint32_t burst) noexcept {
    if (rate == 0) return token_bucket(0, duration::zero());
    return token_bucket(burst, duration(1'000'000'000 / std::int64_t{rate}));
  }

  /// take(now): true and one token spent, or false (counted in refused()).
  constexpr bool take(mono_time now) noexcept {
    if (started_ && now > last_) {
      // capacity_ - credit_ first: adding the elapsed time could overflow.
      const auto elapsed = (now - last_).count();
      credit_ = elapsed >= capacity_ - credit_ ? capacity_ : credit_ + elapsed;
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
  /// refused: take() calls that returned false.
  [[nodiscard]] constexpr std::uint64_t refused() const noexcept { return refused_; }

private:
  // burst * cost, saturated: a long interval times a large burst stays finite.
  static constexpr std::int64_t capacity_of(std::int64_t cost, std::uint32_t burst) noexcept {
    if (burst == 0) return 0;
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    return cost > max / std::int64_t{burst} ? max : cost * std::int64_t{burst};
  }

  std::int64_t cost_;      // nanoseconds of credit per message
  std::int64_t capacity_;  // burst * cost
  std::int64_t credit_;
  bool enabled_;
  bool started_ = false;
  mono_time last_{};
  std::uint64_t refused_ = 0;
};

}  // namespace atl::net::ip
