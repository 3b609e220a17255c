// repo's watches: registration, coalesced moves, and the filtered diff.
#include <atoll/store/watch.hpp>

#include <algorithm>

namespace atl::store {

repo::~repo() { ATOLL_ASSERT(watches_.empty()); }

void repo::notify(std::string_view ref, std::optional<object_id>, object_id to) noexcept {
  for (watch* w : watches_) {
    if (w->ref_ == ref) w->moved(to);
  }
}

result<std::unique_ptr<watch>> watch::create(repo& r, engine& e, std::string ref, kv_key prefix,
                                             std::optional<object_id> from) {
  if (ref != "HEAD") {
    if (auto ok_name = check_ref_name(ref); !ok_name) return ok_name.error();
  }
  if (r.watches_.size() >= repo::max_watches) {
    return error(errc::limit_exceeded, "too many watches on one store");
  }
  std::unique_ptr<watch> w(new watch(r, e, std::move(ref), std::move(prefix), from));
  r.watches_.push_back(w.get());
  return w;
}

watch::watch(repo& r, engine& e, std::string ref, kv_key prefix,
             std::optional<object_id> from) noexcept
    : repo_(r),
      event_(e),
      ref_(std::move(ref)),
      prefix_(std::move(prefix)),
      reported_(from),
      latest_(from) {}

watch::~watch() {
  auto& list = repo_.watches_;
  list.erase(std::remove(list.begin(), list.end(), this), list.end());
}

void watch::moved(object_id to) noexcept {
  ++moves_;
  latest_ = to;
  event_.set();
}

task<result<std::vector<change>>> watch::next() {
  for (;;) {
    while (latest_ == reported_) co_await event_.wait();
    const std::optional<object_id> from = reported_;
    const object_id to = *latest_;
    object_id before = repo_.empty_tree();
    if (from) {
      ATOLL_CO_TRY(auto c, co_await repo_.read_commit(*from));
      before = c.tree;
    }
    ATOLL_CO_TRY(auto after_commit, co_await repo_.read_commit(to));
    ATOLL_CO_TRY(auto changes, co_await repo_.diff(before, after_commit.tree));
    reported_ = to;
    std::erase_if(changes, [this](const change& c) { return !prefix_.contains(c.path); });
    if (!changes.empty()) co_return changes;
  }
}

}  // namespace atl::store
