// console_log_sink: core's log sink over a console device.
//
// The generated main of every target installs one over the console it opened:
//
//   atl::unix_target::console con;
//   atl::console_log_sink<atl::unix_target::console> sink(con);
//   atl::log_sink* previous = atl::set_log_sink(&sink);
//   ... run the application ...
//   atl::set_log_sink(previous);   // before `sink` goes away
//
// Each line is written with one console write, as "[level] source: message\n"
// ("[warn] tcp: retransmit limit reached for 10.0.0.2:443"). No timestamp: a
// unix console's lines are timestamped by whatever collects them, and a
// kernel console has no wall clock worth trusting at boot.
#pragma once

#include <atoll/core/format.hpp>
#include <atoll/core/log.hpp>
#include <atoll/devices/console.hpp>

#include <cstdint>
#include <string_view>

namespace atl {

/// log_line: the text of one log line, as console_log_sink writes it.
using log_line = text_buffer<log_source::max_line + 64>;

/// format_log_line(level, source, message): "[level] source: message\n";
/// a message too long for the buffer is cut (and marked with "...") but the
/// line still ends with '\n'.
[[nodiscard]] log_line format_log_line(log_level level, std::string_view source,
                                       std::string_view message) noexcept;

template <console Console>
class console_log_sink final : public log_sink {
public:
  /// console_log_sink(c): writes to `c`, which must outlive the sink. The
  /// sink must be uninstalled (set_log_sink) before it is destroyed.
  explicit console_log_sink(Console& c) noexcept : console_(c) {}
  console_log_sink(const console_log_sink&) = delete;
  console_log_sink& operator=(const console_log_sink&) = delete;

  /// write: one console write per line. A console failure cannot be
  /// reported from a sink; it is counted (failures()).
  void write(log_level level, std::string_view source, std::string_view message) noexcept override {
    const log_line line = format_log_line(level, source, message);
    if (!console_.write(line.view())) ++failures_;
  }

  /// failures: lines the console refused.
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_; }

private:
  Console& console_;
  std::uint64_t failures_ = 0;
};

}  // namespace atl
