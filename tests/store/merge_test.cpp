// Three-way merges: of trees with the contents' merge functions, and of
// branches (fast-forward, merge commits, conflicts as values).
#include "model_fixture.hpp"
#include <atoll/store/contents_types.hpp>

namespace atl::store::testing {
namespace {

class MergeTest : public model_test {
protected:
  object_id put(object_id tree, std::string_view path, std::string_view value) {
    auto b = run(repo_.write_blob(bytes(value))).value();
    return run(repo_.update(tree, key(path), b)).value();
  }
  object_id drop(object_id tree, std::string_view path) {
    return run(repo_.update(tree, key(path), std::nullopt)).value();
  }
  std::optional<std::string> at(object_id tree, std::string_view path) {
    auto f = run(repo_.find(tree, key(path))).value();
    if (!f) return std::nullopt;
    return text(run(repo_.read_blob(f->id)).value());
  }
  merge_result merge(object_id base, object_id ours, object_id theirs, blob_merge m) {
    return run(repo_.merge_trees(base, ours, theirs, m)).value();
  }
};

TEST_F(MergeTest, DifferentPathsMergeClean) {
  const object_id base = put(put(repo_.empty_tree(), "a/one", "1"), "b/two", "2");
  const object_id ours = put(drop(base, "b/two"), "a/one", "1!");
  const object_id theirs = put(base, "c/three", "3");
  auto m = merge(base, ours, theirs, merge_function_of<bytes_contents>());
  ASSERT_TRUE(m.tree);
  EXPECT_TRUE(m.conflicts.empty());
  EXPECT_EQ(at(*m.tree, "a/one"), "1!");
  EXPECT_EQ(at(*m.tree, "b/two"), std::nullopt);
  EXPECT_EQ(at(*m.tree, "c/three"), "3");
  // Symmetric.
  EXPECT_EQ(merge(base, theirs, ours, merge_function_of<bytes_contents>()).tree, m.tree);
}

TEST_F(MergeTest, OnePathUsesTheContentsMerge) {
  const object_id base = put(repo_.empty_tree(), "hits", "10\n");
  const object_id ours = put(base, "hits", "15\n");
  const object_id theirs = put(base, "hits", "12\n");
  auto m = merge(base, ours, theirs, merge_function_of<counter_contents>());
  ASSERT_TRUE(m.tree);
  EXPECT_EQ(at(*m.tree, "hits"), "17\n");
}

TEST_F(MergeTest, ConflictsComeBackWithTheirPaths) {
  const object_id base = put(put(repo_.empty_tree(), "x/file", "old"), "y", "keep");
  const object_id ours = put(put(base, "x/file", "ours"), "z", "mine");
  const object_id theirs = put(drop(base, "y"), "x/file", "theirs");
  auto m = merge(base, ours, theirs, merge_function_of<bytes_contents>());
  EXPECT_FALSE(m.tree);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].path, key("x/file"));
  EXPECT_EQ(m.conflicts[0].why.code(), errc::conflict);
  // Deleted on one side, changed on the other.
  const object_id del = drop(base, "x/file");
  auto d = merge(base, del, ours, merge_function_of<bytes_contents>());
  ASSERT_EQ(d.conflicts.size(), 1u);
  EXPECT_EQ(d.conflicts[0].path, key("x/file"));
  // A value on one side where the other made a dictionary.
  const object_id value = put(drop(base, "x/file"), "x", "now a value");
  const object_id deeper = put(base, "x/other", "o");
  auto v = merge(base, value, deeper, merge_function_of<bytes_contents>());
  ASSERT_EQ(v.conflicts.size(), 1u);
  EXPECT_EQ(v.conflicts[0].path, key("x"));
}

TEST_F(MergeTest, CorruptContentsAreAnErrorNotAConflict) {
  const object_id base = put(repo_.empty_tree(), "n", "1\n");
  const object_id ours = put(base, "n", "2\n");
  const object_id theirs = put(base, "n", "not a number");
  EXPECT_ERRC(run(repo_.merge_trees(base, ours, theirs, merge_function_of<counter_contents>())),
              errc::corrupt);
}

TEST_F(MergeTest, BranchFastForwardMergeCommitAndConflict) {
  branch main = open("main");
  branch topic = open("topic");
  auto blob_merge_fn = merge_function_of<bytes_contents>();
  const object_id c1 = run(main.set(key("readme"), bytes("v1"), info_at(100))).value();
  // topic starts at main's commit, then moves on: merging it fast-forwards.
  ASSERT_TRUE(run(topic.merge_from(c1, blob_merge_fn, info_at(101))).value().commit);
  const object_id t1 = run(topic.set(key("feature"), bytes("f"), info_at(110))).value();
  auto ff = run(main.merge_from(t1, blob_merge_fn, info_at(120))).value();
  EXPECT_EQ(ff.commit, t1);
  EXPECT_EQ(run(main.head()).value(), t1);
  // Diverge on different paths: a merge commit with both parents.
  const object_id m1 = run(main.set(key("readme"), bytes("v2"), info_at(130))).value();
  const object_id t2 = run(topic.set(key("feature"), bytes("f2"), info_at(131))).value();
  auto merged = run(main.merge_from(t2, blob_merge_fn, info_at(140))).value();
  ASSERT_TRUE(merged.commit) << merged.conflicts.size();
  auto mc = run(repo_.read_commit(*merged.commit)).value();
  EXPECT_EQ(mc.parents, (std::vector<object_id>{m1, t2}));
  EXPECT_EQ(text(run(main.get(key("readme"))).value()), "v2");
  EXPECT_EQ(text(run(main.get(key("feature"))).value()), "f2");
  // Merging again changes nothing.
  EXPECT_EQ(run(main.merge_from(t2, blob_merge_fn, info_at(150))).value().commit, merged.commit);
  // The same path changed on both: a conflict, and main does not move.
  run(main.set(key("readme"), bytes("main's"), info_at(160))).value();
  const object_id t3 = run(topic.set(key("readme"), bytes("topic's"), info_at(161))).value();
  const auto before = run(main.head()).value();
  auto conflicted = run(main.merge_from(t3, blob_merge_fn, info_at(170))).value();
  EXPECT_FALSE(conflicted.commit);
  ASSERT_EQ(conflicted.conflicts.size(), 1u);
  EXPECT_EQ(conflicted.conflicts[0].path, key("readme"));
  EXPECT_EQ(run(main.head()).value(), before);
}

}  // namespace
}  // namespace atl::store::testing
