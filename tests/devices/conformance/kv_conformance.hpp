// kv_conformance: the kv contract (devices/include/atoll/devices/kv.hpp) as a
// typed suite. Run it together with kv_ro_conformance.
//
// Factory:
//   using device_type = ...;                  // meets atl::kv
//   device_type* make_empty(engine& e);       // an empty device with room for
//                                             // at least 1 MiB, or nullptr
//   wall_time wall_now();                     // the clock the device dates
//                                             // writes with
#pragma once

#include "harness.hpp"
#include "kv_ro_conformance.hpp"
#include <atoll/devices/kv.hpp>
#include <atoll/devices/sha256.hpp>

#include <optional>
#include <vector>

namespace atl::conformance {

template <class K>
task<result<std::string>> get_text(K& dev, kv_key k) {
  auto v = co_await dev.get(std::move(k));
  if (!v) co_return v.error();
  co_return std::string(v->text());
}

template <class K>
task<result<std::optional<kv_kind>>> kind_of(K& dev, std::string_view k) {
  auto e = co_await dev.exists(key(k));
  co_return e;
}

template <class Factory>
class kv_conformance : public engine_fixture<Factory> {
protected:
  typename Factory::device_type* device() {
    if (dev_ == nullptr) dev_ = this->factory_.make_empty(this->engine_);
    return dev_;
  }
  result<void> set(std::string_view k, std::string_view value) {
    const auto data = bytes(value);
    return this->run(dev_->set(key(k), data));
  }
  std::optional<kv_kind> kind(std::string_view k) {
    auto r = this->run(kind_of(*dev_, k));
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::nullopt;
  }

  typename Factory::device_type* dev_ = nullptr;
};

TYPED_TEST_SUITE_P(kv_conformance);

TYPED_TEST_P(kv_conformance, set_then_read) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("a.txt", "alpha"));
  auto v = this->run(get_text(*dev, key("a.txt")));
  ASSERT_OK(v);
  EXPECT_EQ(*v, "alpha");
  auto s = this->run(dev->size(key("a.txt")));
  ASSERT_OK(s);
  EXPECT_EQ(*s, 5u);
  auto d = this->run(dev->digest(key("a.txt")));
  ASSERT_OK(d);
  EXPECT_EQ(*d, sha256_of(std::string_view("alpha")));
  EXPECT_EQ(this->kind("a.txt"), kv_kind::value);
}

TYPED_TEST_P(kv_conformance, set_replaces_and_dates) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  const wall_time before = this->factory_.wall_now();
  ASSERT_OK(this->set("k", "first value"));
  ASSERT_OK(this->set("k", "second"));
  const wall_time after = this->factory_.wall_now();
  auto v = this->run(get_text(*dev, key("k")));
  ASSERT_OK(v);
  EXPECT_EQ(*v, "second");
  auto s = this->run(dev->size(key("k")));
  ASSERT_OK(s);
  EXPECT_EQ(*s, 6u);
  auto d = this->run(dev->digest(key("k")));
  ASSERT_OK(d);
  EXPECT_EQ(*d, sha256_of(std::string_view("second")));
  auto t = this->run(dev->last_modified(key("k")));
  ASSERT_OK(t);
  EXPECT_LE(before, *t);
  EXPECT_LE(*t, after);
}

TYPED_TEST_P(kv_conformance, bufs_from_get_do_not_change_later) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("k", "old"));
  auto old = this->run(dev->get(key("k")));
  ASSERT_OK(old);
  ASSERT_OK(this->set("k", "new"));
  ASSERT_OK(this->run(dev->remove(key("k"))));
  EXPECT_EQ(old->text(), "old");
}

TYPED_TEST_P(kv_conformance, set_makes_dictionaries) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("x/y/z.txt", "deep"));
  EXPECT_EQ(this->kind("x"), kv_kind::dictionary);
  EXPECT_EQ(this->kind("x/y"), kv_kind::dictionary);
  auto root = this->run(dev->list(kv_key()));
  ASSERT_OK(root);
  EXPECT_EQ(*root, (std::vector<kv_entry>{{"x", kv_kind::dictionary}}));
}

TYPED_TEST_P(kv_conformance, set_refuses_dictionaries_roots_and_values_above) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("dir/file", "f"));
  ASSERT_OK(this->set("value", "v"));
  EXPECT_ERRC(this->set("dir", "x"), errc::invalid_argument);
  EXPECT_ERRC(this->set("", "x"), errc::invalid_argument);
  EXPECT_ERRC(this->set("value/child", "x"), errc::invalid_argument);
  EXPECT_ERRC(this->set("value/child/grandchild", "x"), errc::invalid_argument);
  auto v = this->run(get_text(*dev, key("value")));
  ASSERT_OK(v);
  EXPECT_EQ(*v, "v");
  EXPECT_EQ(this->kind("dir"), kv_kind::dictionary);
}

TYPED_TEST_P(kv_conformance, remove_values_and_subtrees) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("a/1", "1"));
  ASSERT_OK(this->set("a/2", "2"));
  ASSERT_OK(this->set("a/b/3", "3"));
  ASSERT_OK(this->set("a-sibling", "s"));
  ASSERT_OK(this->set("solo/only", "o"));

  ASSERT_OK(this->run(dev->remove(key("solo/only"))));
  EXPECT_FALSE(this->kind("solo/only").has_value());
  EXPECT_FALSE(this->kind("solo").has_value());  // an empty dictionary is gone

  ASSERT_OK(this->run(dev->remove(key("a/1"))));
  EXPECT_FALSE(this->kind("a/1").has_value());
  EXPECT_EQ(this->kind("a/2"), kv_kind::value);

  ASSERT_OK(this->run(dev->remove(key("a"))));
  EXPECT_FALSE(this->kind("a").has_value());
  EXPECT_FALSE(this->kind("a/b/3").has_value());
  EXPECT_EQ(this->kind("a-sibling"), kv_kind::value);

  EXPECT_ERRC(this->run(dev->remove(key("a"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->remove(key("never"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->remove(kv_key())), errc::invalid_argument);
}

TYPED_TEST_P(kv_conformance, batch_applies_in_order) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("old", "o"));
  const auto one = bytes("one"), two = bytes("two"), three = bytes("three");
  const std::vector<kv_op> ops = {kv_op::set(key("p/one"), one), kv_op::set(key("p/two"), two),
                                  kv_op::remove(key("old")), kv_op::set(key("p/one"), three)};
  ASSERT_OK(this->run(dev->batch(ops)));
  auto v1 = this->run(get_text(*dev, key("p/one")));
  ASSERT_OK(v1);
  EXPECT_EQ(*v1, "three");
  auto v2 = this->run(get_text(*dev, key("p/two")));
  ASSERT_OK(v2);
  EXPECT_EQ(*v2, "two");
  EXPECT_FALSE(this->kind("old").has_value());
}

TYPED_TEST_P(kv_conformance, failed_batch_changes_nothing) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->set("keep", "k"));
  ASSERT_OK(this->set("file", "f"));
  const auto data = bytes("x");
  const std::vector<kv_op> missing = {kv_op::set(key("new"), data), kv_op::remove(key("keep")),
                                      kv_op::remove(key("absent"))};
  EXPECT_ERRC(this->run(dev->batch(missing)), errc::not_found);
  const std::vector<kv_op> beneath = {kv_op::set(key("new"), data),
                                      kv_op::set(key("file/under"), data)};
  EXPECT_ERRC(this->run(dev->batch(beneath)), errc::invalid_argument);
  EXPECT_FALSE(this->kind("new").has_value());
  EXPECT_EQ(this->kind("keep"), kv_kind::value);
  auto v = this->run(get_text(*dev, key("file")));
  ASSERT_OK(v);
  EXPECT_EQ(*v, "f");
}

TYPED_TEST_P(kv_conformance, batch_size_is_bounded) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  std::vector<kv_op> ops;
  for (std::size_t i = 0; i <= kv_max_batch; ++i) {
    ops.push_back(kv_op::set(key("n" + std::to_string(i)), {}));
  }
  EXPECT_ERRC(this->run(dev->batch(ops)), errc::limit_exceeded);
  EXPECT_FALSE(this->kind("n0").has_value());
  ops.pop_back();
  ASSERT_OK(this->run(dev->batch(ops)));
  EXPECT_EQ(this->kind("n0"), kv_kind::value);
}

REGISTER_TYPED_TEST_SUITE_P(kv_conformance, set_then_read, set_replaces_and_dates,
                            bufs_from_get_do_not_change_later, set_makes_dictionaries,
                            set_refuses_dictionaries_roots_and_values_above,
                            remove_values_and_subtrees, batch_applies_in_order,
                            failed_batch_changes_nothing, batch_size_is_bounded);

}  // namespace atl::conformance
