// branch: reads at the head, writes as commits moved by test-and-set.
#include <atoll/store/branch.hpp>

#include <string>

namespace atl::store {

result<std::string> branch_ref(std::string_view name) {
  std::string ref = "refs/heads/";
  ref += name;
  if (auto valid = check_ref_name(ref); !valid) return valid.error();
  return ref;
}

result<branch> branch::open(repo& r, std::string_view name) {
  ATOLL_TRY(auto ref, branch_ref(name));
  return branch(r, std::move(ref));
}

task<result<std::optional<object_id>>> branch::head() {
  auto id = co_await repo_->backend().read_ref(ref_);
  if (!id) {
    if (id.error().code() == errc::not_found) co_return std::optional<object_id>();
    co_return id.error();
  }
  co_return std::optional<object_id>(*id);
}

task<result<object_id>> branch::tree() {
  ATOLL_CO_TRY(auto h, co_await head());
  if (!h) co_return repo_->empty_tree();
  ATOLL_CO_TRY(auto c, co_await repo_->read_commit(*h));
  co_return c.tree;
}

task<result<std::vector<std::byte>>> branch::get(kv_key path) {
  ATOLL_CO_TRY(auto root, co_await tree());
  ATOLL_CO_TRY(auto at, co_await repo_->find(root, path));
  if (!at) co_return error(errc::not_found, "nothing at the key");
  if (at->kind != kv_kind::value)
    co_return error(errc::invalid_argument, "a dictionary is at the key");
  co_return co_await repo_->read_blob(at->id);
}

task<result<std::optional<kv_kind>>> branch::exists(kv_key path) {
  ATOLL_CO_TRY(auto root, co_await tree());
  ATOLL_CO_TRY(auto at, co_await repo_->find(root, path));
  if (!at) co_return std::optional<kv_kind>();
  co_return std::optional<kv_kind>(at->kind);
}

task<result<std::vector<kv_entry>>> branch::list(kv_key path) {
  ATOLL_CO_TRY(auto root, co_await tree());
  co_return co_await repo_->list(root, path);
}

task<result<void>> branch::move(std::optional<object_id> from, object_id to) {
  ATOLL_CO_TRYV(co_await repo_->backend().update_ref(ref_, from, to));
  repo_->notify(ref_, from, to);
  co_return ok();
}

task<result<object_id>> branch::set(kv_key path, std::span<const std::byte> bytes,
                                    commit_info info) {
  const kv_op op = kv_op::set(std::move(path), bytes);
  co_return co_await apply(std::span<const kv_op>(&op, 1), std::move(info));
}

task<result<object_id>> branch::remove(kv_key path, commit_info info) {
  const kv_op op = kv_op::remove(std::move(path));
  co_return co_await apply(std::span<const kv_op>(&op, 1), std::move(info));
}

task<result<object_id>> branch::apply(std::span<const kv_op> ops, commit_info info) {
  if (ops.size() > kv_max_batch)
    co_return error(errc::limit_exceeded, "batch larger than kv_max_batch");
  for (const auto& op : ops) {
    if (op.key.is_root()) co_return error(errc::invalid_argument, "the root is a dictionary");
  }
  // Blobs first: they do not depend on the head, so a retry reuses them.
  std::vector<object_id> blobs;
  blobs.reserve(ops.size());
  for (const auto& op : ops) {
    if (op.kind == kv_op_kind::set) {
      ATOLL_CO_TRY(auto id, co_await repo_->write_blob(op.data));
      blobs.push_back(id);
    } else {
      blobs.push_back(object_id{});
    }
  }
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    ATOLL_CO_TRY(auto parent, co_await head());
    object_id root = repo_->empty_tree();
    if (parent) {
      ATOLL_CO_TRY(auto c, co_await repo_->read_commit(*parent));
      root = c.tree;
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind == kv_op_kind::remove) {
        ATOLL_CO_TRY(auto at, co_await repo_->find(root, ops[i].key));
        if (!at) co_return error(errc::not_found, "nothing at the key to remove");
        ATOLL_CO_TRY(auto next, co_await repo_->update(root, ops[i].key, std::nullopt));
        root = next;
      } else {
        ATOLL_CO_TRY(auto next, co_await repo_->update(root, ops[i].key, blobs[i]));
        root = next;
      }
    }
    commit_data c{root, {}, info};
    if (parent) c.parents.push_back(*parent);
    ATOLL_CO_TRY(auto id, co_await repo_->write_commit(c));
    auto moved = co_await move(parent, id);
    if (moved) co_return id;
    if (moved.error().code() != errc::conflict) co_return moved.error();
  }
  co_return error(errc::conflict, "the branch kept moving: gave up after ", max_retries, " tries");
}

task<result<branch::outcome>> branch::merge_from(object_id other, blob_merge merge,
                                                 commit_info info) {
  for (int attempt = 0; attempt < max_retries; ++attempt) {
    ATOLL_CO_TRY(auto h, co_await head());
    outcome out;
    if (!h) {
      // An unborn branch takes the other history as it is.
      auto moved = co_await move(std::nullopt, other);
      if (moved) {
        out.commit = other;
        co_return out;
      }
      if (moved.error().code() != errc::conflict) co_return moved.error();
      continue;
    }
    ATOLL_CO_TRY(bool merged_already, co_await repo_->is_ancestor(other, *h));
    if (merged_already) {
      out.commit = *h;
      co_return out;
    }
    ATOLL_CO_TRY(bool behind, co_await repo_->is_ancestor(*h, other));
    object_id target = other;
    if (!behind) {
      ATOLL_CO_TRY(auto ours, co_await repo_->read_commit(*h));
      ATOLL_CO_TRY(auto theirs, co_await repo_->read_commit(other));
      ATOLL_CO_TRY(auto bases, co_await repo_->merge_bases(*h, other));
      object_id base_tree = repo_->empty_tree();
      if (!bases.empty()) {
        ATOLL_CO_TRY(auto first, co_await repo_->read_commit(bases[0]));
        base_tree = first.tree;
        // Several bases (criss-cross): merge them into one virtual base; a
        // conflict between bases falls back to the first base's tree.
        for (std::size_t i = 1; i < bases.size(); ++i) {
          ATOLL_CO_TRY(auto next, co_await repo_->read_commit(bases[i]));
          ATOLL_CO_TRY(auto virtual_base, co_await repo_->merge_trees(repo_->empty_tree(),
                                                                      base_tree, next.tree, merge));
          if (virtual_base.tree) base_tree = *virtual_base.tree;
        }
      }
      ATOLL_CO_TRY(auto m, co_await repo_->merge_trees(base_tree, ours.tree, theirs.tree, merge));
      if (!m.conflicts.empty()) {
        out.conflicts = std::move(m.conflicts);
        co_return out;
      }
      commit_data c{*m.tree, {*h, other}, info};
      ATOLL_CO_TRY(auto id, co_await repo_->write_commit(c));
      target = id;
    }
    auto moved = co_await move(h, target);
    if (moved) {
      out.commit = target;
      co_return out;
    }
    if (moved.error().code() != errc::conflict) co_return moved.error();
  }
  co_return error(errc::conflict, "the branch kept moving: gave up after ", max_retries, " tries");
}

task<result<std::vector<object_id>>> branch::history(std::size_t limit) {
  ATOLL_CO_TRY(auto h, co_await head());
  if (!h) co_return std::vector<object_id>();
  co_return co_await repo_->log(*h, limit);
}

}  // namespace atl::store
