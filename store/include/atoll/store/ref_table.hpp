// ref_table: refs in memory with the backend contract's test-and-set rules,
// shared by the backends that keep their refs themselves (memory, block).
#pragma once

#include <atoll/store/backend.hpp>

#include <map>

namespace atl::store {

class ref_table {
public:
  using map = std::map<std::string, object_id, std::less<>>;

  explicit ref_table(std::size_t max_refs = 1 << 16) noexcept : max_refs_(max_refs) {}

  /// read(name): the ref's id; not_found, or invalid_argument for a name git refuses.
  [[nodiscard]] result<object_id> read(std::string_view name) const;
  /// check(name, expected, desired): whether update_ref(name, expected,
  /// desired) may go ahead: invalid_argument (name), conflict (the ref is not
  /// `expected`), limit_exceeded (a new ref past max_refs).
  [[nodiscard]] result<void> check(std::string_view name, const std::optional<object_id>& expected,
                                   const std::optional<object_id>& desired) const;
  /// apply(name, desired): sets the ref, or deletes it (nullopt); no checks
  /// (after check(), or when replaying a log).
  void apply(std::string_view name, const std::optional<object_id>& desired);
  /// list(prefix): the refs whose names start with `prefix`, sorted.
  [[nodiscard]] std::vector<ref_entry> list(std::string_view prefix) const;

  [[nodiscard]] const map& entries() const noexcept { return refs_; }
  void clear() noexcept { refs_.clear(); }

private:
  std::size_t max_refs_;
  map refs_;
};

}  // namespace atl::store
