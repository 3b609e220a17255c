// congestion_control: the sender's congestion window, NewReno or CUBIC.
//
// Plain values, no clock, no I/O: the connection reports events and reads
// cwnd() / ssthresh(). newreno is RFC 5681 + RFC 6582, for recovery driven
// by duplicate ACKs (cwnd inflated and deflated); cubic is RFC 9438, meant
// for SACK recovery that compares pipe with cwnd (RFC 6675), so cwnd stays
// at ssthresh through recovery. Both share slow start with appropriate
// byte counting (RFC 5681 3.1, RFC 3465, L = 2 MSS per ACK), fast
// recovery in the style of RFC 6582 (cwnd deflated on partial ACKs, set
// to ssthresh on exit), a 1 MSS loss window after a timeout and the
// restart window after idle (RFC 5681 4.1).
//   newreno: congestion avoidance adds about 1 MSS per round trip (bytes
//            acked are counted up to a full window, then cwnd += MSS);
//            on loss ssthresh = max(flight / 2, 2 MSS).
//   cubic:   RFC 9438: W(t) = C (t - K)^3 + Wmax, C = 0.4, beta = 0.7,
//            with the Reno-friendly estimate W_est (alpha = 3 (1 - beta) /
//            (1 + beta)) taking over when larger, and fast convergence
//            (Wmax reduced when a loss comes before the last Wmax).
// Windows are bytes; they never fall below 1 MSS (cwnd) or 2 MSS (ssthresh)
// and saturate instead of overflowing.
#pragma once

#include <atoll/core/time.hpp>

#include <cstdint>

namespace atl::net::tcp {

enum class congestion_algorithm : std::uint8_t { newreno, cubic };

class congestion_control {
public:
  /// The initial window is RFC 5681 3.1's IW (2 to 4 MSS by MSS size);
  /// ssthresh starts "arbitrarily high".
  congestion_control(congestion_algorithm algorithm, std::uint32_t mss) noexcept;

  [[nodiscard]] congestion_algorithm algorithm() const noexcept { return algorithm_; }
  [[nodiscard]] std::uint32_t cwnd() const noexcept { return cwnd_; }
  [[nodiscard]] std::uint32_t ssthresh() const noexcept { return ssthresh_; }
  [[nodiscard]] bool in_recovery() const noexcept { return in_recovery_; }
  [[nodiscard]] std::uint32_t mss() const noexcept { return mss_; }
  /// set_mss: the effective MSS changed (after option negotiation, PMTU);
  /// a window below the new floor is raised to it.
  void set_mss(std::uint32_t mss) noexcept;

  /// on_ack: new data acked outside recovery: slow start or congestion
  /// avoidance (NewReno) or the CUBIC curve. `srtt` is the smoothed RTT
  /// (zero when none is known yet), used by CUBIC's W_cubic(t + RTT).
  void on_ack(std::uint32_t bytes_acked, mono_time now, duration srtt) noexcept;
  /// on_enter_recovery: third duplicate ACK or SACK-detected loss:
  /// ssthresh = max(flight * beta, 2 MSS) with beta 1/2 (NewReno) or 0.7
  /// (CUBIC); cwnd = ssthresh + 3 MSS (NewReno, RFC 6582 3.2 step 2) or
  /// ssthresh (CUBIC).
  void on_enter_recovery(std::uint32_t flight_size, mono_time now) noexcept;
  /// on_dup_ack_in_recovery: another duplicate ACK: cwnd += MSS (NewReno's
  /// inflation; CUBIC with SACK does not inflate).
  void on_dup_ack_in_recovery() noexcept;
  /// on_partial_ack: an ACK of some but not all of the data outstanding at
  /// entry: NewReno: cwnd -= bytes_acked, then += MSS if bytes_acked >= MSS
  /// (RFC 6582 3.2 step 5), never below 1 MSS. CUBIC: no change.
  void on_partial_ack(std::uint32_t bytes_acked) noexcept;
  /// on_exit_recovery: a full ACK: cwnd = min(ssthresh, max(flight, MSS)
  /// + MSS) (RFC 6582 3.2 step 3, option 1).
  void on_exit_recovery(std::uint32_t flight_size) noexcept;
  /// on_retransmit_timeout: ssthresh = max(flight * beta, 2 MSS), cwnd =
  /// 1 MSS (RFC 5681 3.1 eq. 4 and loss window); leaves recovery.
  void on_retransmit_timeout(std::uint32_t flight_size) noexcept;
  /// on_data_sent(now): the sender transmitted data; on_idle measures
  /// the pause from the last such call.
  void on_data_sent(mono_time now) noexcept;
  /// on_idle(now, rto): call before sending after a pause with nothing in
  /// flight. When no data was sent for more than `rto` (RFC 5681 4.1),
  /// cwnd = min(cwnd, IW) and CUBIC starts a new epoch (RFC 9438 5.8). A
  /// caller that does not report sends with on_data_sent() has measured the
  /// pause itself: then the restart is unconditional.
  void on_idle(mono_time now, duration rto) noexcept;

  /// CUBIC state, for tests and statistics: W_max (bytes) and K.
  [[nodiscard]] std::uint32_t cubic_wmax() const noexcept { return w_max_; }
  [[nodiscard]] duration cubic_k() const noexcept { return k_; }

private:
  [[nodiscard]] std::uint32_t initial_window() const noexcept;
  [[nodiscard]] std::uint32_t reduced(std::uint32_t flight_size) const noexcept;
  void reno_avoidance(std::uint32_t bytes_acked) noexcept;
  void cubic_avoidance(std::uint32_t bytes_acked, mono_time now, duration srtt) noexcept;
  void cubic_on_loss() noexcept;

  congestion_algorithm algorithm_;
  std::uint32_t mss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_;
  std::uint32_t bytes_acked_ = 0;  // NewReno CA: bytes acked toward the next +MSS
  bool in_recovery_ = false;

  // CUBIC (RFC 9438 4): all windows in bytes.
  std::uint32_t w_max_ = 0;  // window before the last reduction
  double w_est_ = 0;         // Reno-friendly estimate, bytes
  double growth_ = 0;        // fractional bytes of cwnd growth not yet applied
  duration k_{0};            // time to climb back to w_max_
  mono_time epoch_start_{};  // start of the current avoidance epoch
  bool epoch_valid_ = false;

  mono_time last_send_{};
  bool have_send_ = false;
};

}  // namespace atl::net::tcp
