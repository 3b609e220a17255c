// The model against real git: a history atoll makes is git's, byte for
// byte (git fsck --strict passes, git log -p reads it), and a history git
// makes (branches, a merge) is read by atoll as git reads it. Both object
// formats.
#include "git_cli.hpp"
#include "model_fixture.hpp"
#include <atoll/store/contents_types.hpp>

#include <sys/wait.h>
#include <unistd.h>

namespace atl::store::testing {
namespace {

using unix_target::temp_dir;

const char* kind_name(object_kind k) { return to_string(k).data(); }

class GitInteropTest : public ::testing::TestWithParam<hash_format> {
protected:
  void SetUp() override {
    if (!git_available()) GTEST_SKIP() << "git is not installed";
    const std::string format = GetParam() == hash_format::sha1 ? "sha1" : "sha256";
    ASSERT_EQ(sh("git init -q --object-format=" + format + " " + dir_.path()).status, 0);
    git_ = "git -C " + dir_.path() + " -c user.name=Git -c user.email=git@example.org ";
  }
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  // Every object atoll holds goes into git's object database as it is;
  // git must name each one exactly as atoll does.
  void export_all() {
    auto ids = run(memory_.object_ids()).value();
    for (const auto& id : ids) {
      auto raw = run(memory_.read(id)).value();
      const std::string payload(reinterpret_cast<const char*>(raw.payload.data()),
                                raw.payload.size());
      auto r =
          sh(git_ + "hash-object -w --literally -t " + kind_name(raw.kind) + " --stdin", payload);
      ASSERT_EQ(r.status, 0);
      EXPECT_EQ(trimmed(r.out), id.hex().view()) << kind_name(raw.kind);
    }
  }
  // Every object git holds, read into atoll's backend under the same id.
  void import_all() {
    auto list =
        sh(git_ + "cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)'");
    ASSERT_EQ(list.status, 0);
    std::size_t pos = 0;
    int count = 0;
    while (pos < list.out.size()) {
      const auto nl = list.out.find('\n', pos);
      const std::string line = list.out.substr(pos, nl - pos);
      pos = nl + 1;
      const auto space = line.find(' ');
      const std::string hex = line.substr(0, space);
      const std::string type = line.substr(space + 1);
      auto body = sh(git_ + "cat-file " + type + " " + hex);
      ASSERT_EQ(body.status, 0);
      auto id = run(memory_.write(kind_from_string(type).value(),
                                  std::as_bytes(std::span(body.out.data(), body.out.size()))));
      ASSERT_TRUE(id) << id.error().message();
      EXPECT_EQ(id->hex().view(), hex) << type;
      ++count;
    }
    EXPECT_GT(count, 5);
  }

  temp_dir dir_;
  std::string git_;
  sim_platform platform_;
  engine engine_{platform_};
  memory_backend memory_{GetParam()};
  backend_ref<memory_backend> backend_{memory_};
  repo repo_{backend_};
};

TEST_P(GitInteropTest, AtollHistoryIsGitHistory) {
  branch main = branch::open(repo_, "main").value();
  branch topic = branch::open(repo_, "topic").value();
  run(main.set(key("README"), bytes("hello\n"), info_at(1'700'000'000, "first\n"))).value();
  run(main.set(key("src/a/deep.txt"), bytes("deep\n"), info_at(1'700'000'100, "deep\n"))).value();
  const object_id fork = run(main.head()).value().value();
  ASSERT_TRUE(
      run(topic.merge_from(fork, merge_function_of<bytes_contents>(), info_at(1'700'000'150)))
          .value()
          .commit);
  run(topic.set(key("src/b.txt"), bytes("topic\n"), info_at(1'700'000'200, "topic work\n")))
      .value();
  run(main.set(key("README"), bytes("hello again\n"), info_at(1'700'000'300, "edit\n"))).value();
  auto topic_head = run(topic.head()).value().value();
  auto merged = run(main.merge_from(topic_head, merge_function_of<bytes_contents>(),
                                    info_at(1'700'000'400, "merge\n")))
                    .value();
  ASSERT_TRUE(merged.commit);
  export_all();
  const auto head = merged.commit->hex();
  ASSERT_EQ(sh(git_ + "update-ref refs/heads/main " + std::string(head.view())).status, 0);
  auto fsck = sh(git_ + "fsck --strict --no-dangling 2>&1");
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  auto log = sh(git_ + "log -p --format='commit %H %s' main");
  ASSERT_EQ(log.status, 0);
  for (std::string_view expected : {"merge", "edit", "topic work", "deep", "first", "+hello again",
                                    "+topic", "src/a/deep.txt"}) {
    EXPECT_NE(log.out.find(expected), std::string::npos) << expected << "\n" << log.out;
  }
  // git sees the merge's two parents and the same tree at the head.
  auto parents = sh(git_ + "rev-list --parents -n 1 main");
  EXPECT_EQ(std::count(parents.out.begin(), parents.out.end(), ' '), 2);
  auto readme = sh(git_ + "show main:README");
  EXPECT_EQ(readme.out, "hello again\n");
}

TEST_P(GitInteropTest, GitHistoryIsReadByAtoll) {
  const std::string env = "GIT_AUTHOR_DATE='@1700000000 +0100' GIT_COMMITTER_DATE='@";
  auto commit = [&](const std::string& file, const std::string& content, int t,
                    const std::string& msg) {
    std::ofstream(dir_ / file) << content;
    ASSERT_EQ(sh(git_ + "add " + file).status, 0);
    ASSERT_EQ(sh(env + std::to_string(1'700'000'000 + t) + " +0100' " + git_ + "commit -q -m '" +
                 msg + "'")
                  .status,
              0);
  };
  ASSERT_EQ(sh(git_ + "checkout -q -b main").status, 0);
  commit("one.txt", "1\n", 10, "one");
  ASSERT_EQ(sh(git_ + "checkout -q -b side").status, 0);
  commit("two.txt", "2\n", 20, "two");
  ASSERT_EQ(sh(git_ + "checkout -q main").status, 0);
  commit("three.txt", "3\n", 30, "three");
  ASSERT_EQ(sh(env + "1700000040 +0100' " + git_ + "merge -q --no-edit side").status, 0);
  import_all();
  // The refs as git has them.
  for (std::string b : {"main", "side"}) {
    auto id = object_id::from_hex(GetParam(), trimmed(sh(git_ + "rev-parse " + b).out)).value();
    ASSERT_OK(run(memory_.update_ref("refs/heads/" + b, std::nullopt, id)));
  }
  branch main = branch::open(repo_, "main").value();
  EXPECT_EQ(text(run(main.get(key("two.txt"))).value()), "2\n");
  EXPECT_EQ(text(run(main.get(key("three.txt"))).value()), "3\n");
  // atoll's log is git's date-ordered log.
  auto ours = run(main.history(100)).value();
  std::string our_text;
  for (const auto& id : ours) {
    our_text += id.hex().view();
    our_text += '\n';
  }
  EXPECT_EQ(our_text, sh(git_ + "rev-list --date-order main").out);
  // Merge bases agree with git merge-base --all.
  auto side = object_id::from_hex(GetParam(), trimmed(sh(git_ + "rev-parse side~0").out)).value();
  auto main_first =
      object_id::from_hex(GetParam(), trimmed(sh(git_ + "rev-parse main^1").out)).value();
  auto bases = run(repo_.merge_bases(main_first, side)).value();
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_EQ(bases[0].hex().view(), trimmed(sh(git_ + "merge-base main^1 side").out));
  // A git commit re-encoded by atoll's model keeps its id when the fields
  // are ones the model writes (author = committer).
  auto c = run(repo_.read_commit(ours.back())).value();
  EXPECT_EQ(c.info.tz_minutes, 60);
  EXPECT_EQ(c.info.message, "one\n");
}

INSTANTIATE_TEST_SUITE_P(Formats, GitInteropTest,
                         ::testing::Values(hash_format::sha1, hash_format::sha256),
                         [](const auto& p) {
                           return std::string(p.param == hash_format::sha1 ? "sha1" : "sha256");
                         });

}  // namespace
}  // namespace atl::store::testing
