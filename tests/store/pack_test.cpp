// pack: Git's pack v2 and index v2, written for git and read from git
// (whole objects, offset deltas and reference deltas), and hostile packs.
#include "git_cli.hpp"
#include "model_fixture.hpp"
#include <atoll/store/pack.hpp>
#include <atoll/store/pack_io.hpp>

#include <filesystem>
#include <fstream>

namespace atl::store::testing {
namespace {

using unix_target::temp_dir;

std::vector<std::byte> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes(s);
}

void write_file(const std::string& path, std::span<const std::byte> data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

TEST(Delta, CopyAndInsert) {
  const auto base = bytes("hello, world");
  // base size 12, result size 13: copy "hello" (offset 0, size 5), insert
  // "!", copy ", world" (offset 5, size 7).
  const std::vector<std::byte> delta = {std::byte{12},   std::byte{13}, std::byte{0x90},
                                        std::byte{5},    std::byte{1},  std::byte{'!'},
                                        std::byte{0x91}, std::byte{5},  std::byte{7}};
  EXPECT_EQ(text(apply_delta(base, delta, 100).value()), "hello!, world");
  // Copy outside the base, wrong base size, wrong result size, reserved op.
  std::vector<std::byte> outside = {std::byte{12}, std::byte{5}, std::byte{0x91}, std::byte{10},
                                    std::byte{5}};
  EXPECT_ERRC(apply_delta(base, outside, 100), errc::corrupt);
  std::vector<std::byte> wrong_base = {std::byte{11}, std::byte{1}, std::byte{1}, std::byte{'x'}};
  EXPECT_ERRC(apply_delta(base, wrong_base, 100), errc::corrupt);
  std::vector<std::byte> short_result = {std::byte{12}, std::byte{3}, std::byte{1}, std::byte{'x'}};
  EXPECT_ERRC(apply_delta(base, short_result, 100), errc::corrupt);
  std::vector<std::byte> reserved = {std::byte{12}, std::byte{1}, std::byte{0}};
  EXPECT_ERRC(apply_delta(base, reserved, 100), errc::corrupt);
  EXPECT_ERRC(apply_delta(base, delta, 5), errc::limit_exceeded);
}

TEST(Pack, RoundTripAndDamage) {
  std::vector<raw_object> objects;
  for (int i = 0; i < 50; ++i) {
    objects.push_back(
        raw_object{object_kind::blob, bytes("blob number " + std::to_string(i) +
                                            std::string(static_cast<std::size_t>(i * 40), 'x'))});
  }
  auto files = write_pack(hash_format::sha1, objects).value();
  auto back = read_pack(hash_format::sha1, files.pack).value();
  ASSERT_EQ(back.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    EXPECT_EQ(back[i].object.payload, objects[i].payload);
    EXPECT_EQ(back[i].id, hash_object(hash_format::sha1, object_kind::blob, objects[i].payload));
  }
  // Every truncation is refused cleanly, and so is any flipped byte.
  for (std::size_t n = 0; n < files.pack.size(); n += 7) {
    EXPECT_FALSE(read_pack(hash_format::sha1, std::span(files.pack).first(n))) << n;
  }
  for (std::size_t at = 0; at < files.pack.size(); at += 13) {
    auto damaged = files.pack;
    damaged[at] ^= std::byte{0x20};
    EXPECT_FALSE(read_pack(hash_format::sha1, damaged)) << at;
  }
  // Limits.
  EXPECT_ERRC(read_pack(hash_format::sha1, files.pack, pack_limits{.max_objects = 10}),
              errc::limit_exceeded);
  EXPECT_ERRC(read_pack(hash_format::sha1, files.pack, pack_limits{.max_object_size = 100}),
              errc::limit_exceeded);
  EXPECT_ERRC(write_pack(hash_format::sha1, {}), errc::invalid_argument);
}

class PackGitTest : public ::testing::TestWithParam<hash_format> {
protected:
  void SetUp() override {
    if (!git_available()) GTEST_SKIP() << "git is not installed";
    format_name_ = GetParam() == hash_format::sha1 ? "sha1" : "sha256";
  }
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  std::string git(const std::string& dir) {
    return "git -C " + dir + " -c user.name=Git -c user.email=git@example.org ";
  }
  // A repository with a file in many similar versions, so git deltifies.
  void make_history(const std::string& dir) {
    ASSERT_EQ(sh("git init -q --object-format=" + format_name_ + " " + dir).status, 0);
    std::string content;
    for (int i = 0; i < 40; ++i)
      content += "line " + std::to_string(i) + " of a file that grows slowly\n";
    for (int v = 0; v < 12; ++v) {
      content += "version " + std::to_string(v) + "\n";
      std::ofstream(dir + "/file.txt") << content;
      ASSERT_EQ(sh(git(dir) + "add file.txt && " + git(dir) + "commit -q -m v" + std::to_string(v))
                    .status,
                0);
    }
  }
  std::vector<std::string> all_ids(const std::string& dir) {
    auto out = sh(git(dir) + "cat-file --batch-all-objects --batch-check='%(objectname)'").out;
    std::vector<std::string> ids;
    std::size_t pos = 0;
    while (pos < out.size()) {
      auto nl = out.find('\n', pos);
      ids.push_back(out.substr(pos, nl - pos));
      pos = nl + 1;
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  void expect_reads(const std::string& dir, const std::string& pack_path) {
    auto entries = read_pack(GetParam(), file_bytes(pack_path));
    ASSERT_TRUE(entries) << entries.error().message();
    std::vector<std::string> ids;
    for (const auto& e : *entries) ids.emplace_back(e.id.hex().view());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, all_ids(dir));
  }

  std::string format_name_;
  sim_platform platform_;
  engine engine_{platform_};
};

TEST_P(PackGitTest, ReadsGitsPacksWithOffsetDeltas) {
  temp_dir d;
  const std::string dir = d / "repo";
  make_history(dir);
  ASSERT_EQ(sh(git(dir) + "repack -q -a -d -f --depth=20 --window=20").status, 0);
  auto pack = sh("ls " + dir + "/.git/objects/pack/*.pack");
  const std::string pack_path = trimmed(pack.out);
  // git itself says some entries are deltas.
  auto verify =
      sh(git(dir) + "verify-pack -v " + pack_path.substr(0, pack_path.size() - 5) + ".idx");
  EXPECT_NE(verify.out.find("chain length"), std::string::npos) << verify.out;
  expect_reads(dir, pack_path);
}

TEST_P(PackGitTest, ReadsGitsPacksWithReferenceDeltas) {
  temp_dir d;
  const std::string dir = d / "repo";
  make_history(dir);
  // Without --delta-base-offset, pack-objects writes REF_DELTA entries.
  ASSERT_EQ(sh("cd " + dir +
               " && git rev-list --objects --all | git pack-objects -q --window=20 --depth=20 " +
               d.path() + "/ref")
                .status,
            0);
  auto pack = sh("ls " + d.path() + "/ref-*.pack");
  expect_reads(dir, trimmed(pack.out));
}

TEST_P(PackGitTest, GitClonesAtollsPack) {
  memory_backend memory(GetParam());
  backend_ref<memory_backend> backend(memory);
  repo r(backend);
  branch main = branch::open(r, "main").value();
  for (int i = 0; i < 5; ++i) {
    run(main.set(key("docs/page" + std::to_string(i) + ".md"),
                 bytes("page " + std::to_string(i) + "\n"), info_at(1'700'000'000 + i)))
        .value();
  }
  const object_id head = run(main.head()).value().value();
  auto files = run(export_pack(backend, std::span(&head, 1))).value();
  temp_dir d;
  const std::string dir = d / "exported.git";
  ASSERT_EQ(sh("git init -q --bare --object-format=" + format_name_ + " " + dir).status, 0);
  const std::string name = dir + "/objects/pack/pack-" + std::string(files.checksum.hex().view());
  write_file(name + ".pack", files.pack);
  write_file(name + ".idx", files.idx);
  ASSERT_EQ(sh(git(dir) + "update-ref refs/heads/main " + std::string(head.hex().view())).status,
            0);
  EXPECT_EQ(sh(git(dir) + "verify-pack " + name + ".idx").status, 0);
  auto fsck = sh(git(dir) + "fsck --strict 2>&1");
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  auto clone = sh("git clone -q -b main " + dir + " " + d.path() + "/clone 2>&1");
  ASSERT_EQ(clone.status, 0) << clone.out;
  std::ifstream page(d.path() + "/clone/docs/page3.md");
  std::string line;
  std::getline(page, line);
  EXPECT_EQ(line, "page 3");
  // And back: the pack imports into an empty store with the same ids.
  memory_backend other(GetParam());
  backend_ref<memory_backend> other_ref(other);
  auto ids = run(import_pack(other_ref, files.pack)).value();
  EXPECT_EQ(ids.size(), memory.object_count());
}

TEST_P(PackGitTest, AtollsDeltasAreGitsDeltas) {
  // Twenty versions of a growing file: offset deltas, read back by git.
  std::vector<raw_object> objects;
  std::string text;
  for (int v = 0; v < 20; ++v) {
    for (int i = 0; i < 20; ++i)
      text += "version " + std::to_string(v) + " line " + std::to_string(i) + "\n";
    objects.push_back(raw_object{object_kind::blob, bytes(text)});
  }
  std::size_t whole = 0;
  for (const auto& o : objects) whole += o.payload.size();
  auto files = write_pack(GetParam(), objects).value();
  EXPECT_LT(files.pack.size() * 5, whole);
  auto back = read_pack(GetParam(), files.pack).value();
  ASSERT_EQ(back.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i)
    EXPECT_EQ(back[i].object.payload, objects[i].payload);
  temp_dir d;
  const std::string dir = d / "deltas.git";
  ASSERT_EQ(sh("git init -q --bare --object-format=" + format_name_ + " " + dir).status, 0);
  const std::string name = dir + "/objects/pack/pack-" + std::string(files.checksum.hex().view());
  write_file(name + ".pack", files.pack);
  write_file(name + ".idx", files.idx);
  auto verify = sh(git(dir) + "verify-pack -v " + name + ".idx");
  EXPECT_EQ(verify.status, 0) << verify.out;
  EXPECT_NE(verify.out.find("chain length = 16"), std::string::npos) << verify.out;
  // git's own index of atoll's pack is the index atoll wrote.
  ASSERT_EQ(sh("cp " + name + ".pack " + d.path() + "/copy.pack && " + git(dir) + "index-pack " +
               d.path() + "/copy.pack >/dev/null 2>&1")
                .status,
            0);
  EXPECT_EQ(file_bytes(d.path() + "/copy.idx"), files.idx);
}

INSTANTIATE_TEST_SUITE_P(Formats, PackGitTest,
                         ::testing::Values(hash_format::sha1, hash_format::sha256),
                         [](const auto& p) {
                           return std::string(p.param == hash_format::sha1 ? "sha1" : "sha256");
                         });

TEST(Pack, ThinPackIsUnsupported) {
  // One REF_DELTA whose base is not in the pack.
  std::vector<std::byte> pack = {std::byte{'P'}, std::byte{'A'}, std::byte{'C'}, std::byte{'K'},
                                 std::byte{0},   std::byte{0},   std::byte{0},   std::byte{2},
                                 std::byte{0},   std::byte{0},   std::byte{0},   std::byte{1}};
  const std::vector<std::byte> delta = {std::byte{3}, std::byte{3}, std::byte{0x90}, std::byte{3}};
  pack.push_back(std::byte{(7 << 4) | 4});
  const auto base = hash_object(hash_format::sha1, object_kind::blob, bytes("abc"));
  pack.insert(pack.end(), base.raw().begin(), base.raw().end());
  // zlib of the delta, made by write_pack's own compressor through a blob.
  auto carrier =
      write_pack(hash_format::sha1, std::vector<raw_object>{raw_object{object_kind::blob, delta}})
          .value();
  // The carrier's entry starts after its 12-byte header and 1-byte object header.
  pack.insert(pack.end(), carrier.pack.begin() + 13, carrier.pack.end() - 20);
  object_hasher h(hash_format::sha1);
  h.update(pack);
  const auto sum = h.finish();
  pack.insert(pack.end(), sum.raw().begin(), sum.raw().end());
  EXPECT_ERRC(read_pack(hash_format::sha1, pack), errc::unsupported);
}

}  // namespace
}  // namespace atl::store::testing
