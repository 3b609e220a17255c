// ref_table: test-and-set refs in a sorted map.
#include <atoll/store/ref_table.hpp>

namespace atl::store {

result<object_id> ref_table::read(std::string_view name) const {
  ATOLL_TRYV(check_ref_name(name));
  auto it = refs_.find(name);
  if (it == refs_.end()) return error(errc::not_found, "no ref ", name);
  return it->second;
}

result<void> ref_table::check(std::string_view name, const std::optional<object_id>& expected,
                              const std::optional<object_id>& desired) const {
  ATOLL_TRYV(check_ref_name(name));
  auto it = refs_.find(name);
  const std::optional<object_id> current =
      it == refs_.end() ? std::nullopt : std::optional<object_id>(it->second);
  if (current != expected) return error(errc::conflict, "ref ", name, " moved");
  if (desired && it == refs_.end() && refs_.size() >= max_refs_) {
    return error(errc::limit_exceeded, "too many refs");
  }
  return {};
}

void ref_table::apply(std::string_view name, const std::optional<object_id>& desired) {
  if (desired) {
    refs_.insert_or_assign(std::string(name), *desired);
  } else if (auto it = refs_.find(name); it != refs_.end()) {
    refs_.erase(it);
  }
}

std::vector<ref_entry> ref_table::list(std::string_view prefix) const {
  std::vector<ref_entry> out;
  for (auto it = refs_.lower_bound(prefix); it != refs_.end() && it->first.starts_with(prefix);
       ++it) {
    out.push_back(ref_entry{it->first, it->second});
  }
  return out;
}

}  // namespace atl::store
