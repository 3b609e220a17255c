// kv: a read-write key-value store (mirage-kv's RW signature): kv_ro plus
// set, remove and an atomic batch.
//
// Contract, beyond kv_ro's (tests/devices/conformance/kv_conformance.hpp):
//   - set(k, data): k holds a copy of `data` afterwards (a new value or a
//     replacement), with a new last_modified. The dictionaries above k appear
//     as needed. errc::invalid_argument when k is the root or a dictionary,
//     or when a key above k is a value; errc::limit_exceeded when the device
//     would grow past its limits. `data` must stay valid until the task
//     completes.
//   - remove(k): k and, for a dictionary, everything beneath it, are gone.
//     errc::not_found when nothing is at k; errc::invalid_argument for the
//     root.
//   - batch(ops): applies every operation in order, atomically: when one
//     fails (with the error it would give alone, after the ones before it),
//     nothing of the batch is applied, and readers never see a part of it.
//     errc::limit_exceeded past kv_max_batch operations.
//   - After a successful write, reads on the same device see it. Durability
//     across a crash is the implementation's to document.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace atl {

/// The most operations one batch() takes.
inline constexpr std::size_t kv_max_batch = 1024;

enum class kv_op_kind : std::uint8_t { set, remove };

/// kv_op: one operation of a batch. For set, `data` is borrowed from the
/// caller until the batch completes.
struct kv_op {
  kv_op_kind kind = kv_op_kind::set;
  kv_key key;
  std::span<const std::byte> data;

  static kv_op set(kv_key k, std::span<const std::byte> bytes) noexcept {
    return kv_op{kv_op_kind::set, std::move(k), bytes};
  }
  static kv_op remove(kv_key k) noexcept { return kv_op{kv_op_kind::remove, std::move(k), {}}; }
};

/// kv<K>: the read-write key-value concept. See the contract above.
template <class K>
concept kv = kv_ro<K> && requires(K& store, kv_key key, std::span<const std::byte> data,
                                  std::span<const kv_op> ops) {
  { store.set(key, data) } -> std::same_as<task<result<void>>>;
  { store.remove(key) } -> std::same_as<task<result<void>>>;
  { store.batch(ops) } -> std::same_as<task<result<void>>>;
};

}  // namespace atl
