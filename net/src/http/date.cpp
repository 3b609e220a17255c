// HTTP dates (date.hpp). The calendar arithmetic is std::chrono's (C++20
// civil calendar: no time zone database, no host call).
#include <atoll/net/http/date.hpp>

#include <array>
#include <chrono>
#include <cstdint>

namespace atl::net::http {
namespace {

constexpr std::array<std::string_view, 7> short_days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* out, unsigned v) noexcept {
  out[0] = static_cast<char>('0' + v / 10 % 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// A left-to-right reader of a date string; any mismatch makes ok false.
struct reader {
  std::string_view s;
  bool ok = true;

  void literal(std::string_view l) noexcept {
    if (s.substr(0, l.size()) != l) ok = false;
    s.remove_prefix(std::min(l.size(), s.size()));
  }
  unsigned digits(std::size_t n) noexcept {
    unsigned v = 0;
    if (s.size() < n) {
      ok = false;
      return 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (s[i] < '0' || s[i] > '9') ok = false;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    s.remove_prefix(n);
    return v;
  }
  // The index of the name `s` starts with, among `names`; names are distinct
  // and none is a prefix of another that is followed by a letter.
  template <std::size_t N>
  unsigned name(const std::array<std::string_view, N>& names) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (s.substr(0, names[i].size()) == names[i]) {
        s.remove_prefix(names[i].size());
        return static_cast<unsigned>(i);
      }
    }
    ok = false;
    return 0;
  }
};

struct civil {
  unsigned year, month, day, hour, minute, second;  // month 1-12
};

std::optional<wall_time> to_wall(const civil& c) noexcept {
  using namespace std::chrono;
  // wall_time holds about 1677-09-21 to 2262-04-11: stay inside whole years.
  if (c.year < 1678 || c.year > 2261) return std::nullopt;
  const year_month_day ymd{year(static_cast<int>(c.year)), month(c.month), day(c.day)};
  if (!ymd.ok() || c.hour > 23 || c.minute > 59 || c.second > 60) return std::nullopt;
  const auto secs =
      sys_days(ymd).time_since_epoch() + hours(c.hour) + minutes(c.minute) + seconds(c.second);
  return wall_time(duration_cast<duration>(secs));
}

void read_time(reader& r, civil& c) noexcept {
  c.hour = r.digits(2);
  r.literal(":");
  c.minute = r.digits(2);
  r.literal(":");
  c.second = r.digits(2);
}

}  // namespace

date_text format_date(wall_time t) noexcept {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t.time_since_epoch());
  const auto days_since = floor<days>(secs);
  const sys_days day_point{days_since};
  const year_month_day ymd{day_point};
  const weekday wd{day_point};
  const auto sod = secs - days_since;
  const auto h = static_cast<unsigned>(sod.count() / 3600);
  const auto m = static_cast<unsigned>(sod.count() / 60 % 60);
  const auto s = static_cast<unsigned>(sod.count() % 60);
  const auto y = static_cast<unsigned>(static_cast<int>(ymd.year()));

  date_text out;
  char* p = out.chars.data();
  const auto dn = short_days[wd.c_encoding()];
  const auto mn = months[static_cast<unsigned>(ymd.month()) - 1];
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  p[0] = dn[0], p[1] = dn[1], p[2] = dn[2], p[3] = ',', p[4] = ' ';
  put2(p + 5, static_cast<unsigned>(ymd.day()));
  p[7] = ' ';
  p[8] = mn[0], p[9] = mn[1], p[10] = mn[2], p[11] = ' ';
  put2(p + 12, y / 100);
  put2(p + 14, y % 100);
  p[16] = ' ';
  put2(p + 17, h);
  p[19] = ':';
  put2(p + 20, m);
  p[22] = ':';
  put2(p + 23, s);
  p[25] = ' ', p[26] = 'G', p[27] = 'M', p[28] = 'T';
  return out;
}

std::optional<wall_time> parse_date(std::string_view text) noexcept {
  civil c{};
  if (text.size() == 29 && text[3] == ',') {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    reader r{text};
    r.name(short_days);
    r.literal(", ");
    c.day = r.digits(2);
    r.literal(" ");
    c.month = r.name(months) + 1;
    r.literal(" ");
    c.year = r.digits(4);
    r.literal(" ");
    read_time(r, c);
    r.literal(" GMT");
    if (!r.ok || !r.s.empty()) return std::nullopt;
    return to_wall(c);
  }
  if (text.size() == 24 && text[3] == ' ') {
    // asctime: "Sun Nov  6 08:49:37 1994"
    reader r{text};
    r.name(short_days);
    r.literal(" ");
    c.month = r.name(months) + 1;
    r.literal(" ");
    if (!r.s.empty() && r.s[0] == ' ') {
      r.literal(" ");
      c.day = r.digits(1);
    } else {
      c.day = r.digits(2);
    }
    r.literal(" ");
    read_time(r, c);
    r.literal(" ");
    c.year = r.digits(4);
    if (!r.ok || !r.s.empty()) return std::nullopt;
    return to_wall(c);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  reader r{text};
  r.name(long_days);
  r.literal(", ");
  c.day = r.digits(2);
  r.literal("-");
  c.month = r.name(months) + 1;
  r.literal("-");
  const unsigned yy = r.digits(2);
  c.year = yy < 70 ? 2000 + yy : 1900 + yy;
  r.literal(" ");
  read_time(r, c);
  r.literal(" GMT");
  if (!r.ok || !r.s.empty()) return std::nullopt;
  return to_wall(c);
}

}  // namespace atl::net::http
