// memory_backend: the backend contract over two maps.
#include <atoll/store/memory_backend.hpp>

namespace atl::store {
namespace {

result<void> same_format(hash_format want, const object_id& id) {
  if (id.format() != want) return error(errc::invalid_argument, "object id of another format");
  return {};
}

}  // namespace

task<result<object_id>> memory_backend::write(object_kind kind,
                                              std::span<const std::byte> payload) {
  if (payload.size() > limits_.max_object_size) {
    co_return error(errc::limit_exceeded, "object larger than ", limits_.max_object_size, " bytes");
  }
  const object_id id = hash_object(format_, kind, payload);
  if (objects_.contains(id)) co_return id;
  if (objects_.size() >= limits_.max_objects || limits_.max_bytes - bytes_ < payload.size()) {
    co_return error(errc::limit_exceeded, "memory backend full");
  }
  objects_.emplace(id, raw_object{kind, std::vector<std::byte>(payload.begin(), payload.end())});
  bytes_ += payload.size();
  co_return id;
}

task<result<raw_object>> memory_backend::read(const object_id& id) {
  ATOLL_CO_TRYV(same_format(format_, id));
  auto it = objects_.find(id);
  if (it == objects_.end()) co_return error(errc::not_found, "no object ", id.hex().view());
  if (hash_object(format_, it->second.kind, it->second.payload) != id) {
    co_return error(errc::corrupt, "object ", id.hex().view(), " fails its hash");
  }
  co_return it->second;
}

task<result<bool>> memory_backend::contains(const object_id& id) {
  ATOLL_CO_TRYV(same_format(format_, id));
  co_return objects_.contains(id);
}

task<result<std::vector<object_id>>> memory_backend::object_ids() {
  std::vector<object_id> ids;
  ids.reserve(objects_.size());
  for (const auto& [id, object] : objects_) ids.push_back(id);
  co_return ids;
}

task<result<object_id>> memory_backend::read_ref(std::string_view name) {
  co_return refs_.read(name);
}

task<result<void>> memory_backend::update_ref(std::string_view name,
                                              std::optional<object_id> expected,
                                              std::optional<object_id> desired) {
  if (expected) ATOLL_CO_TRYV(same_format(format_, *expected));
  if (desired) ATOLL_CO_TRYV(same_format(format_, *desired));
  ATOLL_CO_TRYV(refs_.check(name, expected, desired));
  refs_.apply(name, desired);
  co_return ok();
}

task<result<std::vector<ref_entry>>> memory_backend::list_refs(std::string_view prefix) {
  co_return refs_.list(prefix);
}

task<result<void>> memory_backend::flush() { co_return ok(); }

bool memory_backend::corrupt_for_test(const object_id& id) noexcept {
  auto it = objects_.find(id);
  if (it == objects_.end()) return false;
  if (it->second.payload.empty()) {
    it->second.kind = it->second.kind == object_kind::blob ? object_kind::tree : object_kind::blob;
  } else {
    it->second.payload[it->second.payload.size() / 2] ^= std::byte{1};
  }
  return true;
}

}  // namespace atl::store
