// subtree_branch: a branch seen from a prefix.
#include <atoll/store/branch_views.hpp>

#include <string>

namespace atl::store {

result<kv_key> subtree_branch::full(const kv_key& path) const {
  if (prefix_.is_root()) return path;
  if (path.is_root()) return prefix_;
  std::string text(prefix_.text());
  text += '/';
  text += path.text();
  return kv_key::parse(text);
}

result<subtree_branch> subtree_branch::narrower(const kv_key& sub) const {
  ATOLL_TRY(auto key, full(sub));
  return subtree_branch(b_, std::move(key));
}

task<result<std::vector<std::byte>>> subtree_branch::get(kv_key path) {
  ATOLL_CO_TRY(auto key, full(path));
  co_return co_await b_.get(std::move(key));
}

task<result<std::optional<kv_kind>>> subtree_branch::exists(kv_key path) {
  if (path.is_root()) co_return std::optional<kv_kind>(kv_kind::dictionary);
  ATOLL_CO_TRY(auto key, full(path));
  co_return co_await b_.exists(std::move(key));
}

task<result<std::vector<kv_entry>>> subtree_branch::list(kv_key path) {
  ATOLL_CO_TRY(auto key, full(path));
  auto entries = co_await b_.list(std::move(key));
  // The subtree's own root exists even before anything is written in it.
  if (!entries && path.is_root() && entries.error().code() == errc::not_found) {
    co_return std::vector<kv_entry>();
  }
  co_return entries;
}

task<result<object_id>> subtree_branch::set(kv_key path, std::span<const std::byte> bytes,
                                            commit_info info) {
  if (path.is_root()) co_return error(errc::invalid_argument, "the root is a dictionary");
  ATOLL_CO_TRY(auto key, full(path));
  co_return co_await b_.set(std::move(key), bytes, std::move(info));
}

task<result<object_id>> subtree_branch::remove(kv_key path, commit_info info) {
  if (path.is_root()) co_return error(errc::invalid_argument, "the root cannot be removed");
  ATOLL_CO_TRY(auto key, full(path));
  co_return co_await b_.remove(std::move(key), std::move(info));
}

task<result<object_id>> subtree_branch::apply(std::span<const kv_op> ops, commit_info info) {
  if (ops.size() > kv_max_batch)
    co_return error(errc::limit_exceeded, "batch larger than kv_max_batch");
  std::vector<kv_op> full_ops;
  full_ops.reserve(ops.size());
  for (const auto& op : ops) {
    if (op.key.is_root()) co_return error(errc::invalid_argument, "the root is a dictionary");
    ATOLL_CO_TRY(auto key, full(op.key));
    full_ops.push_back(kv_op{op.kind, std::move(key), op.data});
  }
  co_return co_await b_.apply(full_ops, std::move(info));
}

}  // namespace atl::store
