// Narrowed handles on a branch: capabilities a component can be given
// instead of the whole store (DESIGN.md, principle 1).
//
//   read_only_branch  reads only: head, get, exists, list, history. It has
//                     no way to write, whatever it is asked.
//   subtree_branch    a branch seen from `prefix`: every path is relative to
//                     it, and since a kv_key has no "..", nothing outside the
//                     prefix can be named, read or written. Its root always
//                     exists (an empty dictionary until written). Writes are
//                     commits on the whole branch, as branch's.
#pragma once

#include <atoll/store/branch.hpp>

namespace atl::store {

class read_only_branch {
public:
  explicit read_only_branch(branch b) noexcept : b_(std::move(b)) {}

  task<result<std::optional<object_id>>> head() { return b_.head(); }
  task<result<std::vector<std::byte>>> get(kv_key path) { return b_.get(std::move(path)); }
  task<result<std::optional<kv_kind>>> exists(kv_key path) { return b_.exists(std::move(path)); }
  task<result<std::vector<kv_entry>>> list(kv_key path) { return b_.list(std::move(path)); }
  task<result<std::vector<object_id>>> history(std::size_t limit) { return b_.history(limit); }

private:
  branch b_;
};

class subtree_branch {
public:
  /// subtree_branch(b, prefix): `b` seen from `prefix` (the root: all of it).
  subtree_branch(branch b, kv_key prefix) noexcept : b_(std::move(b)), prefix_(std::move(prefix)) {}

  [[nodiscard]] const kv_key& prefix() const noexcept { return prefix_; }
  [[nodiscard]] branch& whole() noexcept { return b_; }

  task<result<std::optional<object_id>>> head() { return b_.head(); }
  task<result<std::vector<std::byte>>> get(kv_key path);
  task<result<std::optional<kv_kind>>> exists(kv_key path);
  task<result<std::vector<kv_entry>>> list(kv_key path);
  task<result<object_id>> set(kv_key path, std::span<const std::byte> bytes, commit_info info);
  task<result<object_id>> remove(kv_key path, commit_info info);
  /// apply(ops, info): as branch::apply, with every key under the prefix.
  task<result<object_id>> apply(std::span<const kv_op> ops, commit_info info);
  /// narrower(sub): a handle on prefix/sub, for a component that may see
  /// only part of this one.
  result<subtree_branch> narrower(const kv_key& sub) const;

  /// full(path): prefix/path, the key on the whole branch; invalid_argument
  /// past kv_key's limits.
  result<kv_key> full(const kv_key& path) const;

private:
  branch b_;
  kv_key prefix_;
};

}  // namespace atl::store
