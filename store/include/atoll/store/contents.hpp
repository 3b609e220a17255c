// contents: typed values kept in the store's blobs, with their three-way
// merge (Irmin's Contents signature).
//
// A contents type C names its value_type and says how a value becomes a
// blob's bytes and back, and how two edits of one value merge:
//
//   C::encode(v)                 -> std::vector<std::byte>   (never fails)
//   C::decode(bytes)             -> result<value_type>       (corrupt on bad bytes)
//   C::merge(old, ours, theirs)  -> result<value_type>       (all three present)
//
// merge_contents<C> wraps C::merge with the rules every type shares, on
// optional values (absent: the path holds nothing): equal sides, or one side
// unchanged from the common ancestor, need no merge function; a side that
// deletes what the other changed is a conflict. A conflict is the error
// errc::conflict with a message saying why; the tree merge above collects them
// with their paths. Merges are deterministic and symmetric: swapping ours and
// theirs gives the same value, so replicas that merge each other converge.
//
// Built in: bytes_contents (conflict unless equal), counter_contents,
// string_set_contents, log_contents (contents_types.hpp), json_contents
// (json_contents.hpp).
#pragma once

#include <atoll/core/result.hpp>

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace atl::store {

template <class C>
concept contents = requires(const typename C::value_type& v, std::span<const std::byte> bytes,
                            const std::optional<typename C::value_type>& maybe) {
  requires std::equality_comparable<typename C::value_type>;
  { C::encode(v) } -> std::same_as<std::vector<std::byte>>;
  { C::decode(bytes) } -> std::same_as<result<typename C::value_type>>;
  { C::merge(maybe, v, v) } -> std::same_as<result<typename C::value_type>>;
};

/// merge_contents(old, ours, theirs): the three-way merge of one path's
/// value (see the header comment). C::merge is called only when both sides
/// hold a value and each changed it differently; `old` is then the common
/// ancestor's value, absent when both sides created the path.
template <contents C>
result<std::optional<typename C::value_type>> merge_contents(
    const std::optional<typename C::value_type>& old,
    const std::optional<typename C::value_type>& ours,
    const std::optional<typename C::value_type>& theirs) {
  using optional_value = std::optional<typename C::value_type>;
  if (ours == theirs) return optional_value(ours);
  if (old == ours) return optional_value(theirs);
  if (old == theirs) return optional_value(ours);
  if (!ours || !theirs) return error(errc::conflict, "one side deleted what the other changed");
  auto merged = C::merge(old, *ours, *theirs);
  if (!merged) return merged.error();
  return optional_value(std::move(*merged));
}

/// bytes_contents: opaque bytes; two different edits always conflict.
struct bytes_contents {
  using value_type = std::string;
  static std::vector<std::byte> encode(const value_type& v);
  static result<value_type> decode(std::span<const std::byte> bytes);
  static result<value_type> merge(const std::optional<value_type>& old, const value_type& ours,
                                  const value_type& theirs);
};

}  // namespace atl::store
