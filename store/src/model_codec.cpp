// The model's codec bridge (tree_entries.hpp): trees and commits as the
// model sees them, to and from Git's bytes.
#include "tree_entries.hpp"
#include <atoll/store/objects.hpp>
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
  commit_object o;
  o.tree = c.tree;
  o.parents = c.parents;
  o.author.name = c.info.name;
  o.author.email = c.info.email;
  o.author.seconds = c.info.time.time_since_epoch().count() / 1'000'000'000;
  o.author.tz = make_tz(c.info.tz_minutes);
  o.committer = o.author;
  o.message = c.info.message;
  return emit_commit(o);
}

result<commit_data> decode_commit(hash_format format, std::span<const std::byte> payload) {
  ATOLL_TRY(auto o, parse_commit(format, payload));
  commit_data c;
  c.tree = o.tree;
  c.parents = std::move(o.parents);
  // The model dates a commit by its committer, as git log does.
  c.info.name = std::move(o.committer.name);
  c.info.email = std::move(o.committer.email);
  c.info.tz_minutes = o.committer.tz_minutes();
  constexpr std::int64_t limit = INT64_MAX / 1'000'000'000;
  if (o.committer.seconds > limit) return error(errc::corrupt, "commit time out of range");
  c.info.time = wall_time(wall_time::duration(o.committer.seconds * 1'000'000'000));
  c.info.message = std::move(o.message);
  return c;
}

}  // namespace atl::store::detail
