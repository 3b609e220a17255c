// object ids: Git's names for objects in both formats, and ref-name rules.
#include <atoll/store/backend.hpp>
#include <atoll/store/object_id.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace atl::store {
namespace {

std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

TEST(ObjectId, EmptyBlobHashesAsGitDoes) {
  // `git hash-object -t blob /dev/null` in each object format.
  EXPECT_EQ(hash_object(hash_format::sha1, object_kind::blob, {}).hex().view(),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(hash_object(hash_format::sha256, object_kind::blob, {}).hex().view(),
            "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813");
  // The empty tree, which git knows by heart.
  EXPECT_EQ(hash_object(hash_format::sha1, object_kind::tree, {}).hex().view(),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
}

TEST(ObjectId, KnownBlob) {
  // printf 'hello\n' | git hash-object --stdin
  EXPECT_EQ(hash_object(hash_format::sha1, object_kind::blob, bytes("hello\n")).hex().view(),
            "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(ObjectId, IncrementalEqualsWhole) {
  object_hasher h(hash_format::sha256);
  h.update("blob 6");
  h.update(std::string_view("\0", 1));
  h.update("hel");
  h.update(bytes("lo\n"));
  EXPECT_EQ(h.finish(), hash_object(hash_format::sha256, object_kind::blob, bytes("hello\n")));
}

TEST(ObjectId, HexRoundTripAndErrors) {
  auto id = object_id::from_hex("CE013625030BA8DBA906F756967F9E9CA394464A");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->format(), hash_format::sha1);
  EXPECT_EQ(id->hex().view(), "ce013625030ba8dba906f756967f9e9ca394464a");
  auto raw = object_id::from_raw(hash_format::sha1, id->raw());
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, *id);
  EXPECT_FALSE(object_id::from_hex("ce01"));
  EXPECT_FALSE(object_id::from_hex("zz013625030ba8dba906f756967f9e9ca394464a"));
  EXPECT_FALSE(object_id::from_hex(hash_format::sha256, id->hex().view()));
  EXPECT_FALSE(object_id::from_raw(hash_format::sha256, id->raw()));
  EXPECT_TRUE(object_id{}.is_zero());
  EXPECT_FALSE(id->is_zero());
}

TEST(ObjectId, FormatsNeverCompareEqual) {
  auto a = object_id::from_raw(hash_format::sha1, std::array<std::byte, 20>{}).value();
  auto b = object_id::from_raw(hash_format::sha256, std::array<std::byte, 32>{}).value();
  EXPECT_NE(a, b);
}

TEST(ObjectKind, Names) {
  EXPECT_EQ(kind_from_string("tree").value(), object_kind::tree);
  EXPECT_EQ(to_string(object_kind::commit), "commit");
  EXPECT_FALSE(kind_from_string("Tree"));
  EXPECT_FALSE(kind_from_string(""));
}

TEST(RefName, GitRules) {
  for (std::string_view good : {"HEAD", "refs/heads/main", "refs/tags/v1.0", "refs/heads/a/b-c_d",
                                "refs/remotes/origin/main"}) {
    EXPECT_TRUE(check_ref_name(good)) << good;
  }
  for (std::string_view bad :
       {"main", "refs/heads/", "refs/heads/a..b", "refs/heads/.hidden", "refs/heads/x.lock",
        "refs/heads/a b", "refs/heads/a~1", "refs/heads/a^", "refs/heads/a:b", "refs/heads/a?",
        "refs/heads/a*", "refs/heads/a[", "refs/heads/a\\b", "refs/heads/a@{1}", "refs//heads",
        "refs/heads/end.", "", "refs/heads/\x01"}) {
    EXPECT_FALSE(check_ref_name(bad)) << bad;
  }
  EXPECT_FALSE(check_ref_name("refs/heads/" + std::string(300, 'a')));
}

}  // namespace
}  // namespace atl::store
