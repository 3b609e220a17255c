// HTTP dates (RFC 9110 5.6.7): IMF-fixdate out, the three forms in.
#pragma once

#include <atoll/core/time.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace atl::net::http {

/// date_text: an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (29 chars).
struct date_text {
  std::array<char, 29> chars{};
  [[nodiscard]] std::string_view view() const noexcept {
    return std::string_view(chars.data(), chars.size());
  }
};

/// format_date: `t` as an IMF-fixdate, the fraction of a second dropped
/// (rounded down, also before 1970).
[[nodiscard]] date_text format_date(wall_time t) noexcept;

/// parse_date: an IMF-fixdate, an RFC 850 date ("Sunday, 06-Nov-94 08:49:37
/// GMT"; two-digit years 70-99 are 19xx, 00-69 are 20xx) or an asctime date
/// ("Sun Nov  6 08:49:37 1994"), as a wall_time; std::nullopt when it is
/// none of them exactly, names a day or month that does not exist, or is
/// outside what wall_time holds. The weekday must be a valid name but is not
/// checked against the date (RFC 9110 lets recipients ignore it). Seconds
/// 00-60 (a leap second counts as the next second).
[[nodiscard]] std::optional<wall_time> parse_date(std::string_view text) noexcept;

}  // namespace atl::net::http
