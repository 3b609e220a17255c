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
//
// A device may also answer info(k) (the kv_ro_info concept): exists, size,
// last_modified and digest in one call, for a device where each question
// costs a lookup (a host directory resolves the path and stats the file for
// each). kv_describe(kv, k) asks info() when the device has it and the four
// questions otherwise, so callers need not care.
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
#include <utility>
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

/// kv_info: what is at a key: its kind and, for a value, its size,
/// last-modified time and digest (a dictionary's are zero).
struct kv_info {
  kv_kind kind = kv_kind::value;
  std::uint64_t size = 0;
  wall_time modified{};
  sha256_digest digest{};
};

/// kv_ro_info<K>: a kv_ro device that answers info(k) in one call: nullopt
/// when nothing is at k, else what exists, size, last_modified and digest
/// would say, for one version of the value.
template <class K>
concept kv_ro_info = kv_ro<K> && requires(K& kv, kv_key key) {
  { kv.info(key) } -> std::same_as<task<result<std::optional<kv_info>>>>;
};

/// kv_describe(kv, k): kv.info(k), or for a device without it exists then
/// size, last_modified and digest. A value that vanishes between those
/// questions is errc::not_found. `kv` must outlive the task.
template <kv_ro K>
task<result<std::optional<kv_info>>> kv_describe(K& kv, kv_key key) {
  if constexpr (kv_ro_info<K>) {
    co_return co_await kv.info(std::move(key));
  } else {
    result<std::optional<kv_kind>> kind = co_await kv.exists(key);
    if (!kind) co_return kind.error();
    if (!*kind) co_return std::optional<kv_info>();
    kv_info info;
    info.kind = **kind;
    if (info.kind == kv_kind::dictionary) co_return info;
    ATOLL_CO_TRY(info.size, co_await kv.size(key));
    ATOLL_CO_TRY(info.modified, co_await kv.last_modified(key));
    ATOLL_CO_TRY(info.digest, co_await kv.digest(std::move(key)));
    co_return info;
  }
}

}  // namespace atl
