// git_backend: the backend contract over a real repository through libgit2,
// corruption found, and the repository shared with the git command.
#include "../store/conformance/backend_conformance.hpp"
#include "../store/git_cli.hpp"
#include "temp_dir.hpp"
#include <atoll/store/branch.hpp>
#include <atoll/unix/git_backend.hpp>

#include <filesystem>
#include <fstream>

namespace atl::store::conformance {
namespace {

using unix_target::git_backend;
using unix_target::temp_dir;
using unix_target::worker;

struct git_factory {
  static constexpr std::size_t max_object_size = 1 << 20;
  static constexpr bool sha256 = false;  // libgit2 1.5
  unix_target::epoll_platform platform = unix_target::epoll_platform::create().value();
  engine e{platform};
  temp_dir dir;
  std::unique_ptr<worker> w = worker::create(e, platform).value();
  std::unique_ptr<git_backend> backend;
  std::unique_ptr<backend_ref<git_backend>> ref;

  engine& loop() { return e; }
  any_backend* make(hash_format f) {
    if (f != hash_format::sha1) return nullptr;
    auto b = e.run(git_backend::open(*w, dir / "repo.git",
                                     {.create = true, .max_object_size = max_object_size}));
    if (!b) {
      ADD_FAILURE() << b.error().message();
      return nullptr;
    }
    backend = std::move(*b);
    ref = std::make_unique<backend_ref<git_backend>>(*backend);
    return ref.get();
  }
  ~git_factory() {
    ref.reset();
    backend.reset();
    w.reset();
  }
};

using factories = ::testing::Types<git_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(git, backend_conformance, factories);

class GitBackendTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!store::testing::git_available()) GTEST_SKIP() << "git is not installed";
  }
  template <class T>
  T run(task<T> t) {
    return f_.e.run(std::move(t));
  }
  std::string git() { return "git -C " + f_.dir / "repo.git" + " "; }
  git_factory f_;
};

TEST_F(GitBackendTest, Sha256IsRefused) {
  using store::testing::sh;
  ASSERT_EQ(sh("git init -q --bare --object-format=sha256 " + f_.dir / "s256.git").status, 0);
  auto b = run(git_backend::open(*f_.w, f_.dir / "s256.git"));
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), errc::unsupported) << b.error().message();
  EXPECT_ERRC(run(git_backend::open(*f_.w, f_.dir / "absent.git")), errc::not_found);
}

TEST_F(GitBackendTest, CorruptLooseObjectIsFound) {
  using store::testing::sh;
  any_backend* b = f_.make(hash_format::sha1);
  ASSERT_NE(b, nullptr);
  const auto id = run(b->write(object_kind::blob, bytes("precious\n"))).value();
  // Put another valid object's compressed bytes in its file.
  const auto other = run(b->write(object_kind::blob, bytes("impostor\n"))).value();
  const std::string objects = f_.dir / "repo.git/objects/";
  const std::string hex(id.hex().view());
  const std::string other_hex(other.hex().view());
  const std::string path = objects + hex.substr(0, 2) + "/" + hex.substr(2);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::filesystem::copy_file(objects + other_hex.substr(0, 2) + "/" + other_hex.substr(2), path,
                             std::filesystem::copy_options::overwrite_existing);
  auto r = run(b->read(id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::corrupt) << r.error().message();
}

TEST_F(GitBackendTest, AtollHistoryPassesGitFsck) {
  using store::testing::sh;
  any_backend* b = f_.make(hash_format::sha1);
  ASSERT_NE(b, nullptr);
  repo rp(*b);
  branch main = branch::open(rp, "main").value();
  for (int i = 0; i < 3; ++i) {
    commit_info info;
    info.time = wall_time(wall_time::duration(std::int64_t{1'700'000'000 + i} * 1'000'000'000));
    info.message = "change " + std::to_string(i) + "\n";
    ASSERT_OK(run(main.set(kv_key::parse("notes/n" + std::to_string(i)).value(),
                           bytes("note " + std::to_string(i) + "\n"), info)));
  }
  auto fsck = sh(git() + "fsck --strict 2>&1");
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  auto log = sh(git() + "log -p --format=%s main");
  EXPECT_NE(log.out.find("change 2"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("+note 1"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("notes/n0"), std::string::npos) << log.out;
}

TEST_F(GitBackendTest, GitHistoryReadsBack) {
  using store::testing::sh;
  using store::testing::trimmed;
  const std::string work = f_.dir / "work";
  const std::string g = "git -C " + work + " -c user.name=G -c user.email=g@example.org ";
  ASSERT_EQ(sh("git init -q -b main " + work).status, 0);
  std::ofstream(work + "/a") << "a\n";
  ASSERT_EQ(sh(g + "add a && " + g + "commit -q -m a").status, 0);
  ASSERT_EQ(sh(g + "checkout -q -b side").status, 0);
  std::ofstream(work + "/b") << "b\n";
  ASSERT_EQ(sh(g + "add b && " + g + "commit -q -m b").status, 0);
  ASSERT_EQ(sh(g + "checkout -q main").status, 0);
  std::ofstream(work + "/c") << "c\n";
  ASSERT_EQ(sh(g + "add c && " + g + "commit -q -m c && " + g + "merge -q --no-edit side").status,
            0);
  auto b = run(git_backend::open(*f_.w, work));
  ASSERT_TRUE(b) << b.error().message();
  auto refs = run((*b)->list_refs("refs/heads/")).value();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].name, "refs/heads/main");
  EXPECT_EQ(refs[1].name, "refs/heads/side");
  auto merge = run((*b)->read(refs[0].id)).value();
  EXPECT_EQ(text(merge.payload), sh(g + "cat-file commit main").out);
  // And the model reads it as git does.
  backend_ref<git_backend> r(**b);
  repo rp(r);
  branch main = branch::open(rp, "main").value();
  EXPECT_EQ(text(run(main.get(kv_key::parse("b").value())).value()), "b\n");
  EXPECT_EQ(run(main.history(10)).value().size(), 4u);
}

}  // namespace
}  // namespace atl::store::conformance
