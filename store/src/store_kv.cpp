// store_kv's history lookup: when did a key's value last change.
#include <atoll/store/store_kv.hpp>

namespace atl::store {

task<result<wall_time>> last_modified_in(subtree_branch& handle, kv_key key, std::size_t depth) {
  repo& r = handle.whole().owner();
  ATOLL_CO_TRY(auto path, handle.full(key));
  ATOLL_CO_TRY(auto head, co_await handle.head());
  if (!head) co_return error(errc::not_found, "nothing at the key");
  ATOLL_CO_TRY(auto c, co_await r.read_commit(*head));
  ATOLL_CO_TRY(auto at, co_await r.find(c.tree, path));
  if (!at) co_return error(errc::not_found, "nothing at the key");
  if (at->kind != kv_kind::value)
    co_return error(errc::invalid_argument, "a dictionary is at the key");
  // Down the first-parent line while the value stays the same.
  for (std::size_t step = 0; step < depth && !c.parents.empty(); ++step) {
    ATOLL_CO_TRY(auto parent, co_await r.read_commit(c.parents.front()));
    ATOLL_CO_TRY(auto before, co_await r.find(parent.tree, path));
    if (!before || before->id != at->id || before->kind != at->kind) break;
    c = std::move(parent);
  }
  co_return c.info.time;
}

}  // namespace atl::store
