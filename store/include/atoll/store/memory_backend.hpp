// memory_backend: objects and refs in RAM, for tests, caches and
// applications whose history need not survive a restart.
//
// Meets `backend` (backend.hpp). Every operation completes without
// suspending. Limits: max_objects and max_bytes (payload bytes held);
// past them write() is limit_exceeded and nothing is stored. read() checks
// the payload's hash, so damage made through corrupt_for_test() is found.
// flush() does nothing: there is nothing durable to make.
#pragma once

#include <atoll/store/backend.hpp>
#include <atoll/store/ref_table.hpp>

#include <map>
#include <unordered_map>

namespace atl::store {

struct memory_backend_limits {
  std::size_t max_objects = std::size_t{1} << 22;
  std::size_t max_bytes = std::size_t{1} << 32;
  std::size_t max_object_size = default_max_object_size;
  std::size_t max_refs = 1 << 16;
};

class memory_backend {
public:
  explicit memory_backend(hash_format format, memory_backend_limits limits = {}) noexcept
      : format_(format), limits_(limits), refs_(limits.max_refs) {}

  [[nodiscard]] hash_format format() const noexcept { return format_; }
  task<result<object_id>> write(object_kind kind, std::span<const std::byte> payload);
  task<result<raw_object>> read(const object_id& id);
  task<result<bool>> contains(const object_id& id);
  task<result<std::vector<object_id>>> object_ids();
  task<result<object_id>> read_ref(std::string_view name);
  task<result<void>> update_ref(std::string_view name, std::optional<object_id> expected,
                                std::optional<object_id> desired);
  task<result<std::vector<ref_entry>>> list_refs(std::string_view prefix);
  task<result<void>> flush();

  [[nodiscard]] std::size_t object_count() const noexcept { return objects_.size(); }
  [[nodiscard]] std::size_t bytes_held() const noexcept { return bytes_; }

  /// corrupt_for_test(id): flips a bit of a stored payload (or changes its
  /// kind when empty), so tests can see reads refuse damaged objects.
  bool corrupt_for_test(const object_id& id) noexcept;

private:
  hash_format format_;
  memory_backend_limits limits_;
  std::unordered_map<object_id, raw_object, object_id_hash> objects_;
  ref_table refs_;
  std::size_t bytes_ = 0;
};

}  // namespace atl::store
