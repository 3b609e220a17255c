// backend_conformance: the backend contract (store/backend.hpp) as a typed
// suite, for every backend: memory, block, git.
//
// Factory:
//   engine& loop();                               // the engine tasks run on (the
//                                                 // factory owns it and its platform)
//   any_backend* make(hash_format f);             // an empty backend of that
//                                                 // format, or nullptr after
//                                                 // a test failure
//   static constexpr std::size_t max_object_size; // its configured limit
//   static constexpr bool sha256 = ...;           // whether it has SHA-256
#pragma once

#include "../../devices/conformance/harness.hpp"
#include <atoll/store/any_backend.hpp>

#include <algorithm>

namespace atl::store::conformance {

using atl::conformance::bytes;
using atl::conformance::text;

template <class Factory>
class backend_conformance : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return factory_.loop().run(std::move(t));
  }
  any_backend* backend(hash_format f = hash_format::sha1) { return factory_.make(f); }

  Factory factory_;
};

TYPED_TEST_SUITE_P(backend_conformance);

TYPED_TEST_P(backend_conformance, objects_round_trip_under_git_ids) {
  any_backend* b = this->backend();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->format(), hash_format::sha1);
  const auto data = bytes("hello\n");
  auto id = this->run(b->write(object_kind::blob, data));
  ASSERT_OK(id);
  EXPECT_EQ(id->hex().view(), "ce013625030ba8dba906f756967f9e9ca394464a");
  // Writing it again is a success with the same id.
  EXPECT_EQ(this->run(b->write(object_kind::blob, data)).value(), *id);
  auto back = this->run(b->read(*id));
  ASSERT_OK(back);
  EXPECT_EQ(back->kind, object_kind::blob);
  EXPECT_EQ(text(back->payload), "hello\n");
  EXPECT_TRUE(this->run(b->contains(*id)).value());
  // An empty object and a tree.
  auto empty = this->run(b->write(object_kind::tree, {}));
  ASSERT_OK(empty);
  EXPECT_EQ(empty->hex().view(), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  EXPECT_TRUE(this->run(b->read(*empty)).value().payload.empty());
  auto ids = this->run(b->object_ids()).value();
  EXPECT_NE(std::find(ids.begin(), ids.end(), *id), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), *empty), ids.end());
}

TYPED_TEST_P(backend_conformance, missing_and_foreign_ids) {
  any_backend* b = this->backend();
  ASSERT_NE(b, nullptr);
  const auto absent = hash_object(hash_format::sha1, object_kind::blob, bytes("never written"));
  EXPECT_ERRC(this->run(b->read(absent)), errc::not_found);
  EXPECT_FALSE(this->run(b->contains(absent)).value());
  const auto other = hash_object(hash_format::sha256, object_kind::blob, bytes("x"));
  EXPECT_ERRC(this->run(b->read(other)), errc::invalid_argument);
}

TYPED_TEST_P(backend_conformance, object_size_limit) {
  any_backend* b = this->backend();
  ASSERT_NE(b, nullptr);
  std::vector<std::byte> big(TypeParam::max_object_size + 1);
  EXPECT_ERRC(this->run(b->write(object_kind::blob, big)), errc::limit_exceeded);
  big.pop_back();
  ASSERT_OK(this->run(b->write(object_kind::blob, big)));
}

TYPED_TEST_P(backend_conformance, refs_are_test_and_set) {
  any_backend* b = this->backend();
  ASSERT_NE(b, nullptr);
  const auto one = this->run(b->write(object_kind::blob, bytes("1"))).value();
  const auto two = this->run(b->write(object_kind::blob, bytes("2"))).value();
  EXPECT_ERRC(this->run(b->read_ref("refs/heads/main")), errc::not_found);
  // Create-only.
  ASSERT_OK(this->run(b->update_ref("refs/heads/main", std::nullopt, one)));
  EXPECT_ERRC(this->run(b->update_ref("refs/heads/main", std::nullopt, two)), errc::conflict);
  EXPECT_EQ(this->run(b->read_ref("refs/heads/main")).value(), one);
  // Test-and-set: a stale expectation changes nothing.
  EXPECT_ERRC(this->run(b->update_ref("refs/heads/main", two, two)), errc::conflict);
  EXPECT_EQ(this->run(b->read_ref("refs/heads/main")).value(), one);
  ASSERT_OK(this->run(b->update_ref("refs/heads/main", one, two)));
  EXPECT_EQ(this->run(b->read_ref("refs/heads/main")).value(), two);
  // Listing by prefix, sorted.
  ASSERT_OK(this->run(b->update_ref("refs/tags/v1", std::nullopt, one)));
  ASSERT_OK(this->run(b->update_ref("refs/heads/dev", std::nullopt, one)));
  auto heads = this->run(b->list_refs("refs/heads/")).value();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0], (ref_entry{"refs/heads/dev", one}));
  EXPECT_EQ(heads[1], (ref_entry{"refs/heads/main", two}));
  EXPECT_EQ(this->run(b->list_refs("refs/")).value().size(), 3u);
  // Delete, with its own test.
  EXPECT_ERRC(this->run(b->update_ref("refs/heads/dev", two, std::nullopt)), errc::conflict);
  ASSERT_OK(this->run(b->update_ref("refs/heads/dev", one, std::nullopt)));
  EXPECT_ERRC(this->run(b->read_ref("refs/heads/dev")), errc::not_found);
  // Names git refuses.
  EXPECT_ERRC(this->run(b->update_ref("refs/heads/a..b", std::nullopt, one)),
              errc::invalid_argument);
  EXPECT_ERRC(this->run(b->read_ref("main")), errc::invalid_argument);
  ASSERT_OK(this->run(b->flush()));
  EXPECT_EQ(this->run(b->read_ref("refs/heads/main")).value(), two);
}

TYPED_TEST_P(backend_conformance, sha256_objects) {
  if constexpr (!TypeParam::sha256) {
    GTEST_SKIP() << "this backend has no SHA-256 object format";
  } else {
    any_backend* b = this->backend(hash_format::sha256);
    ASSERT_NE(b, nullptr);
    auto id = this->run(b->write(object_kind::blob, {}));
    ASSERT_OK(id);
    EXPECT_EQ(id->hex().view(), "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813");
    ASSERT_OK(this->run(b->update_ref("refs/heads/main", std::nullopt, *id)));
    ASSERT_OK(this->run(b->flush()));
    EXPECT_EQ(this->run(b->read(*id)).value().kind, object_kind::blob);
  }
}

REGISTER_TYPED_TEST_SUITE_P(backend_conformance, objects_round_trip_under_git_ids,
                            missing_and_foreign_ids, object_size_limit, refs_are_test_and_set,
                            sha256_objects);

}  // namespace atl::store::conformance
