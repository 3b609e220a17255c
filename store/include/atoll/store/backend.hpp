// backend: where a store keeps its Git objects and refs (Irmin's backend
// signature). Every backend meets one concept and passes one conformance
// suite (tests/store/conformance/backend_conformance.hpp): memory, an
// on-disk Git repository through libgit2 (unix), and the log-structured pack
// on a Block device (every target).
//
// Contract:
//   - format() is fixed at creation: every id the backend takes or gives is
//     of that format (another format is invalid_argument).
//   - write(kind, payload) stores the object and returns its id, the one
//     hash_object gives. Writing an object that is there already is a cheap
//     success. A payload above the backend's max_object_size is
//     limit_exceeded. `payload` must stay valid until the task completes.
//   - read(id) gives the object's kind and payload; not_found when absent.
//     A backend never returns bytes that fail their check: a stored object
//     whose bytes do not hash to its id, or whose record fails its checksum,
//     is errc::corrupt naming the id.
//   - contains(id): whether read(id) would find it (without reading it whole).
//   - object_ids(): every stored id, in no particular order (fsck, export,
//     compaction).
//   - Refs are full names ("refs/heads/main", "refs/tags/v1"; see
//     check_ref_name) each holding one id. read_ref gives it or not_found.
//     update_ref(name, expected, desired) is an atomic test-and-set: it
//     succeeds only when the current value equals `expected` (nullopt: the
//     ref must not exist), then sets `desired` (nullopt: deletes it);
//     otherwise errc::conflict and nothing changes. A desired id need not be
//     stored yet (the model writes objects first, then moves the head).
//   - list_refs(prefix): every ref whose name starts with `prefix`, sorted
//     by name.
//   - flush(): the durability barrier. Every write and ref update that
//     completed before flush() started survives a crash once flush()
//     completes. Before that, a crash may lose them, but never leaves a ref
//     pointing at an object that is lost (a backend orders its writes so).
//     Reads always see completed writes, flushed or not.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/store/object_id.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atl::store {

/// raw_object: an object as a backend keeps it: its kind and its payload
/// (the bytes after git's "<kind> <size>\0" header).
struct raw_object {
  object_kind kind = object_kind::blob;
  std::vector<std::byte> payload;
};

/// ref_entry: one ref and the id it holds.
struct ref_entry {
  std::string name;
  object_id id;
  friend bool operator==(const ref_entry&, const ref_entry&) = default;
};

/// The largest object a backend takes unless configured otherwise.
inline constexpr std::size_t default_max_object_size = std::size_t{64} << 20;
/// The longest ref name accepted (git has no limit; a store must).
inline constexpr std::size_t max_ref_name = 255;

/// check_ref_name(name): success when `name` is a full ref name that git
/// accepts (git-check-ref-format(1): "refs/" followed by slash-separated
/// components; no component empty or starting with '.' or ending in ".lock";
/// no "..", "@{", control characters, space, '~', '^', ':', '?', '*', '[',
/// '\\'; not ending in '/' or '.'), or exactly "HEAD"; at most max_ref_name
/// bytes. Otherwise invalid_argument naming the rule broken.
result<void> check_ref_name(std::string_view name) noexcept;

template <class B>
concept backend = requires(B& b, const B& cb, object_kind kind, std::span<const std::byte> payload,
                           const object_id& id, std::string_view name,
                           std::optional<object_id> expected, std::optional<object_id> desired) {
  { cb.format() } -> std::same_as<hash_format>;
  { b.write(kind, payload) } -> std::same_as<task<result<object_id>>>;
  { b.read(id) } -> std::same_as<task<result<raw_object>>>;
  { b.contains(id) } -> std::same_as<task<result<bool>>>;
  { b.object_ids() } -> std::same_as<task<result<std::vector<object_id>>>>;
  { b.read_ref(name) } -> std::same_as<task<result<object_id>>>;
  { b.update_ref(name, expected, desired) } -> std::same_as<task<result<void>>>;
  { b.list_refs(name) } -> std::same_as<task<result<std::vector<ref_entry>>>>;
  { b.flush() } -> std::same_as<task<result<void>>>;
};

}  // namespace atl::store
