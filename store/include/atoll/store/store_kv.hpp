// store_kv: the Kv device over a branch of the store, so an application
// that wants a plain key-value store gets history for free (every set is a
// commit).
//
// It meets atl::kv (devices/kv.hpp) and passes the kv and kv_ro conformance
// suites. Values are the blobs at the keys of the branch (seen from a
// subtree_branch's prefix); digest is the SHA-256 of the value, as on every
// KV device; last_modified is the committer time of the newest commit, on
// the first-parent line, that changed the value (at most
// last_modified_depth commits back; past that, the oldest one looked at).
// set/remove/batch commit with `info` (its time replaced by the clock's).
#pragma once

#include <atoll/devices/clock.hpp>
#include <atoll/devices/kv.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/store/branch_views.hpp>

namespace atl::store {

template <realtime_clock Clock>
class store_kv {
public:
  static constexpr std::size_t last_modified_depth = 4096;

  /// store_kv(handle, clock, info): the device over `handle`; commits are
  /// made as `info` says, dated by `clock` (which must outlive the device).
  store_kv(subtree_branch handle, Clock& clock, commit_info info = {}) noexcept
      : h_(std::move(handle)), clock_(clock), info_(std::move(info)) {}

  task<result<buf>> get(kv_key key) {
    ATOLL_CO_TRY(auto bytes, co_await h_.get(std::move(key)));
    co_return buf::copy_of(bytes);
  }
  task<result<buf>> get_partial(kv_key key, std::uint64_t offset, std::uint64_t length) {
    ATOLL_CO_TRY(auto bytes, co_await h_.get(std::move(key)));
    if (offset > bytes.size())
      co_return error(errc::invalid_argument, "offset past the value's end");
    const std::uint64_t n = std::min<std::uint64_t>(length, bytes.size() - offset);
    co_return buf::copy_of(std::span<const std::byte>(bytes).subspan(offset, n));
  }
  task<result<std::vector<kv_entry>>> list(kv_key key) { return h_.list(std::move(key)); }
  task<result<std::optional<kv_kind>>> exists(kv_key key) { return h_.exists(std::move(key)); }
  task<result<std::uint64_t>> size(kv_key key) {
    ATOLL_CO_TRY(auto bytes, co_await h_.get(std::move(key)));
    co_return static_cast<std::uint64_t>(bytes.size());
  }
  task<result<sha256_digest>> digest(kv_key key) {
    ATOLL_CO_TRY(auto bytes, co_await h_.get(std::move(key)));
    sha256 h;
    h.update(bytes);
    co_return h.finish();
  }
  task<result<wall_time>> last_modified(kv_key key);

  task<result<void>> set(kv_key key, std::span<const std::byte> data) {
    ATOLL_CO_TRY(auto id, co_await h_.set(std::move(key), data, dated()));
    (void)id;
    co_return ok();
  }
  task<result<void>> remove(kv_key key) {
    ATOLL_CO_TRY(auto id, co_await h_.remove(std::move(key), dated()));
    (void)id;
    co_return ok();
  }
  task<result<void>> batch(std::span<const kv_op> ops) {
    ATOLL_CO_TRY(auto id, co_await h_.apply(ops, dated()));
    (void)id;
    co_return ok();
  }

  [[nodiscard]] subtree_branch& handle() noexcept { return h_; }

private:
  commit_info dated() const {
    commit_info info = info_;
    info.time = clock_.now();
    if (info.message.empty()) info.message = "store_kv\n";
    return info;
  }

  subtree_branch h_;
  Clock& clock_;
  commit_info info_;
};

/// last_modified_in(handle, key, depth): the committer time of the newest
/// commit that changed `key` (store_kv::last_modified's rule).
task<result<wall_time>> last_modified_in(subtree_branch& handle, kv_key key, std::size_t depth);

template <realtime_clock Clock>
task<result<wall_time>> store_kv<Clock>::last_modified(kv_key key) {
  return last_modified_in(h_, std::move(key), last_modified_depth);
}

}  // namespace atl::store
