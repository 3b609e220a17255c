// branch: writes as commits, atomic batches, concurrent writers, watches,
// and the narrowed handles.
#include "model_fixture.hpp"
#include <atoll/core/when.hpp>
#include <atoll/store/branch_views.hpp>
#include <atoll/store/watch.hpp>

namespace atl::store::testing {
namespace {

// A backend that lets every other task run before each ref update, so two
// writers interleave between reading the head and moving it.
class yielding_backend final : public any_backend {
public:
  yielding_backend(any_backend& inner, engine& e) : inner_(inner), engine_(e) {}
  hash_format format() const noexcept override { return inner_.format(); }
  task<result<object_id>> write(object_kind k, std::span<const std::byte> p) override {
    return inner_.write(k, p);
  }
  task<result<raw_object>> read(const object_id& id) override { return inner_.read(id); }
  task<result<bool>> contains(const object_id& id) override { return inner_.contains(id); }
  task<result<std::vector<object_id>>> object_ids() override { return inner_.object_ids(); }
  task<result<object_id>> read_ref(std::string_view n) override { return inner_.read_ref(n); }
  task<result<void>> update_ref(std::string_view n, std::optional<object_id> expected,
                                std::optional<object_id> desired) override {
    co_await engine_.yield_now();
    co_return co_await inner_.update_ref(n, expected, desired);
  }
  task<result<std::vector<ref_entry>>> list_refs(std::string_view p) override {
    return inner_.list_refs(p);
  }
  task<result<void>> flush() override { return inner_.flush(); }

private:
  any_backend& inner_;
  engine& engine_;
};

class BranchTest : public model_test {};

TEST_F(BranchTest, SetGetRemoveAreCommits) {
  branch main = open("main");
  EXPECT_EQ(run(main.head()).value(), std::nullopt);
  EXPECT_ERRC(run(main.get(key("a"))), errc::not_found);
  const object_id c1 = run(main.set(key("dir/a"), bytes("1"), info_at(100, "one\n"))).value();
  const object_id c2 = run(main.set(key("dir/b"), bytes("2"), info_at(101, "two\n"))).value();
  EXPECT_EQ(text(run(main.get(key("dir/a"))).value()), "1");
  EXPECT_ERRC(run(main.get(key("dir"))), errc::invalid_argument);
  EXPECT_EQ(run(main.exists(key("dir"))).value(), kv_kind::dictionary);
  const object_id c3 = run(main.remove(key("dir/a"), info_at(102))).value();
  EXPECT_ERRC(run(main.remove(key("dir/a"), info_at(103))), errc::not_found);
  EXPECT_EQ(run(main.history(10)).value(), (std::vector<object_id>{c3, c2, c1}));
  EXPECT_EQ(run(memory_.read_ref("refs/heads/main")).value(), c3);
  EXPECT_ERRC(branch::open(repo_, "bad..name"), errc::invalid_argument);
}

TEST_F(BranchTest, ApplyIsAllOrNothing) {
  branch main = open("main");
  run(main.set(key("v"), bytes("value"), info_at(1))).value();
  const auto before = run(main.head()).value();
  const auto n = bytes("n");
  const auto x = bytes("x");
  const kv_op ops[] = {kv_op::set(key("new"), n), kv_op::set(key("v/under"), x)};
  EXPECT_ERRC(run(main.apply(ops, info_at(2))), errc::invalid_argument);
  EXPECT_EQ(run(main.head()).value(), before);
  EXPECT_ERRC(run(main.get(key("new"))), errc::not_found);
  const kv_op good[] = {kv_op::set(key("new"), n), kv_op::remove(key("v"))};
  const object_id c = run(main.apply(good, info_at(3))).value();
  auto commit = run(repo_.read_commit(c)).value();
  EXPECT_EQ(commit.parents, std::vector<object_id>{*before});
  EXPECT_EQ(text(run(main.get(key("new"))).value()), "n");
  EXPECT_ERRC(run(main.get(key("v"))), errc::not_found);
}

task<result<object_id>> write_one(branch b, kv_key k, std::string value, std::int64_t t) {
  co_return co_await b.set(std::move(k), bytes(value), info_at(t));
}

TEST_F(BranchTest, ConcurrentWritersNeverLoseEachOther) {
  yielding_backend slow(backend_, engine_);
  repo r(slow);
  branch main = branch::open(r, "main").value();
  std::vector<task<result<object_id>>> writers;
  for (int i = 0; i < 8; ++i) {
    writers.push_back(write_one(main, key("file" + std::to_string(i)), std::to_string(i), 10 + i));
  }
  auto done = run(all(std::move(writers)));
  for (auto& d : done) ASSERT_OK(d);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(text(run(main.get(key("file" + std::to_string(i)))).value()), std::to_string(i));
  }
  EXPECT_EQ(run(main.history(100)).value().size(), 8u);
}

task<result<std::vector<change>>> next_of(watch& w) { co_return co_await w.next(); }

TEST_F(BranchTest, WatchesWakeWithTheDiffUnderTheirPrefix) {
  branch main = open("main");
  auto all_changes = watch::create(repo_, engine_, main.ref(), kv_key(), std::nullopt).value();
  auto zones = watch::create(repo_, engine_, main.ref(), key("zones"), std::nullopt).value();
  run(main.set(key("zones/example.org"), bytes("soa"), info_at(1))).value();
  run(main.set(key("other"), bytes("x"), info_at(2))).value();
  run(main.set(key("zones/example.net"), bytes("soa2"), info_at(3))).value();
  // Three moves coalesce into one report for the whole tree...
  auto everything = run(next_of(*all_changes)).value();
  EXPECT_EQ(everything.size(), 3u);
  EXPECT_EQ(all_changes->moves(), 3u);
  // ...and the prefix watch sees only its two paths.
  auto under = run(next_of(*zones)).value();
  ASSERT_EQ(under.size(), 2u);
  EXPECT_EQ(under[0].path, key("zones/example.net"));
  EXPECT_EQ(under[1].path, key("zones/example.org"));
  EXPECT_EQ(under[1].kind, change_kind::added);
  // A later change wakes a waiting watch.
  run(main.set(key("zones/example.org"), bytes("soa-2"), info_at(4))).value();
  auto later = run(next_of(*zones)).value();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].kind, change_kind::modified);
}

TEST_F(BranchTest, NarrowedHandles) {
  branch main = open("main");
  run(main.set(key("secret"), bytes("s"), info_at(1))).value();
  run(main.set(key("apps/blog/post"), bytes("p"), info_at(2))).value();
  subtree_branch blog(main, key("apps/blog"));
  EXPECT_EQ(text(run(blog.get(key("post"))).value()), "p");
  // Nothing outside the prefix can be named: "secret" here is apps/blog/secret.
  EXPECT_ERRC(run(blog.get(key("secret"))), errc::not_found);
  run(blog.set(key("secret"), bytes("blog's own"), info_at(3))).value();
  EXPECT_EQ(text(run(main.get(key("secret"))).value()), "s");
  EXPECT_EQ(text(run(main.get(key("apps/blog/secret"))).value()), "blog's own");
  auto listing = run(blog.list(kv_key())).value();
  ASSERT_EQ(listing.size(), 2u);
  // An unwritten subtree's root exists and is empty.
  subtree_branch fresh(main, key("apps/new"));
  EXPECT_TRUE(run(fresh.list(kv_key())).value().empty());
  EXPECT_EQ(run(fresh.exists(kv_key())).value(), kv_kind::dictionary);
  auto drafts = blog.narrower(key("drafts")).value();
  run(drafts.set(key("d1"), bytes("draft"), info_at(4))).value();
  EXPECT_EQ(text(run(main.get(key("apps/blog/drafts/d1"))).value()), "draft");
  // read_only_branch has reads only (no write member compiles); it sees the head.
  read_only_branch reader(main);
  EXPECT_EQ(text(run(reader.get(key("secret"))).value()), "s");
  EXPECT_EQ(run(reader.history(100)).value().size(), 4u);
}

}  // namespace
}  // namespace atl::store::testing
