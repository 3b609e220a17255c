// json_contents: JSON objects merged key by key.
#include <atoll/store/json_contents.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace atl::store {
namespace {

using json::value;

std::optional<value> member_of(const value* object, const std::string& key) {
  if (object == nullptr) return std::nullopt;
  const value* v = object->find(key);
  if (v == nullptr) return std::nullopt;
  return *v;
}

result<value> merge_objects(const value* old, const value& ours, const value& theirs,
                            const std::string& path);

// One key's three-way merge: merge_contents' rules, recursing into objects.
result<std::optional<value>> merge_member(const std::optional<value>& old,
                                          const std::optional<value>& ours,
                                          const std::optional<value>& theirs,
                                          const std::string& path) {
  if (ours == theirs) return ours;
  if (old == ours) return theirs;
  if (old == theirs) return ours;
  if (!ours || !theirs) {
    return error(errc::conflict, "json: ", path, ": deleted on one side, changed on the other");
  }
  const bool objects = ours->kind() == json::kind::object && theirs->kind() == json::kind::object &&
                       (!old || old->kind() == json::kind::object);
  if (!objects) return error(errc::conflict, "json: ", path, ": both sides changed the value");
  auto merged = merge_objects(old ? &*old : nullptr, *ours, *theirs, path);
  if (!merged) return merged.error();
  return std::optional<value>(std::move(*merged));
}

result<value> merge_objects(const value* old, const value& ours, const value& theirs,
                            const std::string& path) {
  // Every key of either side or the ancestor, each merged alone. Members are
  // sorted, so a walk over the three gives the keys in order without a set.
  std::vector<std::string> keys;
  for (const value* side : {old, &ours, &theirs}) {
    if (side == nullptr) continue;
    for (const auto& m : side->members()) keys.push_back(m.key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<json::member> merged;
  for (const auto& key : keys) {
    const std::string key_path = path.empty() ? key : path + "." + key;
    auto m =
        merge_member(member_of(old, key), member_of(&ours, key), member_of(&theirs, key), key_path);
    if (!m) return m.error();
    if (*m) merged.push_back(json::member{key, std::move(**m)});
  }
  return value::object(std::move(merged));
}

}  // namespace

std::vector<std::byte> json_contents::encode(const value_type& v) {
  std::string text = json::emit(v);
  text += '\n';
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return {p, p + text.size()};
}

result<json_contents::value_type> json_contents::decode(std::span<const std::byte> bytes) {
  return json::parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

result<json_contents::value_type> json_contents::merge(const std::optional<value_type>& old,
                                                       const value_type& ours,
                                                       const value_type& theirs) {
  const bool objects = ours.kind() == json::kind::object && theirs.kind() == json::kind::object &&
                       (!old || old->kind() == json::kind::object);
  if (!objects) return error(errc::conflict, "json: both sides changed the document");
  return merge_objects(old ? &*old : nullptr, ours, theirs, "");
}

}  // namespace atl::store
