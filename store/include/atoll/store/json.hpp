// json: a small, strict JSON (RFC 8259) value for json_contents.
//
// parse() accepts exactly the RFC's grammar, bounded: nesting deeper than
// max_depth, text longer than max_bytes, an object with a repeated key, a
// lone surrogate in a \u escape, invalid UTF-8 or a raw control character in
// a string are errc::corrupt with the offset. Numbers keep their text (so
// 1.0 and 1 are different values, and nothing is lost to rounding).
// Object members are kept sorted by key, so two objects with the same
// members are equal whatever order they were written in, and emit() writes
// one canonical form: no spaces, sorted keys.
#pragma once

#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atl::store::json {

enum class kind : std::uint8_t { null, boolean, number, string, array, object };

struct limits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = std::size_t{16} << 20;
};

struct member;

class value {
public:
  value() noexcept = default;  ///< null
  static value boolean(bool b);
  /// number(text): text must be a JSON number (checked by parse; a caller
  /// that builds one by hand passes valid text).
  static value number(std::string text);
  static value string(std::string text);
  static value array(std::vector<value> items);
  /// object(members): sorted by key here; a repeated key keeps the last.
  static value object(std::vector<member> members);

  [[nodiscard]] json::kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool as_bool() const noexcept { return flag_; }
  /// The number's text or the string's (decoded) bytes.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const std::vector<value>& items() const noexcept { return items_; }
  [[nodiscard]] const std::vector<member>& members() const noexcept { return members_; }
  /// find(key): the member's value, or nullptr.
  [[nodiscard]] const value* find(std::string_view key) const noexcept;

  friend bool operator==(const value& a, const value& b) noexcept;

private:
  json::kind kind_ = json::kind::null;
  bool flag_ = false;
  std::string text_;
  std::vector<value> items_;
  std::vector<member> members_;
};

struct member {
  std::string key;
  value val;
  friend bool operator==(const member&, const member&) = default;
};

result<value> parse(std::string_view text, const limits& bounds = {});
/// emit: the canonical text (no whitespace, members in key order).
std::string emit(const value& v);

}  // namespace atl::store::json
