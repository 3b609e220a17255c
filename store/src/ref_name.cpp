// check_ref_name: git-check-ref-format(1)'s rules for full ref names, so a
// store never makes a ref that git would refuse to read.
#include <atoll/store/backend.hpp>

namespace atl::store {
namespace {

result<void> check_component(std::string_view c) noexcept {
  if (c.empty()) return error(errc::invalid_argument, "ref name has an empty component");
  if (c.front() == '.') return error(errc::invalid_argument, "ref name component starts with '.'");
  if (c.size() >= 5 && c.substr(c.size() - 5) == ".lock") {
    return error(errc::invalid_argument, "ref name component ends in .lock");
  }
  return {};
}

}  // namespace

result<void> check_ref_name(std::string_view name) noexcept {
  if (name == "HEAD") return {};
  if (name.size() > max_ref_name) {
    return error(errc::invalid_argument, "ref name longer than ", max_ref_name, " bytes");
  }
  if (name.substr(0, 5) != "refs/")
    return error(errc::invalid_argument, "ref name must start with refs/");
  if (name.back() == '/' || name.back() == '.') {
    return error(errc::invalid_argument, "ref name ends in '/' or '.'");
  }
  if (name == "@") return error(errc::invalid_argument, "ref name is '@'");
  char previous = '\0';
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return error(errc::invalid_argument, "ref name has a control character");
    switch (c) {
      case ' ':
      case '~':
      case '^':
      case ':':
      case '?':
      case '*':
      case '[':
      case '\\':
        return error(errc::invalid_argument, "ref name has a forbidden character '", c, "'");
      default: break;
    }
    if (previous == '.' && c == '.') return error(errc::invalid_argument, "ref name has '..'");
    if (previous == '@' && c == '{') return error(errc::invalid_argument, "ref name has '@{'");
    previous = c;
  }
  std::string_view rest = name;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view component = rest.substr(0, slash);
    if (auto ok = check_component(component); !ok) return ok;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return {};
}

}  // namespace atl::store
