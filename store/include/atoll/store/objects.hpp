// objects: Git's commit and tag objects as values, parsed and emitted byte
// for byte (gitformat-commit/tag; git's fsck rules), and what any object
// names (for reachability, fsck, export).
//
// parse then emit gives back exactly the bytes parsed, for every object git
// writes: headers the model does not use (encoding, gpgsig and mergetag with
// their continuation lines, anything newer) are kept, in order, as they
// were; the time zone keeps its text ("-0000" stays). Parsing is strict where
// git fsck is: tree, parents, author, committer in that order, each once
// (parents any number), ids of the store's format, signatures "Name <email>
// seconds +hhmm". Trees: tree_entries.hpp's rules (a private header of the
// model), reached here through check_object.
#pragma once

#include <atoll/store/backend.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::store {

/// signature: "Name <email> 1700000000 +0100".
struct signature {
  std::string name;
  std::string email;
  std::int64_t seconds = 0;
  std::string tz = "+0000";  ///< as written: sign and four digits

  /// tz_minutes: the offset from UTC in minutes.
  [[nodiscard]] std::int32_t tz_minutes() const noexcept;
  friend bool operator==(const signature&, const signature&) = default;
};

/// make_tz(minutes): "+hhmm" / "-hhmm".
std::string make_tz(std::int32_t minutes);

/// header: a header line after the fixed ones; a value with newlines is
/// written with continuation lines (each following line starts with a space).
struct header {
  std::string name;
  std::string value;
  friend bool operator==(const header&, const header&) = default;
};

struct commit_object {
  object_id tree;
  std::vector<object_id> parents;
  signature author;
  signature committer;
  std::vector<header> extra;  ///< after committer, in order
  std::string message;        ///< everything after the blank line, as is
  friend bool operator==(const commit_object&, const commit_object&) = default;
};

struct tag_object {
  object_id object;
  object_kind type = object_kind::commit;
  std::string tag;
  std::optional<signature> tagger;
  std::vector<header> extra;
  std::string message;
  friend bool operator==(const tag_object&, const tag_object&) = default;
};

result<commit_object> parse_commit(hash_format format, std::span<const std::byte> payload);
/// emit_commit: invalid_argument for a name or email with '<', '>' or a
/// newline, a header name with a space or newline, ids of mixed formats.
result<std::vector<std::byte>> emit_commit(const commit_object& c);

result<tag_object> parse_tag(hash_format format, std::span<const std::byte> payload);
result<std::vector<std::byte>> emit_tag(const tag_object& t);

/// check_object(format, kind, payload): the object is well-formed as git
/// fsck --strict sees it (a tree sorted, unique, of known modes and sane
/// names; a commit or tag that parses). corrupt saying what is wrong.
result<void> check_object(hash_format format, object_kind kind, std::span<const std::byte> payload);

/// references(format, object): the ids an object names: a tree's entries
/// (not gitlinks: those are other repositories' commits), a commit's tree
/// and parents, a tag's object.
result<std::vector<object_id>> references(hash_format format, const raw_object& object);

}  // namespace atl::store
