#include <atoll/net/http/site_range.hpp>

#include <cstddef>
#include <limits>
#include <optional>

namespace atl::net {
namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// The unit is a token, compared without regard to case.
bool is_bytes_unit(std::string_view unit) noexcept {
  constexpr std::string_view bytes = "bytes";
  if (unit.size() != bytes.size()) return false;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const char c =
        (unit[i] >= 'A' && unit[i] <= 'Z') ? static_cast<char>(unit[i] - 'A' + 'a') : unit[i];
    if (c != bytes[i]) return false;
  }
  return true;
}

// 1*DIGIT, saturating at the largest uint64; nullopt when empty or not digits.
std::optional<std::uint64_t> parse_position(std::string_view digits) noexcept {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (max_u64 - digit) / 10 ? max_u64 : value * 10 + digit;
  }
  return value;
}

}  // namespace

site_range decide_site_range(std::string_view header, std::uint64_t size) noexcept {
  const site_range ignore{};
  const std::size_t equals = header.find('=');
  if (equals == std::string_view::npos) return ignore;
  if (!is_bytes_unit(trim_ows(header.substr(0, equals)))) return ignore;
  const std::string_view spec = trim_ows(header.substr(equals + 1));
  // A list of ranges (even of one range and empty elements) is not served.
  if (spec.find(',') != std::string_view::npos) return ignore;
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return ignore;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  if (size == 0) return ignore;

  if (first_text.empty()) {  // suffix: the last n bytes
    const std::optional<std::uint64_t> n = parse_position(last_text);
    if (!n) return ignore;
    if (*n == 0) return {site_range::action::unsatisfiable};
    const std::uint64_t length = *n < size ? *n : size;
    return {site_range::action::partial, size - length, length};
  }
  const std::optional<std::uint64_t> first = parse_position(first_text);
  if (!first) return ignore;
  std::uint64_t last = max_u64;
  if (!last_text.empty()) {
    const std::optional<std::uint64_t> parsed = parse_position(last_text);
    if (!parsed || *parsed < *first) return ignore;
    last = *parsed;
  }
  if (*first >= size) return {site_range::action::unsatisfiable};
  if (last >= size) last = size - 1;
  return {site_range::action::partial, *first, last - *first + 1};
}

}  // namespace atl::net
