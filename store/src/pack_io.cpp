// pack_io: reachability over a backend, and packs in and out of it.
#include "tree_entries.hpp"
#include <atoll/store/objects.hpp>
#include <atoll/store/pack_io.hpp>
#include <atoll/store/repo.hpp>

#include <string_view>
#include <unordered_set>

namespace atl::store {
task<result<std::vector<object_id>>> reachable(any_backend& b, std::span<const object_id> roots,
                                               std::size_t max_objects) {
  std::vector<object_id> order;
  std::unordered_set<object_id, object_id_hash> seen;
  std::vector<object_id> stack(roots.begin(), roots.end());
  while (!stack.empty()) {
    const object_id id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    if (seen.size() > max_objects)
      co_return error(errc::limit_exceeded, "more reachable objects than the limit");
    // The empty tree is named without being stored by some writers.
    if (id == hash_object(b.format(), object_kind::tree, {})) {
      ATOLL_CO_TRY(bool stored, co_await b.contains(id));
      if (!stored) {
        ATOLL_CO_TRY(auto written, co_await b.write(object_kind::tree, {}));
        (void)written;
      }
    }
    ATOLL_CO_TRY(auto o, co_await b.read(id));
    auto refs = references(b.format(), o);
    if (!refs)
      co_return error(errc::corrupt, "object ", id.hex().view(), ": ", refs.error().message());
    order.push_back(id);
    for (const auto& r : *refs) {
      if (!seen.contains(r)) stack.push_back(r);
    }
  }
  co_return order;
}

task<result<pack_files>> export_pack(any_backend& b, std::span<const object_id> roots) {
  ATOLL_CO_TRY(auto ids, co_await reachable(b, roots));
  std::vector<raw_object> objects;
  objects.reserve(ids.size());
  for (const auto& id : ids) {
    ATOLL_CO_TRY(auto o, co_await b.read(id));
    objects.push_back(std::move(o));
  }
  co_return write_pack(b.format(), objects);
}

task<result<std::vector<object_id>>> import_pack(any_backend& b, std::span<const std::byte> pack,
                                                 const pack_limits& limits) {
  ATOLL_CO_TRY(auto entries, read_pack(b.format(), pack, limits));
  std::vector<object_id> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) {
    ATOLL_CO_TRY(auto id, co_await b.write(e.object.kind, e.object.payload));
    if (id != e.id) co_return error(errc::corrupt, "backend named an object differently");
    ids.push_back(id);
  }
  co_return ids;
}

}  // namespace atl::store
