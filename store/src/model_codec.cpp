// The model's codec bridge (tree_entries.hpp): trees and commits as the
// model sees them, to and from Git's bytes.
#include "tree_entries.hpp"
#include <atoll/store/repo.hpp>

#include <algorithm>
#include <charconv>
#include <string>

namespace atl::store::detail {
namespace {

std::string_view text_of(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Git's order: by bytes, a directory's name compared as if it ended in '/'.
bool git_less(const entry& a, const entry& b) {
  const std::size_t n = std::min(a.name.size(), b.name.size());
  const int c = a.name.compare(0, n, b.name, 0, n);
  if (c != 0) return c < 0;
  const auto tail = [](const entry& e, std::size_t i) -> unsigned char {
    if (i < e.name.size()) return static_cast<unsigned char>(e.name[i]);
    return e.is_dir() ? '/' : '\0';
  };
  return tail(a, n) < tail(b, n);
}

bool valid_mode(std::uint32_t m) {
  return m == mode_file || m == mode_executable || m == mode_symlink || m == mode_dir ||
         m == mode_gitlink;
}

void append_octal(std::string& out, std::uint32_t v) {
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v, 8);
  out.append(digits, end);
}

void append_signature(std::string& out, const char* role, const commit_info& info) {
  out += role;
  out += ' ';
  out += info.name;
  out += " <";
  out += info.email;
  out += "> ";
  char digits[24];
  const std::int64_t seconds = info.time.time_since_epoch().count() / 1'000'000'000;
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, seconds);
  out.append(digits, end);
  const std::int32_t tz = info.tz_minutes;
  const std::int32_t magnitude = tz < 0 ? -tz : tz;
  out += tz < 0 ? " -" : " +";
  const std::int32_t hhmm = magnitude / 60 * 100 + magnitude % 60;
  char tzd[5] = {static_cast<char>('0' + hhmm / 1000), static_cast<char>('0' + hhmm / 100 % 10),
                 static_cast<char>('0' + hhmm / 10 % 10), static_cast<char>('0' + hhmm % 10), 0};
  out += tzd;
  out += '\n';
}

result<commit_info> parse_signature(std::string_view line) {
  const auto lt = line.find(" <");
  const auto gt = line.find("> ", lt == std::string_view::npos ? 0 : lt);
  if (lt == std::string_view::npos || gt == std::string_view::npos) {
    return error(errc::corrupt, "bad signature");
  }
  commit_info info;
  info.name = std::string(line.substr(0, lt));
  info.email = std::string(line.substr(lt + 2, gt - lt - 2));
  std::string_view rest = line.substr(gt + 2);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return error(errc::corrupt, "bad signature time");
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + space, seconds);
  if (ec != std::errc{} || end != rest.data() + space)
    return error(errc::corrupt, "bad signature time");
  std::string_view tz = rest.substr(space + 1);
  if (tz.size() != 5 || (tz[0] != '+' && tz[0] != '-'))
    return error(errc::corrupt, "bad time zone");
  int hhmm = 0;
  auto [tend, tec] = std::from_chars(tz.data() + 1, tz.data() + 5, hhmm);
  if (tec != std::errc{} || tend != tz.data() + 5) return error(errc::corrupt, "bad time zone");
  const int minutes = hhmm / 100 * 60 + hhmm % 100;
  info.tz_minutes = tz[0] == '-' ? -minutes : minutes;
  if (seconds > INT64_MAX / 1'000'000'000 || seconds < INT64_MIN / 1'000'000'000) {
    return error(errc::corrupt, "signature time out of range");
  }
  info.time = wall_time(wall_time::duration(seconds * 1'000'000'000));
  return info;
}

}  // namespace

result<std::vector<entry>> decode_tree(hash_format format, std::span<const std::byte> payload) {
  std::string_view text = text_of(payload);
  std::vector<entry> out;
  const std::size_t id_size = hash_size(format);
  while (!text.empty()) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 6)
      return error(errc::corrupt, "bad tree mode");
    std::uint32_t mode = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + space, mode, 8);
    if (ec != std::errc{} || end != text.data() + space || !valid_mode(mode) || text[0] == '0') {
      return error(errc::corrupt, "bad tree mode");
    }
    text.remove_prefix(space + 1);
    const auto nul = text.find('\0');
    if (nul == std::string_view::npos || nul == 0)
      return error(errc::corrupt, "bad tree entry name");
    std::string name(text.substr(0, nul));
    text.remove_prefix(nul + 1);
    if (text.size() < id_size) return error(errc::corrupt, "truncated tree entry");
    ATOLL_TRY(auto id, object_id::from_raw(format, std::as_bytes(std::span(text.data(), id_size))));
    text.remove_prefix(id_size);
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      return error(errc::corrupt, "bad tree entry name");
    }
    entry e{std::move(name), mode, id};
    if (!out.empty() && !git_less(out.back(), e))
      return error(errc::corrupt, "tree entries out of order");
    out.push_back(std::move(e));
  }
  return out;
}

result<std::vector<std::byte>> encode_tree(std::vector<entry> entries) {
  std::sort(entries.begin(), entries.end(), git_less);
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const entry& e = entries[i];
    if (e.name.empty() || e.name == "." || e.name == ".." ||
        e.name.find('/') != std::string::npos || e.name.find('\0') != std::string::npos) {
      return error(errc::invalid_argument, "a tree entry name git refuses");
    }
    std::string lower = e.name;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == ".git") return error(errc::invalid_argument, "a tree entry may not be named .git");
    if (i > 0 && entries[i - 1].name == e.name)
      return error(errc::invalid_argument, "duplicate tree entry");
    if (!valid_mode(e.mode)) return error(errc::invalid_argument, "unknown tree entry mode");
    append_octal(out, e.mode);
    out += ' ';
    out += e.name;
    out += '\0';
    out.append(reinterpret_cast<const char*>(e.id.raw().data()), e.id.size());
  }
  const auto* p = reinterpret_cast<const std::byte*>(out.data());
  return std::vector<std::byte>(p, p + out.size());
}

result<std::vector<std::byte>> encode_commit(const commit_data& c) {
  std::string out = "tree ";
  out += c.tree.hex().view();
  out += '\n';
  for (const auto& p : c.parents) {
    if (p.format() != c.tree.format())
      return error(errc::invalid_argument, "parent id of another format");
    out += "parent ";
    out += p.hex().view();
    out += '\n';
  }
  for (std::string_view field : {std::string_view(c.info.name), std::string_view(c.info.email)}) {
    if (field.find_first_of("<>\n") != std::string_view::npos) {
      return error(errc::invalid_argument, "author name or email with '<', '>' or a newline");
    }
  }
  append_signature(out, "author", c.info);
  append_signature(out, "committer", c.info);
  out += '\n';
  out += c.info.message;
  const auto* p = reinterpret_cast<const std::byte*>(out.data());
  return std::vector<std::byte>(p, p + out.size());
}

result<commit_data> decode_commit(hash_format format, std::span<const std::byte> payload) {
  std::string_view text = text_of(payload);
  commit_data c;
  bool have_tree = false;
  bool have_committer = false;
  while (true) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return error(errc::corrupt, "commit without a message line");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (line.substr(0, 5) == "tree ") {
      ATOLL_TRY(auto id, object_id::from_hex(format, line.substr(5)));
      c.tree = id;
      have_tree = true;
    } else if (line.substr(0, 7) == "parent ") {
      ATOLL_TRY(auto id, object_id::from_hex(format, line.substr(7)));
      c.parents.push_back(id);
    } else if (line.substr(0, 10) == "committer ") {
      ATOLL_TRY(auto info, parse_signature(line.substr(10)));
      c.info.name = std::move(info.name);
      c.info.email = std::move(info.email);
      c.info.time = info.time;
      c.info.tz_minutes = info.tz_minutes;
      have_committer = true;
    }
    // author, gpgsig (and its continuation lines), encoding, ...: the
    // model reads the committer only.
  }
  if (!have_tree || !have_committer)
    return error(errc::corrupt, "commit without tree or committer");
  c.info.message = std::string(text);
  return c;
}

}  // namespace atl::store::detail
