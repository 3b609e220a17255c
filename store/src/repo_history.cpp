// repo's history walks: log, ancestry and merge bases.
//
// Each walk reads commits through read_commit (so every one is checked) and
// stops after history_limit commits with errc::limit_exceeded: a hostile or
// corrupt history cannot make it loop or grow without bound. The merge-base
// walk is git's: paint both sides' ancestors newest first, stop when only
// commits below a common one remain.
#include <atoll/store/repo.hpp>

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace atl::store {
namespace {

struct dated {
  std::int64_t time;
  object_id id;
  bool live = false;  // merge_bases: counted among the walk's live entries
  // Newest first; ties by id so that walks are deterministic.
  friend bool operator<(const dated& a, const dated& b) noexcept {
    if (a.time != b.time) return a.time < b.time;
    return a.id > b.id;
  }
};

std::int64_t seconds(const commit_data& c) noexcept {
  return c.info.time.time_since_epoch().count() / 1'000'000'000;
}

error too_long() { return error(errc::limit_exceeded, "history walk past its limit"); }

}  // namespace

task<result<std::vector<object_id>>> repo::log(object_id head, std::size_t limit) {
  std::vector<object_id> out;
  std::priority_queue<dated> queue;
  std::unordered_set<object_id, object_id_hash> seen;
  ATOLL_CO_TRY(auto first, co_await read_commit(head));
  queue.push(dated{seconds(first), head});
  seen.insert(head);
  while (!queue.empty() && out.size() < limit) {
    const object_id id = queue.top().id;
    queue.pop();
    out.push_back(id);
    if (seen.size() > history_limit) co_return too_long();
    ATOLL_CO_TRY(auto c, co_await read_commit(id));
    for (const auto& parent : c.parents) {
      if (!seen.insert(parent).second) continue;
      ATOLL_CO_TRY(auto p, co_await read_commit(parent));
      queue.push(dated{seconds(p), parent});
    }
  }
  co_return out;
}

task<result<bool>> repo::is_ancestor(object_id a, object_id b) {
  std::vector<object_id> stack{b};
  std::unordered_set<object_id, object_id_hash> seen{b};
  while (!stack.empty()) {
    const object_id id = stack.back();
    stack.pop_back();
    if (id == a) co_return true;
    if (seen.size() > history_limit) co_return too_long();
    ATOLL_CO_TRY(auto c, co_await read_commit(id));
    for (const auto& parent : c.parents) {
      if (seen.insert(parent).second) stack.push_back(parent);
    }
  }
  co_return false;
}

task<result<std::vector<object_id>>> repo::merge_bases(object_id a, object_id b) {
  if (a == b) co_return std::vector<object_id>{a};
  enum : std::uint8_t { from_a = 1, from_b = 2, stale = 4, reported = 8 };
  std::unordered_map<object_id, std::uint8_t, object_id_hash> flags;
  std::priority_queue<dated> queue;
  std::size_t live = 0;  // queued entries that are not stale
  auto push = [&](const object_id& id, std::int64_t time, std::uint8_t add) {
    flags[id] |= add;
    const bool counted = !(add & stale);
    queue.push(dated{time, id, counted});
    if (counted) ++live;
  };
  ATOLL_CO_TRY(auto ca, co_await read_commit(a));
  ATOLL_CO_TRY(auto cb, co_await read_commit(b));
  push(a, seconds(ca), from_a);
  push(b, seconds(cb), from_b);
  std::vector<object_id> candidates;
  std::size_t visited = 0;
  while (!queue.empty() && live > 0) {
    const object_id id = queue.top().id;
    if (queue.top().live) --live;
    queue.pop();
    if (++visited > history_limit) co_return too_long();
    const std::uint8_t f = flags[id];
    std::uint8_t carry = f & (from_a | from_b | stale);
    if ((carry & (from_a | from_b)) == (from_a | from_b) && !(f & stale)) {
      if (!(f & reported)) {
        flags[id] |= reported;
        candidates.push_back(id);
      }
      carry |= stale;
    }
    ATOLL_CO_TRY(auto c, co_await read_commit(id));
    for (const auto& parent : c.parents) {
      const std::uint8_t have = flags[parent];
      if ((have & carry) == carry) continue;
      ATOLL_CO_TRY(auto p, co_await read_commit(parent));
      push(parent, seconds(p), carry);
    }
  }
  // Drop candidates that are ancestors of other candidates (clock skew and
  // criss-cross histories can leave some).
  std::vector<object_id> bases;
  for (const auto& c : candidates) {
    bool redundant = false;
    for (const auto& other : candidates) {
      if (other == c) continue;
      ATOLL_CO_TRY(bool below, co_await is_ancestor(c, other));
      if (below) {
        redundant = true;
        break;
      }
    }
    if (!redundant) bases.push_back(c);
  }
  std::sort(bases.begin(), bases.end());
  co_return bases;
}

}  // namespace atl::store
