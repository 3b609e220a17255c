#include <atoll/net/http/site_format.hpp>

#include <cstdint>

namespace atl::net {
namespace {

constexpr std::string_view weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct civil_date {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date: the era-based method
// (400-year eras of 146097 days), valid for any day count >= 0 used here.
civil_date civil_from_days(std::int64_t days) noexcept {
  days += 719468;  // shift the epoch to 0000-03-01
  const std::int64_t era = days / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t mp = (5 * day_of_year + 2) / 153;  // March = 0
  const auto day = static_cast<unsigned>(day_of_year - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

void append_digits(std::string& out, std::int64_t value, int width) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 20);
  for (int pad = n; pad < width; ++pad) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

bool plain_path_byte(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~/!$()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string site_http_date(wall_time t) {
  // 9999-12-31T23:59:59Z: the last instant with a four-digit year.
  constexpr std::int64_t last_second = 253402300799;
  std::int64_t seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  if (seconds < 0) seconds = 0;
  if (seconds > last_second) seconds = last_second;
  const std::int64_t days = seconds / 86400;
  const std::int64_t second_of_day = seconds % 86400;
  const civil_date date = civil_from_days(days);

  std::string out;
  out.reserve(29);
  out.append(weekdays[(days + 4) % 7]);  // 1970-01-01 was a Thursday
  out.append(", ");
  append_digits(out, date.day, 2);
  out.push_back(' ');
  out.append(months[date.month - 1]);
  out.push_back(' ');
  append_digits(out, date.year, 4);
  out.push_back(' ');
  append_digits(out, second_of_day / 3600, 2);
  out.push_back(':');
  append_digits(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, second_of_day % 60, 2);
  out.append(" GMT");
  return out;
}

std::string site_encode_path(std::string_view path) {
  constexpr std::string_view hex_digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain_path_byte(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex_digits[c >> 4]);
      out.push_back(hex_digits[c & 0xF]);
    }
  }
  return out;
}

}  // namespace atl::net
