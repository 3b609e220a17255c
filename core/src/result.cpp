#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>

namespace atl {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_found: return "not_found";
    case errc::exists: return "exists";
    case errc::no_memory: return "no_memory";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::timed_out: return "timed_out";
    case errc::cancelled: return "cancelled";
    case errc::closed: return "closed";
    case errc::eof: return "eof";
    case errc::connection_reset: return "connection_reset";
    case errc::refused: return "refused";
    case errc::unreachable: return "unreachable";
    case errc::io_error: return "io_error";
    case errc::corrupt: return "corrupt";
    case errc::permission_denied: return "permission_denied";
    case errc::unsupported: return "unsupported";
    case errc::protocol_error: return "protocol_error";
    case errc::busy: return "busy";
    case errc::conflict: return "conflict";
  }
  return "unknown";
}

error::error(errc code, std::string_view message) noexcept : code_(code) { append(message); }

std::string_view error::message() const noexcept {
  if (length_ == 0) return to_string(code_);
  return {text_, length_};
}

void error::append(std::string_view part) noexcept {
  length_ = static_cast<std::uint8_t>(format_into(text_, max_message, length_, part));
}
void error::append_signed(long long v) noexcept {
  length_ = static_cast<std::uint8_t>(format_signed(text_, max_message, length_, v));
}
void error::append_unsigned(unsigned long long v) noexcept {
  length_ = static_cast<std::uint8_t>(format_unsigned(text_, max_message, length_, v, 10));
}

void panic(const char* file, int line, const char* message) noexcept {
  text_buffer<512> report("panic at ", file, ":", line, ": ", message);
  report.append('\0');
  atoll_target_panic(report.view().data());
}

}  // namespace atl
