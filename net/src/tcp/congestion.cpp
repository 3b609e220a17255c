// NewReno (RFC 5681, RFC 6582) and CUBIC (RFC 9438) window arithmetic; see
// congestion.hpp for the contract.
#include <atoll/net/tcp/congestion.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace atl::net::tcp {

namespace {

constexpr double cubic_c = 0.4;     // segments / s^3
constexpr double cubic_beta = 0.7;  // multiplicative decrease
// Reno-friendly additive increase that matches Reno's average rate with
// CUBIC's beta (RFC 9438 4.3).
constexpr double cubic_alpha = 3.0 * (1.0 - cubic_beta) / (1.0 + cubic_beta);
// "Arbitrarily high" initial ssthresh (RFC 5681 3.1), with room to add to.
constexpr std::uint32_t ssthresh_unbounded = UINT32_MAX / 2;
constexpr std::uint32_t window_ceiling = UINT32_MAX / 2;

std::uint32_t saturating_add(std::uint32_t a, std::uint64_t b) noexcept {
  const std::uint64_t sum = std::uint64_t{a} + b;
  return sum > window_ceiling ? window_ceiling : static_cast<std::uint32_t>(sum);
}

// Newton's method for the cube root: portable code has no libm to rely on.
double cube_root(double x) noexcept {
  if (x <= 0) return 0;
  double r = x > 1 ? x / 3 : 1;
  for (int i = 0; i < 100; ++i) {
    const double next = (2 * r + x / (r * r)) / 3;
    if (next == r) break;
    r = next;
  }
  return r;
}

double seconds(duration d) noexcept { return std::chrono::duration<double>(d).count(); }

}  // namespace

congestion_control::congestion_control(congestion_algorithm algorithm, std::uint32_t mss) noexcept
    : algorithm_(algorithm),
      mss_(std::max<std::uint32_t>(mss, 1)),
      cwnd_(initial_window()),
      ssthresh_(ssthresh_unbounded) {}

std::uint32_t congestion_control::initial_window() const noexcept {
  // RFC 5681 3.1 (as RFC 3390): 2 to 4 segments, about 4 KB.
  if (mss_ > 2190) return saturating_add(0, std::uint64_t{2} * mss_);
  if (mss_ > 1095) return 3 * mss_;
  return 4 * mss_;
}

std::uint32_t congestion_control::reduced(std::uint32_t flight_size) const noexcept {
  const std::uint64_t floor = std::uint64_t{2} * mss_;
  std::uint64_t value = algorithm_ == congestion_algorithm::cubic
                            ? static_cast<std::uint64_t>(flight_size * cubic_beta)
                            : flight_size / 2;
  return saturating_add(0, std::max(value, floor));
}

void congestion_control::set_mss(std::uint32_t mss) noexcept {
  mss_ = std::max<std::uint32_t>(mss, 1);
  cwnd_ = std::max(cwnd_, mss_);
  ssthresh_ = std::max(ssthresh_, saturating_add(0, std::uint64_t{2} * mss_));
}

void congestion_control::on_ack(std::uint32_t bytes_acked, mono_time now, duration srtt) noexcept {
  if (in_recovery_ || bytes_acked == 0) return;
  if (cwnd_ < ssthresh_) {
    // Slow start with appropriate byte counting, L = 2 MSS (RFC 3465 2.2).
    cwnd_ = saturating_add(cwnd_, std::min<std::uint64_t>(bytes_acked, std::uint64_t{2} * mss_));
    return;
  }
  if (algorithm_ == congestion_algorithm::cubic)
    cubic_avoidance(bytes_acked, now, srtt);
  else
    reno_avoidance(bytes_acked);
}

void congestion_control::reno_avoidance(std::uint32_t bytes_acked) noexcept {
  // RFC 5681 3.1: +1 MSS once a full window of bytes has been acked.
  bytes_acked_ = saturating_add(bytes_acked_, bytes_acked);
  if (bytes_acked_ >= cwnd_) {
    bytes_acked_ -= cwnd_;
    cwnd_ = saturating_add(cwnd_, mss_);
  }
}

void congestion_control::cubic_avoidance(std::uint32_t bytes_acked, mono_time now,
                                         duration srtt) noexcept {
  const double mss = mss_;
  if (!epoch_valid_) {
    // RFC 9438 4.2: a new congestion avoidance stage.
    epoch_valid_ = true;
    epoch_start_ = now;
    growth_ = 0;
    w_est_ = cwnd_;
    if (w_max_ > cwnd_) {
      k_ = std::chrono::duration_cast<duration>(
          std::chrono::duration<double>(cube_root((w_max_ - cwnd_) / mss / cubic_c)));
    } else {
      k_ = duration::zero();
      w_max_ = cwnd_;
    }
  }
  const double t = seconds(now - epoch_start_);
  const double k = seconds(k_);
  const double w_max = w_max_ / mss;
  auto w_cubic = [&](double at) { return cubic_c * (at - k) * (at - k) * (at - k) + w_max; };

  // Reno-friendly estimate (4.3): alpha per window, 1 once past w_max.
  const double alpha = w_est_ >= w_max_ ? 1.0 : cubic_alpha;
  w_est_ += alpha * mss * (static_cast<double>(bytes_acked) / cwnd_);

  double increase = 0;
  if (w_cubic(t) * mss < w_est_) {
    increase = w_est_ - cwnd_;  // Reno-friendly region (4.3)
  } else {
    // Concave / convex region (4.4, 4.5): towards W_cubic(t + RTT),
    // between cwnd and 1.5 cwnd.
    const double target = std::clamp(w_cubic(t + seconds(srtt)) * mss, double(cwnd_), 1.5 * cwnd_);
    increase = (target - cwnd_) * (static_cast<double>(bytes_acked) / cwnd_);
  }
  if (increase <= 0) return;
  growth_ += increase;
  const double whole = growth_ >= window_ceiling ? window_ceiling : growth_;
  const auto add = static_cast<std::uint32_t>(whole);
  growth_ -= add;
  cwnd_ = saturating_add(cwnd_, add);
}

void congestion_control::cubic_on_loss() noexcept {
  // RFC 9438 4.7 fast convergence: a loss before reaching the last W_max
  // means the share shrank; release bandwidth by lowering W_max further.
  if (cwnd_ < w_max_)
    w_max_ = static_cast<std::uint32_t>(cwnd_ * (1.0 + cubic_beta) / 2.0);
  else
    w_max_ = cwnd_;
  epoch_valid_ = false;
}

void congestion_control::on_enter_recovery(std::uint32_t flight_size,
                                           [[maybe_unused]] mono_time now) noexcept {
  // CUBIC's new epoch starts at the first ACK after recovery (RFC 9438
  // 4.2), so the time of the loss itself is not needed.
  if (in_recovery_) return;
  in_recovery_ = true;
  bytes_acked_ = 0;
  ssthresh_ = reduced(flight_size);
  if (algorithm_ == congestion_algorithm::cubic) {
    cubic_on_loss();
    cwnd_ = ssthresh_;
  } else {
    cwnd_ = saturating_add(ssthresh_, std::uint64_t{3} * mss_);  // RFC 6582 3.2 step 2
  }
}

void congestion_control::on_dup_ack_in_recovery() noexcept {
  if (!in_recovery_ || algorithm_ == congestion_algorithm::cubic) return;
  cwnd_ = saturating_add(cwnd_, mss_);  // RFC 6582 3.2 step 4
}

void congestion_control::on_partial_ack(std::uint32_t bytes_acked) noexcept {
  if (!in_recovery_ || algorithm_ == congestion_algorithm::cubic) return;
  // RFC 6582 3.2 step 5: deflate by what left the network, add back one
  // segment for the retransmission it allows.
  cwnd_ = cwnd_ > bytes_acked ? cwnd_ - bytes_acked : 0;
  if (bytes_acked >= mss_) cwnd_ = saturating_add(cwnd_, mss_);
  cwnd_ = std::max(cwnd_, mss_);
}

void congestion_control::on_exit_recovery(std::uint32_t flight_size) noexcept {
  if (!in_recovery_) return;
  in_recovery_ = false;
  bytes_acked_ = 0;
  // RFC 6582 3.2 step 3, option 1: no burst on leaving recovery.
  const std::uint32_t limit = saturating_add(std::max(flight_size, mss_), mss_);
  cwnd_ = std::max(std::min(ssthresh_, limit), mss_);
}

void congestion_control::on_retransmit_timeout(std::uint32_t flight_size) noexcept {
  // RFC 5681 3.1 eq. (4) with the algorithm's beta (RFC 9438 4.8); the
  // loss window is one segment whatever the algorithm.
  ssthresh_ = reduced(flight_size);
  if (algorithm_ == congestion_algorithm::cubic) cubic_on_loss();
  in_recovery_ = false;
  bytes_acked_ = 0;
  cwnd_ = mss_;
}

void congestion_control::on_data_sent(mono_time now) noexcept {
  last_send_ = now;
  have_send_ = true;
}

void congestion_control::on_idle(mono_time now, duration rto) noexcept {
  if (have_send_ && now - last_send_ <= rto) return;
  cwnd_ = std::min(cwnd_, initial_window());  // RFC 5681 4.1 restart window
  bytes_acked_ = 0;
  epoch_valid_ = false;  // RFC 9438 5.8: a new epoch after idle
}

}  // namespace atl::net::tcp
