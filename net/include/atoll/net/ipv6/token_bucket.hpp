// token_bucket: the rate limiter of ICMPv6 errors (RFC 4443 section 2.4 (f)
// recommends a token bucket): up to `burst` messages at once, then one per
// `interval`. Sans-I/O: the time is an argument.
#pragma once

#include <atoll/core/time.hpp>

#include <cstdint>

namespace atl::net {

class token_bucket {
public:
  /// token_bucket(burst, interval): starts full.
  constexpr token_bucket(std::uint32_t burst, duration interval) noexcept
      : burst_(burst), interval_(interval), tokens_(burst) {}

  /// take(now): true (and one token spent) when a message may be sent.
  bool take(mono_time now) noexcept {
    refill(now);
    if (tokens_ == 0) return false;
    --tokens_;
    return true;
  }

private:
  void refill(mono_time now) noexcept {
    if (!started_) {
      started_ = true;
      last_ = now;
      return;
    }
    if (interval_.count() <= 0) {
      tokens_ = burst_;
      return;
    }
    if (now <= last_) return;
    const auto earned = (now - last_) / interval_;
    if (earned <= 0) return;
    if (static_cast<std::uint64_t>(earned) >= burst_ - tokens_) {
      tokens_ = burst_;
      last_ = now;
    } else {
      tokens_ += static_cast<std::uint32_t>(earned);
      last_ += earned * interval_;
    }
  }

  std::uint32_t burst_;
  duration interval_;
  std::uint32_t tokens_;
  mono_time last_{};
  bool started_ = false;
};

}  // namespace atl::net
