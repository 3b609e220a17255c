// unix_target::dir_kv: the kv_ro conformance suite over a host directory, and
// confinement: nothing outside the directory can be named or reached.
#include "../devices/conformance/kv_ro_conformance.hpp"
#include "temp_dir.hpp"
#include <atoll/unix/kv_dir.hpp>

#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace atl::conformance {
namespace {

using unix_target::dir_kv;
using unix_target::temp_dir;

void write_file(const std::string& path, std::span<const std::byte> data,
                std::optional<wall_time> mtime = std::nullopt) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  if (mtime) {
    const auto ns = mtime->time_since_epoch().count();
    const timespec times[2] = {{ns / 1'000'000'000, ns % 1'000'000'000},
                               {ns / 1'000'000'000, ns % 1'000'000'000}};
    ASSERT_EQ(::futimens(fd, times), 0);
  }
  ::close(fd);
}

struct dir_kv_factory {
  using device_type = dir_kv;
  temp_dir dir;
  std::optional<dir_kv> kv;

  dir_kv* make(engine&, const std::vector<kv_fixture_file>& files) {
    for (const auto& f : files) write_file(dir / f.path, f.data, f.mtime);
    auto k = dir_kv::create(dir.path());
    if (!k) {
      ADD_FAILURE() << k.error().message();
      return nullptr;
    }
    return &kv.emplace(std::move(*k));
  }
};

using factories = ::testing::Types<dir_kv_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_dir_kv, kv_ro_conformance, factories);

/// The layout of the confinement tests:
///   outside/secret.txt                      a file the device must not reach
///   site/index.html
///   site/sub/page.txt
///   site/link-inside      -> sub/page.txt   (allowed)
///   site/dir-link         -> sub            (allowed)
///   site/up-inside        -> sub/../index.html   (stays inside: allowed)
///   site/out-and-back     -> ../site/index.html  (leaves, then comes back: refused,
///                                                 RESOLVE_BENEATH checks every step)
///   site/link-out         -> ../outside/secret.txt
///   site/link-abs         -> <absolute path of outside/secret.txt>
///   site/dir-out          -> ../outside
///   site/proc-link        -> /proc/self/root/etc/passwd
///   site/loop             -> loop
///   site/fifo                                a FIFO: invisible
class dir_kv_confinement : public ::testing::Test {
protected:
  void SetUp() override {
    write_file(top_ / "outside/secret.txt", bytes("secret"));
    write_file(top_ / "site/index.html", bytes("<p>home</p>"));
    write_file(top_ / "site/sub/page.txt", bytes("page"));
    const std::string site = top_ / "site";
    ASSERT_EQ(::symlink("sub/page.txt", (site + "/link-inside").c_str()), 0);
    ASSERT_EQ(::symlink("sub", (site + "/dir-link").c_str()), 0);
    ASSERT_EQ(::symlink("sub/../index.html", (site + "/up-inside").c_str()), 0);
    ASSERT_EQ(::symlink("../site/index.html", (site + "/out-and-back").c_str()), 0);
    ASSERT_EQ(::symlink("../outside/secret.txt", (site + "/link-out").c_str()), 0);
    ASSERT_EQ(::symlink((top_ / "outside/secret.txt").c_str(), (site + "/link-abs").c_str()), 0);
    ASSERT_EQ(::symlink("../outside", (site + "/dir-out").c_str()), 0);
    ASSERT_EQ(::symlink("/proc/self/root/etc/passwd", (site + "/proc-link").c_str()), 0);
    ASSERT_EQ(::symlink("loop", (site + "/loop").c_str()), 0);
    ASSERT_EQ(::mkfifo((site + "/fifo").c_str(), 0600), 0);
    auto k = dir_kv::create(site);
    ASSERT_OK(k);
    kv_ = std::make_unique<dir_kv>(std::move(*k));
  }
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  result<std::string> get(std::string_view k) {
    auto v = run(kv_->get(key(k)));
    if (!v) return v.error();
    return std::string(v->text());
  }

  sim_platform platform_;
  engine engine_{platform_};
  temp_dir top_;
  std::unique_ptr<dir_kv> kv_;
};

TEST_F(dir_kv_confinement, dot_dot_and_absolute_keys_cannot_even_be_made) {
  EXPECT_ERRC(kv_key::parse("../etc/passwd"), errc::invalid_argument);
  EXPECT_ERRC(kv_key::parse("../outside/secret.txt"), errc::invalid_argument);
  EXPECT_ERRC(kv_key::parse("/etc/passwd"), errc::invalid_argument);
  EXPECT_ERRC(kv_key::parse("sub/../../outside/secret.txt"), errc::invalid_argument);
}

TEST_F(dir_kv_confinement, symlinks_leading_out_are_refused) {
  for (std::string_view k :
       {"link-out", "link-abs", "dir-out/secret.txt", "proc-link", "out-and-back"}) {
    EXPECT_ERRC(get(k), errc::permission_denied);
    EXPECT_ERRC(run(kv_->size(key(k))), errc::permission_denied);
    EXPECT_ERRC(run(kv_->digest(key(k))), errc::permission_denied);
    EXPECT_ERRC(run(kv_->last_modified(key(k))), errc::permission_denied);
    EXPECT_ERRC(run(kv_->get_partial(key(k), 0, 1)), errc::permission_denied);
    EXPECT_ERRC(run(kv_->exists(key(k))), errc::permission_denied);
    EXPECT_ERRC(run(kv_->info(key(k))), errc::permission_denied);
  }
  EXPECT_ERRC(run(kv_->list(key("dir-out"))), errc::permission_denied);
  EXPECT_ERRC(get("loop"), errc::permission_denied);
}

TEST_F(dir_kv_confinement, symlinks_inside_work) {
  auto page = get("link-inside");
  ASSERT_OK(page);
  EXPECT_EQ(*page, "page");
  auto through_dir = get("dir-link/page.txt");
  ASSERT_OK(through_dir);
  EXPECT_EQ(*through_dir, "page");
  auto up = get("up-inside");
  ASSERT_OK(up);
  EXPECT_EQ(*up, "<p>home</p>");
  auto listed = run(kv_->list(key("dir-link")));
  ASSERT_OK(listed);
  EXPECT_EQ(*listed, (std::vector<kv_entry>{{"page.txt", kv_kind::value}}));
}

TEST_F(dir_kv_confinement, list_leaves_out_what_cannot_be_reached) {
  auto root = run(kv_->list(kv_key()));
  ASSERT_OK(root);
  EXPECT_EQ(*root, (std::vector<kv_entry>{{"dir-link", kv_kind::dictionary},
                                          {"index.html", kv_kind::value},
                                          {"link-inside", kv_kind::value},
                                          {"sub", kv_kind::dictionary},
                                          {"up-inside", kv_kind::value}}));
}

TEST_F(dir_kv_confinement, special_files_are_invisible_and_do_not_block) {
  EXPECT_ERRC(get("fifo"), errc::not_found);
  EXPECT_ERRC(run(kv_->digest(key("fifo"))), errc::not_found);
  auto e = run(kv_->exists(key("fifo")));
  ASSERT_OK(e);
  EXPECT_FALSE(e->has_value());
  auto i = run(kv_->info(key("fifo")));
  ASSERT_OK(i);
  EXPECT_FALSE(i->has_value());
}

TEST(dir_kv, create_checks_the_directory) {
  temp_dir top;
  EXPECT_ERRC(dir_kv::create(top / "missing"), errc::not_found);
  write_file(top / "file", bytes("x"));
  EXPECT_ERRC(dir_kv::create(top / "file"), errc::invalid_argument);
  EXPECT_ERRC(dir_kv::create(""), errc::invalid_argument);
}

TEST(dir_kv, values_past_the_limit) {
  temp_dir top;
  write_file(top / "big", pattern(10'000, 1));
  auto kv = dir_kv::create(top.path(), {.max_value_size = 4096});
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  EXPECT_ERRC(e.run(kv->get(key("big"))), errc::limit_exceeded);
  auto part = e.run(kv->get_partial(key("big"), 5000, 4096));
  ASSERT_OK(part);
  EXPECT_EQ(part->size(), 4096u);
  EXPECT_ERRC(e.run(kv->get_partial(key("big"), 0, 5000)), errc::limit_exceeded);
  auto d = e.run(kv->digest(key("big")));
  ASSERT_OK(d);
  EXPECT_EQ(*d, sha256_of(pattern(10'000, 1)));
}

TEST(dir_kv, reads_see_changes_to_the_files) {
  temp_dir top;
  write_file(top / "f", bytes("one"));
  auto kv = dir_kv::create(top.path());
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  auto d1 = e.run(kv->digest(key("f")));
  ASSERT_OK(d1);
  write_file(top / "f", bytes("two!"));
  auto v = e.run(kv->get(key("f")));
  ASSERT_OK(v);
  EXPECT_EQ(v->text(), "two!");
  auto d2 = e.run(kv->digest(key("f")));
  ASSERT_OK(d2);
  EXPECT_NE(*d1, *d2);
}

/// rewrite_keeping_mtime(path, text): new bytes, the old mtime put back
/// (only the ctime, which no one can set, tells the change).
void rewrite_keeping_mtime(const std::string& path, std::string_view text) {
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  write_file(path, bytes(text));
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST(dir_kv, digests_are_cached_per_file_version) {
  temp_dir top;
  write_file(top / "f", bytes("same size 1"));
  auto kv = dir_kv::create(top.path(), {.digest_racy_window_ns = 0});
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  auto d1 = e.run(kv->digest(key("f")));
  ASSERT_OK(d1);
  ASSERT_OK(e.run(kv->digest(key("f"))));
  EXPECT_EQ(kv->hashes(), 1u);  // the second came from the cache
  // The same size and the old mtime put back: the ctime still tells.
  rewrite_keeping_mtime(top / "f", "same size 2");
  auto d2 = e.run(kv->digest(key("f")));
  ASSERT_OK(d2);
  EXPECT_NE(*d1, *d2);
  EXPECT_EQ(*d2, sha256_of(bytes("same size 2")));
  EXPECT_EQ(kv->hashes(), 2u);
}

// info() shares the cache: from the second request on, a lookup and a statx.
TEST(dir_kv, info_uses_the_digest_cache_and_sees_changes) {
  temp_dir top;
  write_file(top / "f", bytes("same size 1"));
  auto kv = dir_kv::create(top.path(), {.digest_racy_window_ns = 0});
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  auto i1 = e.run(kv->info(key("f")));
  ASSERT_OK(i1);
  ASSERT_TRUE(i1->has_value());
  EXPECT_EQ((*i1)->digest, sha256_of(bytes("same size 1")));
  EXPECT_EQ((*i1)->size, 11u);
  ASSERT_OK(e.run(kv->info(key("f"))));
  ASSERT_OK(e.run(kv->digest(key("f"))));
  EXPECT_EQ(kv->hashes(), 1u);
  rewrite_keeping_mtime(top / "f", "same size 2");
  auto i2 = e.run(kv->info(key("f")));
  ASSERT_OK(i2);
  ASSERT_TRUE(i2->has_value());
  EXPECT_EQ((*i2)->digest, sha256_of(bytes("same size 2")));
  EXPECT_EQ(kv->hashes(), 2u);
}

TEST(dir_kv, a_file_changed_just_now_is_not_cached) {
  temp_dir top;
  write_file(top / "f", bytes("fresh"));
  auto kv = dir_kv::create(top.path());  // the default two-second window
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  ASSERT_OK(e.run(kv->digest(key("f"))));
  ASSERT_OK(e.run(kv->digest(key("f"))));
  EXPECT_EQ(kv->hashes(), 2u);
}

TEST(dir_kv, the_digest_cache_is_bounded) {
  temp_dir top;
  const std::size_t files = dir_kv::digest_cache_entries + 10;
  for (std::size_t i = 0; i < files; ++i) {
    write_file(top / ("f" + std::to_string(i)), bytes("file " + std::to_string(i)));
  }
  auto kv = dir_kv::create(top.path(), {.digest_racy_window_ns = 0});
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  for (std::size_t i = 0; i < files; ++i) {
    ASSERT_OK(e.run(kv->digest(key("f" + std::to_string(i)))));
  }
  EXPECT_EQ(kv->hashes(), files);
  ASSERT_OK(e.run(kv->digest(key("f" + std::to_string(files - 1)))));  // still kept
  EXPECT_EQ(kv->hashes(), files);
  ASSERT_OK(e.run(kv->digest(key("f0"))));  // pushed out by the later ones
  EXPECT_EQ(kv->hashes(), files + 1);
}

TEST(dir_kv, bufs_are_charged_to_the_budget) {
  temp_dir top;
  write_file(top / "f", pattern(3000, 2));
  memory_budget budget("dir_kv", 2048);
  auto kv = dir_kv::create(top.path(), {.budget = &budget});
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  EXPECT_ERRC(e.run(kv->get(key("f"))), errc::no_memory);
  auto small = e.run(kv->get_partial(key("f"), 0, 1000));
  ASSERT_OK(small);
  EXPECT_GE(budget.used(), 1000u);
}

}  // namespace
}  // namespace atl::conformance
