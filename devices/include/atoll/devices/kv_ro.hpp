// kv_ro: a read-only key-value store of values and dictionaries (the role
// of mirage-kv's RO signature).
//
// Entries are named by kv_key paths. A value holds bytes; a dictionary holds
// entries, and exists as long as something lies beneath it (the root always
// exists). Backed by files compiled into the image (crunched_kv), a host
// directory (unix_target::dir_kv), memory (memory_kv), and later the store.
//
// Contract, for every implementation (tests/devices/conformance/
// kv_ro_conformance.hpp checks it):
//   - get(k): the whole value. errc::not_found when nothing is at k;
//     errc::invalid_argument when k is a dictionary.
//   - get_partial(k, offset, length): bytes [offset, min(offset+length, size))
//     of the value; an offset equal to the size gives an empty buf, a larger
//     one errc::invalid_argument.
//   - list(k): the entries directly in dictionary k, sorted by name (byte
//     order), each once. errc::not_found when nothing is at k,
//     errc::invalid_argument when k is a value, errc::limit_exceeded when the
//     dictionary has more than kv_max_list entries.
//   - exists(k): the kind of entry at k, or std::nullopt.
//   - size(k), digest(k), last_modified(k): of values only (dictionaries:
//     errc::invalid_argument). The digest is the SHA-256 of the value's bytes
//     (sha256.hpp), so it can be an HTTP ETag and is the same on every backend.
//     last_modified is the wall-clock time the value was last written.
//   - errc::io_error when the backing medium fails; errc::limit_exceeded or
//     errc::no_memory when a value is too large for the device's limits.
//   - The returned bufs are the caller's: they stay valid after the device
//     changes or goes away, unless the implementation documents otherwise
//     (crunched_kv's views borrow the image's own bytes, which never go away).
//   - Keys are taken by value, so a task may outlive the caller's key.
//     Destroying a task cancels the request and changes nothing.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/sha256.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atl {

/// The most entries list() returns; a larger dictionary is an error.
inline constexpr std::size_t kv_max_list = 4096;

enum class kv_kind : std::uint8_t { value, dictionary };

/// kv_entry: one entry of a dictionary: its name (one segment) and kind.
struct kv_entry {
  std::string name;
  kv_kind kind = kv_kind::value;
  friend bool operator==(const kv_entry&, const kv_entry&) = default;
};

/// kv_ro<K>: the read-only key-value concept. See the contract above.
template <class K>
concept kv_ro = requires(K& kv, kv_key key, std::uint64_t n) {
  { kv.get(key) } -> std::same_as<task<result<buf>>>;
  { kv.get_partial(key, n, n) } -> std::same_as<task<result<buf>>>;
  { kv.list(key) } -> std::same_as<task<result<std::vector<kv_entry>>>>;
  { kv.exists(key) } -> std::same_as<task<result<std::optional<kv_kind>>>>;
  { kv.size(key) } -> std::same_as<task<result<std::uint64_t>>>;
  { kv.digest(key) } -> std::same_as<task<result<sha256_digest>>>;
  { kv.last_modified(key) } -> std::same_as<task<result<wall_time>>>;
};

}  // namespace atl
