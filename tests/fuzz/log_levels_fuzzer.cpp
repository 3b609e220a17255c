// Fuzzes set_log_levels, the parser of the `--logs` boot key ("tcp:debug,*:warn"):
// text from a command line, so any bytes must give a level change or an error.
#include <atoll/core/assert.hpp>
#include <atoll/core/log.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

atl::log_source tcp_log{"tcp"};
atl::log_source dns_log{"dns", atl::log_level::warn};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  tcp_log.set_level(atl::log_level::info);
  dns_log.set_level(atl::log_level::warn);
  const atl::result<void> applied = atl::set_log_levels(spec);
  if (!applied) {
    // A rejected spec says why, within the error's inline capacity.
    ATOLL_ASSERT(!applied.error().message().empty());
    ATOLL_ASSERT(applied.error().message().size() <= atl::error::max_message);
  }
  ATOLL_ASSERT(tcp_log.level() <= atl::log_level::debug);
  ATOLL_ASSERT(dns_log.level() <= atl::log_level::debug);
  return 0;
}
