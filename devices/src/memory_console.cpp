#include <atoll/devices/memory_console.hpp>

namespace atl {

result<void> memory_console::write(std::string_view text) noexcept {
  if (text.size() > max_bytes_ - text_.size()) {
    ++refused_;
    return error(errc::limit_exceeded, "memory console full (", max_bytes_, " bytes)");
  }
  text_.append(text);
  return ok();
}

}  // namespace atl
