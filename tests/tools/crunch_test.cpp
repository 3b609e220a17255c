// crunch: a folder read and written as C++, and the source `atoll crunch`
// made at build time from tests/tools/data/site (crunched_site()), handed to
// crunched_kv as the generated main does.
#include "crunch.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/crunched_kv.hpp>
#include <atoll/devices/sha256.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

std::span<const atl::crunched_file> crunched_site() noexcept;

namespace atl::tool {
namespace {

namespace fs = std::filesystem;

class temp_folder {
public:
  temp_folder() {
    std::string pattern = (fs::temp_directory_path() / "atoll-crunch-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  ~temp_folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }
  void write(const std::string& name, std::string_view bytes) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << bytes;
  }

private:
  fs::path path_;
};

std::int64_t mtime_of(const fs::path& p) {
  const auto t = std::chrono::file_clock::to_sys(fs::last_write_time(p));
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

TEST(crunch, reads_a_folder_sorted_in_byte_order) {
  temp_folder t;
  t.write("b/a.txt", "a");
  t.write("b-c.txt", "c");
  t.write("empty", "");
  t.write("z/y/x.bin", std::string("\0\1\2", 3));
  fs::create_symlink(t.path() / "b-c.txt", t.path() / "link");
  fs::create_directories(t.path() / "no-files-here");
  std::vector<crunch_input> files;
  ASSERT_EQ(read_folder(t.path().string(), files), "");
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files[0].path, "b-c.txt");  // '-' sorts before '/'
  EXPECT_EQ(files[1].path, "b/a.txt");
  EXPECT_EQ(files[2].path, "empty");
  EXPECT_EQ(files[3].path, "link");  // a link to a file is followed
  EXPECT_EQ(files[3].bytes, "c");
  EXPECT_EQ(files[4].path, "z/y/x.bin");
  EXPECT_EQ(files[4].bytes, std::string("\0\1\2", 3));
  EXPECT_EQ(files[1].mtime_ns, mtime_of(t.path() / "b/a.txt"));
}

TEST(crunch, refuses_what_cannot_be_a_key) {
  temp_folder t;
  std::string deep;
  for (int i = 0; i < 5; ++i) deep += std::string(250, static_cast<char>('a' + i)) + "/";
  t.write(deep + "f", "x");
  std::vector<crunch_input> files;
  const std::string problem = read_folder(t.path().string(), files);
  EXPECT_NE(problem.find("cannot be a key"), std::string::npos) << problem;
  const std::string nothing = (t.path() / "nothing").string();
  EXPECT_EQ(read_folder(nothing, files),
            std::string("'").append(nothing).append("' is not a folder"));
}

TEST(crunch, source_holds_bytes_size_digest_and_mtime) {
  const std::string text =
      crunch_source({{"abc.txt", "abc", 42}, {"e", "", 7}}, "my_files", "here");
  EXPECT_NE(text.find("#include <atoll/devices/crunched_kv.hpp>"), std::string::npos);
  EXPECT_NE(text.find("constexpr unsigned char file_0[] = {\n    97, 98, 99,\n};"),
            std::string::npos);
  EXPECT_NE(text.find("constexpr unsigned char file_1[] = {0};"), std::string::npos);
  // SHA-256("abc") = ba7816bf...f20015ad
  EXPECT_NE(text.find("{\"abc.txt\",\n     {file_0, 3},\n     atl::sha256_digest{std::byte{0xba}, "
                      "std::byte{0x78}"),
            std::string::npos);
  EXPECT_NE(text.find("std::byte{0x15}, std::byte{0xad}},\n     42},"), std::string::npos);
  EXPECT_NE(text.find("{file_1, 0}"), std::string::npos);
  EXPECT_NE(text.find("std::span<const atl::crunched_file> my_files() noexcept {\n  return files;"),
            std::string::npos);
  EXPECT_NE(crunch_source({}, "none", "here").find("  return {};"), std::string::npos);
}

TEST(crunch, writes_only_when_the_text_changes) {
  temp_folder t;
  t.write("in/a", "1");
  const std::string out = (t.path() / "out.cpp").string();
  ASSERT_EQ(crunch((t.path() / "in").string(), out, "f"), "");
  const auto first = fs::last_write_time(out);
  ASSERT_EQ(crunch((t.path() / "in").string(), out, "f"), "");
  EXPECT_EQ(fs::last_write_time(out), first);
  EXPECT_EQ(crunch((t.path() / "in").string(), out, "not a name"),
            "'not a name' is not a C++ function name");
}

TEST(crunched_site, is_a_valid_crunched_kv) {
  auto kv = crunched_kv::create(crunched_site());
  ASSERT_TRUE(kv) << kv.error().message();
  EXPECT_TRUE(kv->verify_digests());
  const auto files = kv->files();
  ASSERT_EQ(files.size(), 6u);
  const char* paths[] = {"b-c.txt",  "b/a.txt",   "css/site.css",
                         "data.bin", "empty.txt", "index.html"};
  const fs::path site = fs::path(ATOLL_TEST_SITE);
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i].path, paths[i]);
    std::ifstream in(site / paths[i], std::ios::binary);
    std::ostringstream read;
    if (files[i].data.size() != 0) read << in.rdbuf();
    const std::string bytes = read.str();
    EXPECT_EQ(
        std::string_view(reinterpret_cast<const char*>(files[i].data.data()), files[i].data.size()),
        bytes)
        << paths[i];
    EXPECT_EQ(files[i].mtime_ns, mtime_of(site / paths[i])) << paths[i];
  }
}

TEST(crunched_site, serves_through_the_kv_ro_contract) {
  auto kv = crunched_kv::create(crunched_site());
  ASSERT_TRUE(kv);
  sim_platform platform;
  engine e(platform);
  auto key = kv_key::parse("css/site.css");
  ASSERT_TRUE(key);
  auto value = e.run(kv->get(*key));
  ASSERT_TRUE(value) << value.error().message();
  EXPECT_EQ(value->size(), std::string_view("body { margin: 0 }\n").size());
  auto digest = e.run(kv->digest(*key));
  ASSERT_TRUE(digest);
  EXPECT_EQ(*digest, sha256_of(std::string_view("body { margin: 0 }\n")));
}

}  // namespace
}  // namespace atl::tool
