// Sync with Git remotes through libgit2: clone, fetch, push and pull against
// repositories the git command made, over a path and over HTTP
// (git http-backend behind Python's CGI server); a diverged push and an
// unreachable remote are error values that change nothing.
#include "../devices/conformance/harness.hpp"
#include "../store/git_cli.hpp"
#include "temp_dir.hpp"
#include <atoll/store/any_backend.hpp>
#include <atoll/store/branch.hpp>
#include <atoll/store/contents_types.hpp>
#include <atoll/unix/git_backend.hpp>

#include <csignal>
#include <fstream>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace atl::store::testing {
namespace {

using namespace std::chrono_literals;
using atl::conformance::bytes;
using atl::conformance::text;
using unix_target::git_backend;
using unix_target::temp_dir;
using unix_target::worker;

class GitSyncTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!git_available()) GTEST_SKIP() << "git is not installed";
    // The remote: a bare repository with one commit on main, made by git.
    remote_ = dir_ / "remote.git";
    ASSERT_EQ(sh("git init -q --bare -b main " + remote_).status, 0);
    ASSERT_EQ(sh("git -C " + remote_ + " config http.receivepack true").status, 0);
    const std::string seed = dir_ / "seed";
    ASSERT_EQ(sh("git clone -q " + remote_ + " " + seed + " 2>/dev/null").status, 0);
    std::ofstream(seed + "/README") << "from git\n";
    ASSERT_EQ(sh(g(seed) + "add README && " + g(seed) + "commit -q -m seed && " + g(seed) +
                 "push -q origin main 2>&1")
                  .status,
              0);
  }
  std::string g(const std::string& repo) {
    return "git -C " + repo + " -c user.name=G -c user.email=g@example.org ";
  }
  template <class T>
  T run(task<T> t) {
    return e_.run(std::move(t));
  }
  commit_info info(std::int64_t t, std::string message) {
    commit_info i;
    i.time = wall_time(wall_time::duration((1'700'000'000 + t) * 1'000'000'000));
    i.message = std::move(message);
    return i;
  }
  // Pushes one more commit to the remote with the git command.
  void remote_commit(const std::string& file, const std::string& text) {
    const std::string other = dir_ / ("other-" + file);
    ASSERT_EQ(sh("git clone -q " + remote_ + " " + other + " 2>/dev/null").status, 0);
    std::ofstream(other + "/" + file) << text;
    ASSERT_EQ(sh(g(other) + "add " + file + " && " + g(other) + "commit -q -m " + file + " && " +
                 g(other) + "push -q origin main 2>&1")
                  .status,
              0);
  }
  void sync_round_trip(const std::string& url);

  unix_target::epoll_platform platform_ = unix_target::epoll_platform::create().value();
  engine e_{platform_};
  temp_dir dir_;
  std::string remote_;
  std::unique_ptr<worker> w_ = worker::create(e_, platform_).value();
};

void GitSyncTest::sync_round_trip(const std::string& url) {
  // Clone: the remote's history, readable through the model.
  auto local = run(git_backend::clone(*w_, url, dir_ / "local.git", {.timeout = 20s}));
  ASSERT_TRUE(local) << local.error().message();
  {
    backend_ref<git_backend> r(**local);
    repo rp(r);
    branch main = branch::open(rp, "main").value();
    EXPECT_EQ(text(run(main.get(kv_key::parse("README").value())).value()), "from git\n");
    // Commit locally and push: git sees it.
    ASSERT_OK(run(main.set(kv_key::parse("notes/atoll").value(), bytes("from atoll\n"),
                           info(10, "atoll\n"))));
    ASSERT_OK(run((*local)->push(url, {"refs/heads/main:refs/heads/main"})));
    EXPECT_EQ(sh("git -C " + remote_ + " show main:notes/atoll").out, "from atoll\n");
    // Diverge: git pushes, atoll commits; atoll's push is refused as a value.
    remote_commit("theirs.txt", "theirs\n");
    const auto remote_before = trimmed(sh("git -C " + remote_ + " rev-parse main").out);
    ASSERT_OK(
        run(main.set(kv_key::parse("ours.txt").value(), bytes("ours\n"), info(20, "ours\n"))));
    auto refused = run((*local)->push(url, {"refs/heads/main:refs/heads/main"}));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), errc::conflict) << refused.error().message();
    EXPECT_EQ(trimmed(sh("git -C " + remote_ + " rev-parse main").out), remote_before);
    // Pull: fetch, then merge with the contents' merge functions; push again.
    ASSERT_OK(run((*local)->fetch(url, {"+refs/heads/main:refs/remotes/origin/main"})));
    const auto theirs = run((*local)->read_ref("refs/remotes/origin/main")).value();
    EXPECT_EQ(std::string(theirs.hex().view()), remote_before);
    auto merged =
        run(main.merge_from(theirs, merge_function_of<bytes_contents>(), info(30, "merge\n")))
            .value();
    ASSERT_TRUE(merged.commit);
    ASSERT_OK(run((*local)->push(url, {"refs/heads/main:refs/heads/main"})));
    EXPECT_EQ(sh("git -C " + remote_ + " show main:ours.txt").out, "ours\n");
    EXPECT_EQ(sh("git -C " + remote_ + " show main:theirs.txt").out, "theirs\n");
    EXPECT_EQ(trimmed(sh("git -C " + remote_ + " rev-list --parents -n 1 main").out).size(),
              3 * 40 + 2);
    auto fsck = sh("git -C " + remote_ + " fsck --strict 2>&1");
    EXPECT_EQ(fsck.status, 0) << fsck.out;
  }
}

TEST_F(GitSyncTest, OverAPath) { sync_round_trip(remote_); }

TEST_F(GitSyncTest, OverHttp) {
  // git http-backend behind a small WSGI server (git_http_server.py).
  const int port = 20000 + (::getpid() % 20000);
  const pid_t server = ::fork();
  ASSERT_GE(server, 0);
  if (server == 0) {
    ::execlp("python3", "python3", ATOLL_GIT_HTTP_SERVER, dir_.path().c_str(),
             std::to_string(port).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/remote.git";
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(50ms);
    up = sh("git ls-remote " + url + " >/dev/null 2>&1").status == 0;
  }
  if (up) {
    sync_round_trip(url);
  } else {
    ADD_FAILURE() << "the HTTP server did not come up";
  }
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
}

TEST_F(GitSyncTest, UnreachableRemoteIsAValue) {
  auto local = run(git_backend::open(*w_, dir_ / "lonely.git", {.timeout = 20s, .create = true}));
  ASSERT_TRUE(local);
  auto nobody =
      run((*local)->fetch("http://127.0.0.1:1/nothing.git", {"+refs/heads/*:refs/remotes/x/*"}));
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code(), errc::unreachable) << nobody.error().message();
  auto missing = run(git_backend::clone(*w_, dir_ / "no-such-repo", dir_ / "clone.git"));
  EXPECT_FALSE(missing);
  EXPECT_TRUE(run((*local)->list_refs("refs/")).value().empty());
}

}  // namespace
}  // namespace atl::store::testing
