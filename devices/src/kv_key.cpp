#include <atoll/devices/kv_key.hpp>

#include <algorithm>
#include <utility>

namespace atl {

bool kv_key::valid_segment(std::string_view name) noexcept {
  return !name.empty() && name.size() <= max_segment && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

result<kv_key> kv_key::parse(std::string_view text) noexcept {
  if (text.size() > max_length) {
    return error(errc::invalid_argument, "key of ", text.size(), " bytes is longer than ",
                 max_length);
  }
  if (text.empty()) return kv_key();
  std::size_t depth = 0;
  std::string_view rest = text;
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (!valid_segment(segment)) {
      if (segment.empty()) return error(errc::invalid_argument, "key has an empty segment");
      if (segment.size() > max_segment) {
        return error(errc::invalid_argument, "key segment longer than ", max_segment, " bytes");
      }
      if (segment.find('\0') != std::string_view::npos) {
        return error(errc::invalid_argument, "key contains a NUL byte");
      }
      return error(errc::invalid_argument, "key has a '", segment, "' segment");
    }
    if (++depth > max_depth) {
      return error(errc::invalid_argument, "key is deeper than ", max_depth, " segments");
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return kv_key(std::string(text));
}

result<kv_key> kv_key::child(std::string_view name) const noexcept {
  if (!valid_segment(name)) return error(errc::invalid_argument, "bad key segment '", name, "'");
  if (is_root()) return parse(name);
  std::string text;
  text.reserve(text_.size() + 1 + name.size());
  text.append(text_).append(1, '/').append(name);
  return parse(text);
}

kv_key kv_key::parent() const noexcept {
  const std::size_t slash = text_.rfind('/');
  if (slash == std::string::npos) return kv_key();
  return kv_key(text_.substr(0, slash));
}

std::string_view kv_key::name() const noexcept {
  const std::size_t slash = text_.rfind('/');
  return slash == std::string::npos ? std::string_view(text_)
                                    : std::string_view(text_).substr(slash + 1);
}

std::size_t kv_key::depth() const noexcept {
  if (is_root()) return 0;
  return 1 + static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '/'));
}

bool kv_key::contains(const kv_key& other) const noexcept {
  if (is_root()) return true;
  const std::string_view o = other.text_;
  return o.starts_with(text_) && (o.size() == text_.size() || o[text_.size()] == '/');
}

}  // namespace atl
