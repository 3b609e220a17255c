// kv_memory_store: the non-template core of memory_kv.
//
// A map from key text to value, with dictionaries implied by the keys
// beneath them. Synchronous, and told the time by its caller, so it is
// tested without an engine or a clock; memory_kv adapts it to the kv concept.
// Bounded: the bytes of all keys and values together never exceed the limit
// given at construction.
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace atl {

class kv_memory_store {
public:
  /// kv_memory_store(max_bytes, budget): holds at most `max_bytes` of keys and
  /// values. Stored values and the bufs handed out are charged to `budget`
  /// when given (it must outlive the store and those bufs).
  explicit kv_memory_store(std::size_t max_bytes, memory_budget* budget = nullptr) noexcept
      : max_bytes_(max_bytes), budget_(budget) {}

  // The kv_ro and kv contract (kv_ro.hpp, kv.hpp), synchronously. get and
  // get_partial return copies: later writes never show through them.
  [[nodiscard]] result<buf> get(const kv_key& key) const noexcept;
  [[nodiscard]] result<buf> get_partial(const kv_key& key, std::uint64_t offset,
                                        std::uint64_t length) const noexcept;
  [[nodiscard]] result<std::vector<kv_entry>> list(const kv_key& key) const noexcept;
  [[nodiscard]] std::optional<kv_kind> exists(const kv_key& key) const noexcept;
  [[nodiscard]] result<std::uint64_t> size(const kv_key& key) const noexcept;
  [[nodiscard]] result<sha256_digest> digest(const kv_key& key) const noexcept;
  [[nodiscard]] result<wall_time> last_modified(const kv_key& key) const noexcept;

  /// set / remove / batch: `now` becomes the last_modified of what is set.
  /// A batch works on a copy of the map (values are shared, not copied) and
  /// replaces the map only when every operation succeeded.
  result<void> set(const kv_key& key, std::span<const std::byte> data, wall_time now) noexcept;
  result<void> remove(const kv_key& key) noexcept;
  result<void> batch(std::span<const kv_op> ops, wall_time now) noexcept;

  /// used_bytes: bytes of keys and values held now.
  [[nodiscard]] std::size_t used_bytes() const noexcept { return state_.used; }
  [[nodiscard]] std::size_t max_bytes() const noexcept { return max_bytes_; }
  /// values: how many values are stored.
  [[nodiscard]] std::size_t values() const noexcept { return state_.entries.size(); }

private:
  struct entry {
    buf data;
    sha256_digest digest;
    wall_time modified;
  };
  struct state {
    std::map<std::string, entry, std::less<>> entries;
    std::size_t used = 0;
  };

  result<const entry*> find_value(const kv_key& key) const noexcept;
  result<void> apply_set(state& s, const kv_key& key, std::span<const std::byte> data,
                         wall_time now) const noexcept;
  static result<void> apply_remove(state& s, const kv_key& key) noexcept;
  static std::optional<kv_kind> kind_in(const state& s, const kv_key& key) noexcept;

  std::size_t max_bytes_;
  memory_budget* budget_;
  state state_;
};

}  // namespace atl
