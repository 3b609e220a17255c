// json: a strict, bounded RFC 8259 parser and a canonical writer.
#include <atoll/store/json.hpp>

#include <algorithm>

namespace atl::store::json {
namespace {

class parser {
public:
  parser(std::string_view text, const limits& bounds) : text_(text), bounds_(bounds) {}

  result<value> document() {
    if (text_.size() > bounds_.max_bytes) return fail("text longer than the limit");
    skip_space();
    auto v = parse_value(0);
    if (!v) return v;
    skip_space();
    if (pos_ != text_.size()) return fail("text after the value");
    return v;
  }

private:
  error fail(std::string_view what) const {
    return error(errc::corrupt, "json: ", what, " at byte ", pos_);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  result<value> parse_value(std::size_t depth) {
    if (depth >= bounds_.max_depth) return fail("nesting deeper than the limit");
    if (pos_ >= text_.size()) return fail("unexpected end");
    switch (text_[pos_]) {
      case '{': return parse_object(depth);
      case '[': return parse_array(depth);
      case '"': {
        auto s = parse_string();
        if (!s) return s.error();
        return value::string(std::move(*s));
      }
      case 't':
        if (literal("true")) return value::boolean(true);
        return fail("bad literal");
      case 'f':
        if (literal("false")) return value::boolean(false);
        return fail("bad literal");
      case 'n':
        if (literal("null")) return value();
        return fail("bad literal");
      default: return parse_number();
    }
  }

  result<value> parse_object(std::size_t depth) {
    ++pos_;  // '{'
    std::vector<member> members;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return value::object(std::move(members));
    }
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a key");
      auto key = parse_string();
      if (!key) return key.error();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip_space();
      auto v = parse_value(depth + 1);
      if (!v) return v;
      members.push_back(member{std::move(*key), std::move(*v)});
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        break;
      }
      return fail("expected ',' or '}'");
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const member& a, const member& b) { return a.key < b.key; });
    for (std::size_t i = 1; i < members.size(); ++i) {
      if (members[i - 1].key == members[i].key) return fail("repeated key");
    }
    return value::object(std::move(members));
  }

  result<value> parse_array(std::size_t depth) {
    ++pos_;  // '['
    std::vector<value> items;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return value::array(std::move(items));
    }
    for (;;) {
      skip_space();
      auto v = parse_value(depth + 1);
      if (!v) return v;
      items.push_back(std::move(*v));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return value::array(std::move(items));
      }
      return fail("expected ',' or ']'");
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  result<value> parse_number() {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !digit(text_[pos_])) return fail("bad number");
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !digit(text_[pos_])) return fail("bad fraction");
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !digit(text_[pos_])) return fail("bad exponent");
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    return value::number(std::string(text_.substr(start, pos_ - start)));
  }

  result<unsigned> hex4() {
    if (text_.size() - pos_ < 4) return fail("short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return fail("bad \\u escape");
      }
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  // Length of the valid UTF-8 sequence at pos_ (RFC 3629: no overlongs, no
  // surrogates, nothing above U+10FFFF), or 0.
  std::size_t utf8_length() const {
    const auto b0 = static_cast<unsigned char>(text_[pos_]);
    std::size_t n = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 3;
      if (b0 == 0xe0) lo = 0xa0;
      if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 4;
      if (b0 == 0xf0) lo = 0x90;
      if (b0 == 0xf4) hi = 0x8f;
    } else {
      return 0;
    }
    if (text_.size() - pos_ < n) return 0;
    for (std::size_t i = 1; i < n; ++i) {
      const auto b = static_cast<unsigned char>(text_[pos_ + i]);
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) return 0;
    }
    return n;
  }

  result<std::string> parse_string() {
    ++pos_;  // '"'
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      const char c = text_[pos_];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (u < 0x20) return fail("control character in a string");
      if (u >= 0x80) {
        const std::size_t n = utf8_length();
        if (n == 0) return fail("invalid UTF-8");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return fail("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto first = hex4();
          if (!first) return first.error();
          unsigned cp = *first;
          if (cp >= 0xdc00 && cp <= 0xdfff) return fail("lone low surrogate");
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (!literal("\\u")) return fail("lone high surrogate");
            auto second = hex4();
            if (!second) return second.error();
            if (*second < 0xdc00 || *second > 0xdfff) return fail("lone high surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (*second - 0xdc00);
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail("unknown escape");
      }
    }
  }

  std::string_view text_;
  const limits& bounds_;
  std::size_t pos_ = 0;
};

void emit_string(std::string& out, std::string_view s) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += hex_digits[u >> 4];
          out += hex_digits[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void emit_into(std::string& out, const value& v) {
  switch (v.kind()) {
    case kind::null: out += "null"; return;
    case kind::boolean: out += v.as_bool() ? "true" : "false"; return;
    case kind::number: out += v.text(); return;
    case kind::string: emit_string(out, v.text()); return;
    case kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        emit_into(out, item);
      }
      out += ']';
      return;
    }
    case kind::object: {
      out += '{';
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out += ',';
        first = false;
        emit_string(out, m.key);
        out += ':';
        emit_into(out, m.val);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

value value::boolean(bool b) {
  value v;
  v.kind_ = json::kind::boolean;
  v.flag_ = b;
  return v;
}

value value::number(std::string text) {
  value v;
  v.kind_ = json::kind::number;
  v.text_ = std::move(text);
  return v;
}

value value::string(std::string text) {
  value v;
  v.kind_ = json::kind::string;
  v.text_ = std::move(text);
  return v;
}

value value::array(std::vector<value> items) {
  value v;
  v.kind_ = json::kind::array;
  v.items_ = std::move(items);
  return v;
}

value value::object(std::vector<member> members) {
  // Sorted by key; of repeated keys the last one written stays.
  std::stable_sort(members.begin(), members.end(),
                   [](const member& a, const member& b) { return a.key < b.key; });
  std::vector<member> unique;
  unique.reserve(members.size());
  for (auto& m : members) {
    if (!unique.empty() && unique.back().key == m.key) {
      unique.back() = std::move(m);
    } else {
      unique.push_back(std::move(m));
    }
  }
  value v;
  v.kind_ = json::kind::object;
  v.members_ = std::move(unique);
  return v;
}

const value* value::find(std::string_view key) const noexcept {
  auto it = std::lower_bound(members_.begin(), members_.end(), key,
                             [](const member& m, std::string_view k) { return m.key < k; });
  if (it == members_.end() || it->key != key) return nullptr;
  return &it->val;
}

bool operator==(const value& a, const value& b) noexcept {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case kind::null: return true;
    case kind::boolean: return a.flag_ == b.flag_;
    case kind::number:
    case kind::string: return a.text_ == b.text_;
    case kind::array: return a.items_ == b.items_;
    case kind::object: return a.members_ == b.members_;
  }
  return false;
}

result<value> parse(std::string_view text, const limits& bounds) {
  return parser(text, bounds).document();
}

std::string emit(const value& v) {
  std::string out;
  emit_into(out, v);
  return out;
}

}  // namespace atl::store::json
