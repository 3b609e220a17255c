#include <atoll/devices/console_log_sink.hpp>

namespace atl {

log_line format_log_line(log_level level, std::string_view source,
                         std::string_view message) noexcept {
  // Leave room for the newline: text_buffer cuts what does not fit.
  text_buffer<log_source::max_line + 63> body("[", to_string(level), "] ", source, ": ", message);
  log_line line(body.view(), '\n');
  return line;
}

}  // namespace atl
