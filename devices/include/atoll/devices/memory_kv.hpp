// memory_kv: a kv device in memory, bounded in size; for tests, caches and
// simulations. Nothing survives the process.
#pragma once

#include <atoll/core/budget.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/clock.hpp>
#include <atoll/devices/kv.hpp>
#include <atoll/devices/kv_memory_store.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl {

/// memory_kv<Clock>: the kv concept over a kv_memory_store; `Clock` dates
/// what is set (last_modified). Every operation completes without
/// suspending. The device must outlive its tasks.
template <realtime_clock Clock>
class memory_kv {
public:
  /// memory_kv(clock, max_bytes, budget): `clock` (and `budget`, when given)
  /// must outlive the device; see kv_memory_store for the limits.
  memory_kv(Clock& clock, std::size_t max_bytes, memory_budget* budget = nullptr) noexcept
      : clock_(clock), store_(max_bytes, budget) {}

  task<result<buf>> get(kv_key key) noexcept { co_return store_.get(key); }
  task<result<buf>> get_partial(kv_key key, std::uint64_t offset, std::uint64_t length) noexcept {
    co_return store_.get_partial(key, offset, length);
  }
  task<result<std::vector<kv_entry>>> list(kv_key key) noexcept { co_return store_.list(key); }
  task<result<std::optional<kv_kind>>> exists(kv_key key) noexcept { co_return store_.exists(key); }
  task<result<std::uint64_t>> size(kv_key key) noexcept { co_return store_.size(key); }
  task<result<sha256_digest>> digest(kv_key key) noexcept { co_return store_.digest(key); }
  task<result<wall_time>> last_modified(kv_key key) noexcept {
    co_return store_.last_modified(key);
  }

  task<result<void>> set(kv_key key, std::span<const std::byte> data) noexcept {
    co_return store_.set(key, data, clock_.now());
  }
  task<result<void>> remove(kv_key key) noexcept { co_return store_.remove(key); }
  task<result<void>> batch(std::span<const kv_op> ops) noexcept {
    co_return store_.batch(ops, clock_.now());
  }

  /// store: the synchronous core, for statistics.
  [[nodiscard]] const kv_memory_store& store() const noexcept { return store_; }

private:
  Clock& clock_;
  kv_memory_store store_;
};

}  // namespace atl
