// rto_estimator: the retransmission timeout of RFC 6298.
//
// Plain values, no clock: the connection measures a round trip (from a
// timestamp echo, or from one timed segment that was not retransmitted --
// Karn's rule is the caller's job) and hands it to sample(). rto() is then
//   before any sample:  config.initial                       (2.1)
//   first sample R:     SRTT = R, RTTVAR = R/2                (2.2)
//   later samples R':   RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|
//                       SRTT   = 7/8 SRTT + 1/8 R'           (2.3)
//   RTO = SRTT + max(G, 4 RTTVAR), clamped to [min, max]      (2.4, 2.5)
// times 2^backoffs (5.5), still capped at max. A new sample does not clear
// the backoff by itself (5.7 lets it stay until data is acknowledged); the
// caller calls clear_backoff() when new data is acknowledged.
#pragma once

#include <atoll/core/time.hpp>

#include <chrono>
#include <cstdint>

namespace atl::net::tcp {

/// rto_config: the bounds of the estimator (rto_estimator::config); outside
/// the class so that `config = {}` can be a default argument.
struct rto_config {
  duration initial{std::chrono::seconds(1)};
  duration min{std::chrono::milliseconds(200)};
  duration max{std::chrono::seconds(60)};
  /// G, the clock granularity: the smallest variance term.
  duration granularity{std::chrono::milliseconds(1)};
};

class rto_estimator {
public:
  using config = rto_config;

  explicit rto_estimator(config cfg = {}) noexcept;

  /// sample(rtt): one round-trip measurement (RFC 6298 2.2-2.4). Negative
  /// samples are taken as zero.
  void sample(duration rtt) noexcept;
  /// backoff: the timer expired; the next rto() is doubled, capped at max.
  void backoff() noexcept;
  /// clear_backoff: new data was acknowledged; rto() is the computed value.
  void clear_backoff() noexcept;

  /// rto: the timeout to arm now (with backoff applied).
  [[nodiscard]] duration rto() const noexcept;
  /// srtt / rttvar: zero before the first sample.
  [[nodiscard]] duration srtt() const noexcept { return srtt_; }
  [[nodiscard]] duration rttvar() const noexcept { return rttvar_; }
  [[nodiscard]] bool has_sample() const noexcept { return has_sample_; }
  /// backoffs: how many times backoff() ran since the last clear_backoff().
  [[nodiscard]] std::uint32_t backoffs() const noexcept { return backoffs_; }
  [[nodiscard]] const config& settings() const noexcept { return config_; }

private:
  config config_;
  duration srtt_{0};
  duration rttvar_{0};
  duration base_;  // RTO before backoff, clamped
  std::uint32_t backoffs_ = 0;
  bool has_sample_ = false;
};

}  // namespace atl::net::tcp
