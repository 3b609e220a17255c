// A program outside the atoll tree, built against its CMake package.
#include <atoll/core/log.hpp>

int main() {
  const auto level = atl::parse_log_level("debug");
  const bool ok = level.has_value() && *level == atl::log_level::debug &&
                  !atl::parse_log_level("loud").has_value();
  return ok ? 0 : 1;
}
