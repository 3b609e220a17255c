// dir_kv's kept descriptors (targets/unix/src/dir_kv_open_files.hpp): a
// value asked about again is answered from the descriptor kept open, and
// every change to the tree that could change what a key names is seen at
// once: a rename over the file, a rewrite in place, an unlink, a variant
// created where there was none, a directory on the path swapped.
#include "temp_dir.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/unix/kv_dir.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>

namespace atl::unix_target {
namespace {

using namespace std::chrono_literals;

kv_key key(std::string_view text) {
  auto k = kv_key::parse(text);
  EXPECT_TRUE(k.has_value()) << text;
  return k ? *k : kv_key();
}

void put(const std::string& path, std::string_view text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// The racy window is 50 ms here; the files are made, then the test waits
// 100 ms, so the directories are old enough to be trusted, and every change
// the test makes later gets a later timestamp.
class dir_kv_kept : public ::testing::Test {
protected:
  void SetUp() override {
    put(top_ / "page.html", "version one");
    put(top_ / "other.html", "the other file");
    put(top_ / "a/b/deep.txt", "deep one");
    put(top_ / "style.css", "body {}");
    std::filesystem::create_symlink("a/b", top_ / "link");
    settle();
    open(64);
  }

  void open(std::size_t kept) {
    auto k = dir_kv::create(top_.path(), {.digest_racy_window_ns = 50'000'000, .kept_files = kept});
    ASSERT_TRUE(k) << k.error().message();
    kv_.emplace(std::move(*k));
  }
  static void settle() { std::this_thread::sleep_for(100ms); }

  result<std::string> get(std::string_view k) {
    auto v = engine_.run(kv_->get(key(k)));
    if (!v) return v.error();
    return std::string(v->text());
  }
  std::optional<kv_info> info(std::string_view k) {
    auto i = engine_.run(kv_->info(key(k)));
    EXPECT_TRUE(i) << k << ": " << i.error().message();
    return i ? *i : std::nullopt;
  }

  temp_dir top_;
  sim_platform platform_;
  engine engine_{platform_};
  std::optional<dir_kv> kv_;
};

TEST_F(dir_kv_kept, a_value_asked_again_comes_from_the_kept_descriptor) {
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  const auto before = kv_->kept_hits();
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  auto i = info("page.html");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->digest, sha256_of(std::string_view("version one")));
  EXPECT_EQ(i->size, 11U);
  EXPECT_EQ(kv_->kept_hits(), before + 2);
  ASSERT_EQ(get("a/b/deep.txt").value_or(""), "deep one");
  ASSERT_EQ(get("a/b/deep.txt").value_or(""), "deep one");
  EXPECT_EQ(kv_->kept_hits(), before + 3);
}

TEST_F(dir_kv_kept, a_file_renamed_over_the_key_is_seen) {
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  ASSERT_EQ(std::rename((top_ / "other.html").c_str(), (top_ / "page.html").c_str()), 0);
  EXPECT_EQ(get("page.html").value_or(""), "the other file");
  auto i = info("page.html");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->digest, sha256_of(std::string_view("the other file")));
}

TEST_F(dir_kv_kept, a_rewrite_in_place_is_seen) {
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  ASSERT_TRUE(info("page.html"));
  put(top_ / "page.html", "version two");  // the same inode, the same size
  EXPECT_EQ(get("page.html").value_or(""), "version two");
  auto i = info("page.html");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->digest, sha256_of(std::string_view("version two")));
}

TEST_F(dir_kv_kept, an_unlinked_file_is_gone) {
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  ASSERT_EQ(::unlink((top_ / "page.html").c_str()), 0);
  EXPECT_EQ(get("page.html").error().code(), errc::not_found);
  EXPECT_FALSE(info("page.html"));
}

TEST_F(dir_kv_kept, a_missing_variant_is_kept_as_missing_until_it_appears) {
  EXPECT_FALSE(info("style.css.gz"));
  const auto before = kv_->kept_hits();
  EXPECT_FALSE(info("style.css.gz"));
  EXPECT_EQ(kv_->kept_hits(), before + 1);
  put(top_ / "style.css.gz", "gzipped");
  auto i = info("style.css.gz");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->size, 7U);
}

TEST_F(dir_kv_kept, a_directory_swapped_on_the_path_is_seen) {
  ASSERT_EQ(get("a/b/deep.txt").value_or(""), "deep one");
  std::filesystem::rename(top_ / "a", top_ / "a-old");
  put(top_ / "a/b/deep.txt", "a new deep file");
  EXPECT_EQ(get("a/b/deep.txt").value_or(""), "a new deep file");
  // And a directory in the middle.
  settle();
  ASSERT_EQ(get("a/b/deep.txt").value_or(""), "a new deep file");
  std::filesystem::rename(top_ / "a/b", top_ / "a/b-old");
  std::filesystem::rename(top_ / "a-old/b", top_ / "a/b");
  EXPECT_EQ(get("a/b/deep.txt").value_or(""), "deep one");
}

TEST_F(dir_kv_kept, keys_through_symlinks_are_resolved_each_time) {
  const auto before = kv_->kept_hits();
  ASSERT_EQ(get("link/deep.txt").value_or(""), "deep one");
  ASSERT_EQ(get("link/deep.txt").value_or(""), "deep one");
  EXPECT_EQ(kv_->kept_hits(), before);
  std::filesystem::remove(top_ / "link");
  std::filesystem::create_directories(top_ / "c");
  put(top_ / "c/deep.txt", "through the new link");
  std::filesystem::create_symlink("c", top_ / "link");
  EXPECT_EQ(get("link/deep.txt").value_or(""), "through the new link");
}

TEST_F(dir_kv_kept, a_directory_changed_just_now_is_not_trusted) {
  put(top_ / "fresh.txt", "fresh");  // the root's ctime is now
  const auto before = kv_->kept_hits();
  ASSERT_EQ(get("fresh.txt").value_or(""), "fresh");
  ASSERT_EQ(get("fresh.txt").value_or(""), "fresh");
  EXPECT_EQ(kv_->kept_hits(), before);
  settle();
  ASSERT_EQ(get("fresh.txt").value_or(""), "fresh");
  ASSERT_EQ(get("fresh.txt").value_or(""), "fresh");
  EXPECT_EQ(kv_->kept_hits(), before + 1);
}

TEST_F(dir_kv_kept, the_kept_descriptors_are_bounded_and_can_be_turned_off) {
  for (int i = 0; i < 100; ++i) put(top_ / ("f" + std::to_string(i)), "file " + std::to_string(i));
  settle();
  open(16);
  const std::size_t start = open_descriptors();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      const std::string k = "f" + std::to_string(i);
      ASSERT_EQ(get(k).value_or(""), "file " + std::to_string(i));
    }
  }
  EXPECT_LE(open_descriptors(), start + 16);
  kv_.reset();
  EXPECT_LT(open_descriptors(), start);  // the kept ones and the root are closed

  open(0);
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  ASSERT_EQ(get("page.html").value_or(""), "version one");
  EXPECT_EQ(kv_->kept_hits(), 0U);
}

}  // namespace
}  // namespace atl::unix_target
