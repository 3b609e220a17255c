// Field helpers (fields.hpp): case-insensitive comparison and the list
// grammars of RFC 9110 5.6 (comma-separated elements with parameters).
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/head_buffer.hpp>

namespace atl::net::http {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Calls f(element) for each non-empty, trimmed element of a list; stops early
// when f returns false.
template <class F>
void for_each_element(std::string_view list, F&& f) noexcept {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = detail::trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return;
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// A qvalue: "0", "0.5", "1", "1.000" (RFC 9110 12.4.2); std::nullopt when
// malformed.
std::optional<double> parse_qvalue(std::string_view v) noexcept {
  if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  if (v.size() == 1) return v[0] == '0' ? 0.0 : 1.0;
  if (v[1] != '.') return std::nullopt;
  double q = v[0] == '1' ? 1.0 : 0.0;
  double scale = 0.1;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return std::nullopt;
    if (v[0] == '1' && v[i] != '0') return std::nullopt;
    q += scale * (v[i] - '0');
    scale /= 10;
  }
  return q;
}

// The q of one Accept-Encoding element's parameters (after the coding).
double element_q(std::string_view params) noexcept {
  while (!params.empty()) {
    const auto semi = params.find(';');
    const auto param = detail::trim_ows(params.substr(0, semi));
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && iequals(detail::trim_ows(param.substr(0, eq)), "q")) {
      return parse_qvalue(detail::trim_ows(param.substr(eq + 1))).value_or(0.0);
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return 1.0;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool has_token(std::string_view list_value, std::string_view token) noexcept {
  bool found = false;
  for_each_element(list_value, [&](std::string_view element) {
    const auto name = detail::trim_ows(element.substr(0, element.find(';')));
    found = iequals(name, token);
    return !found;
  });
  return found;
}

std::optional<double> qvalue_for(std::string_view accept_encoding,
                                 std::string_view coding) noexcept {
  std::optional<double> own;
  std::optional<double> star;
  for_each_element(accept_encoding, [&](std::string_view element) {
    const auto semi = element.find(';');
    const auto name = detail::trim_ows(element.substr(0, semi));
    const auto params =
        semi == std::string_view::npos ? std::string_view() : element.substr(semi + 1);
    if (iequals(name, coding)) {
      if (!own) own = element_q(params);
    } else if (name == "*") {
      if (!star) star = element_q(params);
    }
    return true;
  });
  return own ? own : star;
}

bool accepts_coding(std::string_view accept_encoding, std::string_view coding) noexcept {
  const auto q = qvalue_for(accept_encoding, coding);
  return q.has_value() && *q > 0.0;
}

}  // namespace atl::net::http
