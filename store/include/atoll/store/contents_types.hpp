// contents_types: the mergeable values built into the store, beside
// bytes_contents (contents.hpp) and json_contents (json_contents.hpp).
//
// Each is stored as text a person can read in `git show`:
//   counter_contents     a signed 64-bit integer in decimal and a newline.
//                        Merge adds both sides' changes: ours + theirs - old
//                        (old absent: 0); overflow is a conflict.
//   string_set_contents  a set of strings, one per line, sorted, with '\\'
//                        and newline escaped. Merge keeps what either side
//                        added and drops what either side removed.
//   log_contents         an append-only list of entries, one per line
//                        (escaped alike). Both sides must extend the common
//                        ancestor's entries; the merge keeps the ancestor's
//                        entries, then the two sides' new runs, the smaller
//                        run (by bytes) first so that the merge is symmetric.
//                        A side that rewrote or dropped an entry conflicts.
// Decoding is strict (a bad escape, a missing final newline, an unsorted or
// repeated set element, a number out of range: errc::corrupt), and bounded by
// the input's size.
#pragma once

#include <atoll/store/contents.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace atl::store {

struct counter_contents {
  using value_type = std::int64_t;
  static std::vector<std::byte> encode(const value_type& v);
  static result<value_type> decode(std::span<const std::byte> bytes);
  static result<value_type> merge(const std::optional<value_type>& old, const value_type& ours,
                                  const value_type& theirs);
};

struct string_set_contents {
  /// Sorted by bytes, no duplicates (make_set sorts and dedupes).
  using value_type = std::vector<std::string>;
  static value_type make_set(std::vector<std::string> elements);
  static std::vector<std::byte> encode(const value_type& v);
  static result<value_type> decode(std::span<const std::byte> bytes);
  static result<value_type> merge(const std::optional<value_type>& old, const value_type& ours,
                                  const value_type& theirs);
};

struct log_contents {
  using value_type = std::vector<std::string>;
  static std::vector<std::byte> encode(const value_type& v);
  static result<value_type> decode(std::span<const std::byte> bytes);
  static result<value_type> merge(const std::optional<value_type>& old, const value_type& ours,
                                  const value_type& theirs);
};

}  // namespace atl::store
