// repo: trees by path, commits, history and merge bases, diff, tree merges.
#include "model_fixture.hpp"
#include <atoll/store/contents_types.hpp>

namespace atl::store::testing {
namespace {

class RepoTest : public model_test {
protected:
  object_id blob(std::string_view s) { return run(repo_.write_blob(bytes(s))).value(); }
  object_id put(object_id tree, std::string_view path, std::string_view value) {
    return run(repo_.update(tree, key(path), blob(value))).value();
  }
  std::optional<std::string> at(object_id tree, std::string_view path) {
    auto f = run(repo_.find(tree, key(path))).value();
    if (!f || f->kind != kv_kind::value) return std::nullopt;
    return text(run(repo_.read_blob(f->id)).value());
  }
  object_id commit(object_id tree, std::vector<object_id> parents, std::int64_t t) {
    return run(repo_.write_commit(commit_data{tree, std::move(parents), info_at(t)})).value();
  }
};

TEST_F(RepoTest, UpdateFindList) {
  object_id t = repo_.empty_tree();
  t = put(t, "a/b/c", "deep");
  t = put(t, "a/x", "x");
  t = put(t, "top", "1");
  EXPECT_EQ(at(t, "a/b/c"), "deep");
  EXPECT_EQ(at(t, "top"), "1");
  EXPECT_EQ(at(t, "a/nothing"), std::nullopt);
  EXPECT_EQ(run(repo_.find(t, key("a/b"))).value()->kind, kv_kind::dictionary);
  auto root = run(repo_.list(t, kv_key())).value();
  ASSERT_EQ(root.size(), 2u);
  EXPECT_EQ(root[0], (kv_entry{"a", kv_kind::dictionary}));
  EXPECT_EQ(root[1], (kv_entry{"top", kv_kind::value}));
  EXPECT_ERRC(run(repo_.list(t, key("top"))), errc::invalid_argument);
  EXPECT_ERRC(run(repo_.list(t, key("zzz"))), errc::not_found);
  // A value in the way, a dictionary at the key: refused, as kv's set.
  EXPECT_ERRC(run(repo_.update(t, key("top/below"), blob("v"))), errc::invalid_argument);
  EXPECT_ERRC(run(repo_.update(t, key("a"), blob("v"))), errc::invalid_argument);
  // Setting what is there changes nothing, not even the id.
  EXPECT_EQ(put(t, "a/x", "x"), t);
}

TEST_F(RepoTest, RemovePrunesEmptyDictionaries) {
  object_id t = put(put(repo_.empty_tree(), "a/b/c", "1"), "d", "2");
  object_id without = run(repo_.update(t, key("a/b/c"), std::nullopt)).value();
  EXPECT_EQ(run(repo_.find(without, key("a"))).value(), std::nullopt);
  EXPECT_EQ(without, put(repo_.empty_tree(), "d", "2"));
  object_id empty = run(repo_.update(without, key("d"), std::nullopt)).value();
  EXPECT_EQ(empty, repo_.empty_tree());
  // The same tree reached by two routes has one id (content addressing).
  EXPECT_EQ(put(put(repo_.empty_tree(), "x", "1"), "y", "2"),
            put(put(repo_.empty_tree(), "y", "2"), "x", "1"));
}

TEST_F(RepoTest, GitRefusesDotGit) {
  EXPECT_ERRC(run(repo_.update(repo_.empty_tree(), key(".git"), blob("x"))),
              errc::invalid_argument);
  EXPECT_ERRC(run(repo_.update(repo_.empty_tree(), key("a/.GIT/config"), blob("x"))),
              errc::invalid_argument);
}

TEST_F(RepoTest, CommitsRoundTrip) {
  const object_id t = put(repo_.empty_tree(), "f", "v");
  commit_info i = info_at(1'700'000'000, "hello\n\nbody\n");
  i.tz_minutes = -330;
  const object_id c = run(repo_.write_commit(commit_data{t, {}, i})).value();
  auto back = run(repo_.read_commit(c)).value();
  EXPECT_EQ(back.tree, t);
  EXPECT_TRUE(back.parents.empty());
  EXPECT_EQ(back.info.message, "hello\n\nbody\n");
  EXPECT_EQ(back.info.tz_minutes, -330);
  EXPECT_EQ(back.info.time, i.time);
  EXPECT_EQ(back.info.email, "test@example.org");
  // A blob is not a commit, nor a tree.
  EXPECT_ERRC(run(repo_.read_commit(blob("v"))), errc::corrupt);
  EXPECT_ERRC(run(repo_.find(blob("v"), key("x"))), errc::corrupt);
}

TEST_F(RepoTest, HistoryAndMergeBases) {
  // a - b - c        (main)
  //       `- d - e   (topic)
  const object_id t = repo_.empty_tree();
  const object_id a = commit(t, {}, 100);
  const object_id b = commit(put(t, "1", "b"), {a}, 200);
  const object_id c = commit(put(t, "1", "c"), {b}, 300);
  const object_id d = commit(put(t, "1", "d"), {b}, 250);
  const object_id e = commit(put(t, "1", "e"), {d}, 350);
  EXPECT_EQ(run(repo_.log(c, 10)).value(), (std::vector<object_id>{c, b, a}));
  EXPECT_EQ(run(repo_.log(c, 2)).value(), (std::vector<object_id>{c, b}));
  EXPECT_TRUE(run(repo_.is_ancestor(a, e)).value());
  EXPECT_FALSE(run(repo_.is_ancestor(c, e)).value());
  EXPECT_EQ(run(repo_.merge_bases(c, e)).value(), std::vector<object_id>{b});
  EXPECT_EQ(run(repo_.merge_bases(e, b)).value(), std::vector<object_id>{b});
  // A merge m of c and e: log visits everything once, newest first.
  const object_id m = commit(t, {c, e}, 400);
  EXPECT_EQ(run(repo_.log(m, 100)).value(), (std::vector<object_id>{m, e, c, d, b, a}));
  // Unrelated histories have no base.
  const object_id lone = commit(put(t, "z", "z"), {}, 500);
  EXPECT_TRUE(run(repo_.merge_bases(lone, c)).value().empty());
}

TEST_F(RepoTest, CrissCrossHasTwoBases) {
  // r has two children x1 and y1; x2 merges y1 into x1, y2 merges x1
  // into y1: x1 and y1 are both lowest common ancestors of x2 and y2.
  const object_id t = repo_.empty_tree();
  const object_id r = commit(t, {}, 10);
  const object_id x1 = commit(put(t, "x", "1"), {r}, 20);
  const object_id y1 = commit(put(t, "y", "1"), {r}, 21);
  const object_id x2 = commit(put(t, "x", "2"), {x1, y1}, 30);
  const object_id y2 = commit(put(t, "y", "2"), {y1, x1}, 31);
  auto bases = run(repo_.merge_bases(x2, y2)).value();
  std::vector<object_id> expected{x1, y1};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(bases, expected);
}

TEST_F(RepoTest, Diff) {
  object_id before = put(put(put(repo_.empty_tree(), "same", "s"), "mod", "1"), "gone/deep", "g");
  before = put(before, "flip", "value");
  object_id after = put(put(put(repo_.empty_tree(), "same", "s"), "mod", "2"), "new/n", "n");
  after = put(after, "flip/inside", "v");
  auto changes = run(repo_.diff(before, after)).value();
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0].path, key("flip"));
  EXPECT_EQ(changes[0].kind, change_kind::removed);
  EXPECT_EQ(changes[1].path, key("flip/inside"));
  EXPECT_EQ(changes[1].kind, change_kind::added);
  EXPECT_EQ(changes[2].path, key("gone/deep"));
  EXPECT_EQ(changes[2].kind, change_kind::removed);
  EXPECT_EQ(changes[3].path, key("mod"));
  EXPECT_EQ(changes[3].kind, change_kind::modified);
  EXPECT_EQ(changes[3].before, blob("1"));
  EXPECT_EQ(changes[3].after, blob("2"));
  EXPECT_EQ(changes[4].path, key("new/n"));
  EXPECT_EQ(changes[4].kind, change_kind::added);
  EXPECT_TRUE(run(repo_.diff(after, after)).value().empty());
}

}  // namespace
}  // namespace atl::store::testing
