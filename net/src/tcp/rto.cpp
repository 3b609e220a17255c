// RFC 6298 retransmission timer arithmetic (see rto.hpp).
#include <atoll/net/tcp/rto.hpp>

#include <algorithm>
#include <cstdint>

namespace atl::net::tcp {

namespace {

duration clamp_rto(duration value, const rto_estimator::config& cfg) noexcept {
  return std::clamp(value, cfg.min, std::max(cfg.min, cfg.max));
}

}  // namespace

rto_estimator::rto_estimator(config cfg) noexcept
    : config_(cfg), base_(clamp_rto(cfg.initial, cfg)) {}

void rto_estimator::sample(duration rtt) noexcept {
  if (rtt < duration::zero()) rtt = duration::zero();
  if (!has_sample_) {
    // 2.2: the first measurement.
    srtt_ = rtt;
    rttvar_ = rtt / 2;
    has_sample_ = true;
  } else {
    // 2.3: RTTVAR first, with the SRTT from before this sample.
    const duration err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (3 * rttvar_ + err) / 4;
    srtt_ = (7 * srtt_ + rtt) / 8;
  }
  base_ = clamp_rto(srtt_ + std::max(config_.granularity, 4 * rttvar_), config_);
}

void rto_estimator::backoff() noexcept {
  // rto() stops doubling at the cap, so counting on is harmless.
  if (backoffs_ != UINT32_MAX) ++backoffs_;
}

void rto_estimator::clear_backoff() noexcept { backoffs_ = 0; }

duration rto_estimator::rto() const noexcept {
  duration value = base_;
  const duration cap = std::max(config_.min, config_.max);
  for (std::uint32_t i = 0; i < backoffs_ && value < cap; ++i) value *= 2;
  return std::min(value, cap);
}

}  // namespace atl::net::tcp
