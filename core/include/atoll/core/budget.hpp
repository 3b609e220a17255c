// memory_budget: a per-subsystem allowance of bytes.
//
// With -fno-exceptions a failed allocation inside a std container aborts, so
// every allocation that peer input can drive (packets, connections, store
// caches, coroutine frames) is charged to a budget first and fails as a value
// (errc::no_memory) when the budget is spent. Budgets are plain objects owned
// by the subsystem that hands them down; there is no global one.
#pragma once

#include <cstddef>

namespace atl {

class memory_budget {
public:
  /// A budget of `limit` bytes. The name appears in logs and statistics.
  constexpr memory_budget(const char* name, std::size_t limit) noexcept
      : name_(name), limit_(limit) {}
  memory_budget(const memory_budget&) = delete;
  memory_budget& operator=(const memory_budget&) = delete;

  /// try_charge: takes `bytes` from the budget; false (and nothing taken)
  /// when that would exceed the limit. Refusals are counted.
  [[nodiscard]] bool try_charge(std::size_t bytes) noexcept {
    if (bytes > limit_ - used_) {
      ++refused_;
      return false;
    }
    used_ += bytes;
    if (used_ > peak_) peak_ = used_;
    return true;
  }
  /// refund: gives back bytes taken by a successful try_charge.
  void refund(std::size_t bytes) noexcept { used_ -= bytes; }

  [[nodiscard]] const char* name() const noexcept { return name_; }
  [[nodiscard]] std::size_t limit() const noexcept { return limit_; }
  [[nodiscard]] std::size_t used() const noexcept { return used_; }
  [[nodiscard]] std::size_t peak() const noexcept { return peak_; }
  [[nodiscard]] std::size_t refused() const noexcept { return refused_; }

private:
  const char* name_;
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t peak_ = 0;
  std::size_t refused_ = 0;
};

}  // namespace atl
