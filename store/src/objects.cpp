// objects: commits and tags, parsed and emitted byte for byte.
#include "tree_entries.hpp"
#include <atoll/store/objects.hpp>

#include <charconv>

namespace atl::store {
namespace {

std::string_view text_of(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::vector<std::byte> bytes_of(const std::string& s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return {p, p + s.size()};
}

result<signature> parse_signature(std::string_view line) {
  const auto lt = line.find(" <");
  const auto gt = line.rfind("> ");
  if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt + 2) {
    return error(errc::corrupt, "bad signature");
  }
  signature s;
  s.name = std::string(line.substr(0, lt));
  s.email = std::string(line.substr(lt + 2, gt - lt - 2));
  if (s.email.find_first_of("<>") != std::string::npos)
    return error(errc::corrupt, "bad signature email");
  const std::string_view rest = line.substr(gt + 2);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos || space == 0)
    return error(errc::corrupt, "bad signature time");
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + space, s.seconds);
  if (ec != std::errc{} || end != rest.data() + space || rest[0] == '-' || rest[0] == '+') {
    return error(errc::corrupt, "bad signature time");
  }
  // One spelling per time: no leading zeros (git fsck: zeroPaddedDate).
  if (space > 1 && rest[0] == '0') return error(errc::corrupt, "zero-padded signature time");
  const std::string_view tz = rest.substr(space + 1);
  if (tz.size() != 5 || (tz[0] != '+' && tz[0] != '-'))
    return error(errc::corrupt, "bad time zone");
  for (char c : tz.substr(1)) {
    if (c < '0' || c > '9') return error(errc::corrupt, "bad time zone");
  }
  s.tz = std::string(tz);
  return s;
}

void append_signature(std::string& out, std::string_view role, const signature& s) {
  out += role;
  out += ' ';
  out += s.name;
  out += " <";
  out += s.email;
  out += "> ";
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, s.seconds);
  out.append(digits, end);
  out += ' ';
  out += s.tz;
  out += '\n';
}

result<void> check_signature(const signature& s) {
  for (std::string_view field : {std::string_view(s.name), std::string_view(s.email)}) {
    if (field.find_first_of("<>\n") != std::string_view::npos) {
      return error(errc::invalid_argument, "a signature's name or email has '<', '>' or a newline");
    }
  }
  if (s.seconds < 0) return error(errc::invalid_argument, "a signature time before 1970");
  if (s.tz.size() != 5 || (s.tz[0] != '+' && s.tz[0] != '-'))
    return error(errc::invalid_argument, "bad time zone");
  return {};
}

// The headers of an object, each with its (continuation-joined) value, and
// the message after the blank line.
struct headers_and_message {
  std::vector<header> headers;
  std::string_view message;
};

result<headers_and_message> split(std::string_view text) {
  headers_and_message out;
  while (true) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      // No blank line: git accepts an object without a message only when
      // it ends right after its last header.
      if (!text.empty()) return error(errc::corrupt, "header without a newline");
      return out;
    }
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty()) {
      out.message = text;
      return out;
    }
    if (line[0] == ' ') {
      if (out.headers.empty()) return error(errc::corrupt, "continuation line without a header");
      out.headers.back().value += '\n';
      out.headers.back().value += line.substr(1);
      continue;
    }
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0)
      return error(errc::corrupt, "bad header line");
    out.headers.push_back(
        header{std::string(line.substr(0, space)), std::string(line.substr(space + 1))});
  }
}

void append_header(std::string& out, const header& h) {
  out += h.name;
  out += ' ';
  for (char c : h.value) {
    out += c;
    if (c == '\n') out += ' ';
  }
  out += '\n';
}

result<void> check_header(const header& h) {
  if (h.name.empty() || h.name.find_first_of(" \n") != std::string::npos) {
    return error(errc::invalid_argument, "bad header name");
  }
  return {};
}

}  // namespace

std::int32_t signature::tz_minutes() const noexcept {
  if (tz.size() != 5) return 0;
  const int hh = (tz[1] - '0') * 10 + (tz[2] - '0');
  const int mm = (tz[3] - '0') * 10 + (tz[4] - '0');
  const int minutes = hh * 60 + mm;
  return tz[0] == '-' ? -minutes : minutes;
}

std::string make_tz(std::int32_t minutes) {
  const std::int32_t m = minutes < 0 ? -minutes : minutes;
  const std::int32_t hhmm = m / 60 * 100 + m % 60;
  std::string out(1, minutes < 0 ? '-' : '+');
  out += static_cast<char>('0' + hhmm / 1000 % 10);
  out += static_cast<char>('0' + hhmm / 100 % 10);
  out += static_cast<char>('0' + hhmm / 10 % 10);
  out += static_cast<char>('0' + hhmm % 10);
  return out;
}

static result<commit_object> parse_commit_fields(hash_format format,
                                                 std::span<const std::byte> payload) {
  ATOLL_TRY(auto parts, split(text_of(payload)));
  commit_object c;
  std::size_t i = 0;
  auto& h = parts.headers;
  if (i >= h.size() || h[i].name != "tree")
    return error(errc::corrupt, "commit: no tree line first");
  ATOLL_TRY(c.tree, object_id::from_hex(format, h[i++].value));
  while (i < h.size() && h[i].name == "parent") {
    ATOLL_TRY(auto p, object_id::from_hex(format, h[i++].value));
    c.parents.push_back(p);
  }
  if (i >= h.size() || h[i].name != "author") return error(errc::corrupt, "commit: no author line");
  ATOLL_TRY(c.author, parse_signature(h[i++].value));
  if (i >= h.size() || h[i].name != "committer")
    return error(errc::corrupt, "commit: no committer line");
  ATOLL_TRY(c.committer, parse_signature(h[i++].value));
  for (; i < h.size(); ++i) {
    if (h[i].name == "tree" || h[i].name == "parent" || h[i].name == "author" ||
        h[i].name == "committer") {
      return error(errc::corrupt, "commit: ", h[i].name, " line out of place");
    }
    c.extra.push_back(std::move(h[i]));
  }
  c.message = std::string(parts.message);
  // A commit with no blank line and no message must not gain one on emit.
  ATOLL_TRY(auto again, emit_commit(c));
  if (text_of(again) != text_of(payload))
    return error(errc::corrupt, "commit: not in git's canonical form");
  return c;
}

result<std::vector<std::byte>> emit_commit(const commit_object& c) {
  std::string out = "tree ";
  out += c.tree.hex().view();
  out += '\n';
  for (const auto& p : c.parents) {
    if (p.format() != c.tree.format())
      return error(errc::invalid_argument, "commit: ids of mixed formats");
    out += "parent ";
    out += p.hex().view();
    out += '\n';
  }
  if (auto ok_a = check_signature(c.author); !ok_a) return ok_a.error();
  if (auto ok_c = check_signature(c.committer); !ok_c) return ok_c.error();
  append_signature(out, "author", c.author);
  append_signature(out, "committer", c.committer);
  for (const auto& h : c.extra) {
    if (auto ok_h = check_header(h); !ok_h) return ok_h.error();
    append_header(out, h);
  }
  out += '\n';
  out += c.message;
  return bytes_of(out);
}

static result<tag_object> parse_tag_fields(hash_format format, std::span<const std::byte> payload) {
  ATOLL_TRY(auto parts, split(text_of(payload)));
  tag_object t;
  auto& h = parts.headers;
  std::size_t i = 0;
  if (i >= h.size() || h[i].name != "object")
    return error(errc::corrupt, "tag: no object line first");
  ATOLL_TRY(t.object, object_id::from_hex(format, h[i++].value));
  if (i >= h.size() || h[i].name != "type") return error(errc::corrupt, "tag: no type line");
  ATOLL_TRY(t.type, kind_from_string(h[i++].value));
  if (i >= h.size() || h[i].name != "tag" || h[i].value.empty())
    return error(errc::corrupt, "tag: no tag line");
  t.tag = h[i++].value;
  if (i < h.size() && h[i].name == "tagger") {
    ATOLL_TRY(auto s, parse_signature(h[i++].value));
    t.tagger = std::move(s);
  }
  for (; i < h.size(); ++i) t.extra.push_back(std::move(h[i]));
  t.message = std::string(parts.message);
  ATOLL_TRY(auto again, emit_tag(t));
  if (text_of(again) != text_of(payload))
    return error(errc::corrupt, "tag: not in git's canonical form");
  return t;
}

result<std::vector<std::byte>> emit_tag(const tag_object& t) {
  if (t.tag.empty() || t.tag.find('\n') != std::string::npos)
    return error(errc::invalid_argument, "tag: bad name");
  std::string out = "object ";
  out += t.object.hex().view();
  out += "\ntype ";
  out += to_string(t.type);
  out += "\ntag ";
  out += t.tag;
  out += '\n';
  if (t.tagger) {
    if (auto ok_s = check_signature(*t.tagger); !ok_s) return ok_s.error();
    append_signature(out, "tagger", *t.tagger);
  }
  for (const auto& h : t.extra) {
    if (auto ok_h = check_header(h); !ok_h) return ok_h.error();
    append_header(out, h);
  }
  out += '\n';
  out += t.message;
  return bytes_of(out);
}

// Whatever fails in stored bytes is damage to them: corrupt, whatever the
// helper that found it calls it.
template <class T>
result<T> as_corrupt(result<T> r) {
  if (r || r.error().code() == errc::corrupt) return r;
  return error(errc::corrupt, r.error().message());
}

result<commit_object> parse_commit(hash_format format, std::span<const std::byte> payload) {
  return as_corrupt(parse_commit_fields(format, payload));
}

result<tag_object> parse_tag(hash_format format, std::span<const std::byte> payload) {
  return as_corrupt(parse_tag_fields(format, payload));
}

result<void> check_object(hash_format format, object_kind kind,
                          std::span<const std::byte> payload) {
  switch (kind) {
    case object_kind::blob: return {};
    case object_kind::tree: {
      auto entries = detail::decode_tree(format, payload);
      if (!entries) return entries.error();
      // Emitting checks the names git refuses (".git", duplicates).
      auto again = detail::encode_tree(std::move(*entries));
      if (!again) return error(errc::corrupt, "tree: ", again.error().message());
      return {};
    }
    case object_kind::commit: {
      auto c = parse_commit(format, payload);
      if (!c) return c.error();
      return {};
    }
    case object_kind::tag: {
      auto t = parse_tag(format, payload);
      if (!t) return t.error();
      return {};
    }
  }
  return error(errc::corrupt, "unknown object kind");
}

result<std::vector<object_id>> references(hash_format format, const raw_object& o) {
  std::vector<object_id> out;
  switch (o.kind) {
    case object_kind::blob: break;
    case object_kind::tree: {
      ATOLL_TRY(auto entries, detail::decode_tree(format, o.payload));
      for (const auto& e : entries) {
        if (e.mode != detail::mode_gitlink) out.push_back(e.id);
      }
      break;
    }
    case object_kind::commit: {
      ATOLL_TRY(auto c, parse_commit(format, o.payload));
      out.push_back(c.tree);
      out.insert(out.end(), c.parents.begin(), c.parents.end());
      break;
    }
    case object_kind::tag: {
      ATOLL_TRY(auto t, parse_tag(format, o.payload));
      out.push_back(t.object);
      break;
    }
  }
  return out;
}

}  // namespace atl::store
