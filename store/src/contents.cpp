// The built-in contents types: bytes, counter, set of strings, append-only log.
#include <atoll/store/contents.hpp>
#include <atoll/store/contents_types.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string_view>

namespace atl::store {
namespace {

std::vector<std::byte> to_bytes(std::string_view text) {
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return {p, p + text.size()};
}

std::string_view as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// One element per line: '\\' is written "\\\\" and a newline "\\n", so any
// string survives and a line is one element.
void append_escaped(std::string& out, std::string_view element) {
  for (char c : element) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '\n';
}

result<std::vector<std::string>> decode_lines(std::span<const std::byte> bytes) {
  std::string_view text = as_text(bytes);
  std::vector<std::string> lines;
  if (text.empty()) return lines;
  if (text.back() != '\n') return error(errc::corrupt, "contents: missing final newline");
  std::string line;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      lines.push_back(std::move(line));
      line.clear();
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return error(errc::corrupt, "contents: dangling escape");
      const char next = text[++i];
      if (next == '\\') {
        line += '\\';
      } else if (next == 'n') {
        line += '\n';
      } else {
        return error(errc::corrupt, "contents: unknown escape");
      }
    } else {
      line += c;
    }
  }
  return lines;
}

// The entries of `side` after the ancestor's, or a conflict when `side` does
// not start with all of them.
result<std::vector<std::string>> appended(const std::vector<std::string>& old,
                                          const std::vector<std::string>& side) {
  if (side.size() < old.size() || !std::equal(old.begin(), old.end(), side.begin())) {
    return error(errc::conflict, "log: a side rewrote or dropped entries");
  }
  return std::vector<std::string>(side.begin() + static_cast<std::ptrdiff_t>(old.size()),
                                  side.end());
}

}  // namespace

std::vector<std::byte> bytes_contents::encode(const value_type& v) { return to_bytes(v); }

result<bytes_contents::value_type> bytes_contents::decode(std::span<const std::byte> bytes) {
  return std::string(as_text(bytes));
}

result<bytes_contents::value_type> bytes_contents::merge(const std::optional<value_type>&,
                                                         const value_type&, const value_type&) {
  return error(errc::conflict, "bytes: both sides changed the value");
}

std::vector<std::byte> counter_contents::encode(const value_type& v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits - 1, v);
  *end++ = '\n';
  return to_bytes(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

result<counter_contents::value_type> counter_contents::decode(std::span<const std::byte> bytes) {
  std::string_view text = as_text(bytes);
  if (text.size() < 2 || text.back() != '\n')
    return error(errc::corrupt, "counter: not a number line");
  text.remove_suffix(1);
  value_type v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.front() == '+') {
    return error(errc::corrupt, "counter: not a 64-bit decimal number");
  }
  // One spelling per value, so equal counters are equal blobs.
  if ((text.size() > 1 && text[0] == '0') || text.substr(0, 2) == "-0") {
    return error(errc::corrupt, "counter: leading zero");
  }
  return v;
}

result<counter_contents::value_type> counter_contents::merge(const std::optional<value_type>& old,
                                                             const value_type& ours,
                                                             const value_type& theirs) {
  const value_type base = old.value_or(0);
  value_type ours_delta = 0;
  value_type sum = 0;
  if (__builtin_sub_overflow(ours, base, &ours_delta) ||
      __builtin_add_overflow(theirs, ours_delta, &sum)) {
    return error(errc::conflict, "counter: the merged value overflows");
  }
  return sum;
}

string_set_contents::value_type string_set_contents::make_set(std::vector<std::string> elements) {
  std::sort(elements.begin(), elements.end());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return elements;
}

std::vector<std::byte> string_set_contents::encode(const value_type& v) {
  std::string text;
  for (const auto& element : v) append_escaped(text, element);
  return to_bytes(text);
}

result<string_set_contents::value_type> string_set_contents::decode(
    std::span<const std::byte> bytes) {
  auto lines = decode_lines(bytes);
  if (!lines) return lines.error();
  for (std::size_t i = 1; i < lines->size(); ++i) {
    if (!((*lines)[i - 1] < (*lines)[i]))
      return error(errc::corrupt, "set: elements not sorted or repeated");
  }
  return std::move(*lines);
}

result<string_set_contents::value_type> string_set_contents::merge(
    const std::optional<value_type>& old, const value_type& ours, const value_type& theirs) {
  static const value_type none;
  const value_type& base = old ? *old : none;
  // Kept: in both sides, or added by one side (absent from the ancestor).
  // An element the ancestor had and one side removed goes.
  value_type both;
  std::set_intersection(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                        std::back_inserter(both));
  value_type ours_added;
  value_type theirs_added;
  std::set_difference(ours.begin(), ours.end(), base.begin(), base.end(),
                      std::back_inserter(ours_added));
  std::set_difference(theirs.begin(), theirs.end(), base.begin(), base.end(),
                      std::back_inserter(theirs_added));
  value_type added;
  std::set_union(ours_added.begin(), ours_added.end(), theirs_added.begin(), theirs_added.end(),
                 std::back_inserter(added));
  value_type merged;
  std::set_union(both.begin(), both.end(), added.begin(), added.end(), std::back_inserter(merged));
  return merged;
}

std::vector<std::byte> log_contents::encode(const value_type& v) {
  std::string text;
  for (const auto& entry : v) append_escaped(text, entry);
  return to_bytes(text);
}

result<log_contents::value_type> log_contents::decode(std::span<const std::byte> bytes) {
  return decode_lines(bytes);
}

result<log_contents::value_type> log_contents::merge(const std::optional<value_type>& old,
                                                     const value_type& ours,
                                                     const value_type& theirs) {
  static const value_type none;
  const value_type& base = old ? *old : none;
  auto ours_new = appended(base, ours);
  if (!ours_new) return ours_new.error();
  auto theirs_new = appended(base, theirs);
  if (!theirs_new) return theirs_new.error();
  const bool ours_first = *ours_new <= *theirs_new;
  const auto& first = ours_first ? *ours_new : *theirs_new;
  const auto& second = ours_first ? *theirs_new : *ours_new;
  value_type merged = base;
  merged.insert(merged.end(), first.begin(), first.end());
  merged.insert(merged.end(), second.begin(), second.end());
  return merged;
}

}  // namespace atl::store
