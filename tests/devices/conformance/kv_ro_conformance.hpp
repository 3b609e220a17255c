// kv_ro_conformance: the kv_ro contract (devices/include/atoll/devices/kv_ro.hpp)
// as a typed suite, over the content of kv_fixture.hpp.
//
// Factory:
//   using device_type = ...;                       // meets atl::kv_ro
//   device_type* make(engine& e, const std::vector<kv_fixture_file>& files);
//       a device holding exactly those values (with those modification
//       times), or nullptr after reporting a test failure
#pragma once

#include "harness.hpp"
#include "kv_fixture.hpp"
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>

#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

namespace atl {
/// PrintTo(entry): readable failures when lists differ.
// NOLINTNEXTLINE(readability-identifier-naming): GoogleTest's customization point
inline void PrintTo(const kv_entry& e, std::ostream* out) {
  *out << '{' << e.name << (e.kind == kv_kind::value ? ", value}" : ", dictionary}");
}
}  // namespace atl

namespace atl::conformance {

inline kv_key key(std::string_view text) {
  auto k = kv_key::parse(text);
  EXPECT_TRUE(k.has_value()) << text;
  return k ? *k : kv_key();
}

template <class Factory>
class kv_ro_conformance : public engine_fixture<Factory> {
protected:
  typename Factory::device_type* device() {
    if (dev_ == nullptr) dev_ = this->factory_.make(this->engine_, files_);
    return dev_;
  }

  std::vector<kv_fixture_file> files_ = kv_fixture();
  typename Factory::device_type* dev_ = nullptr;
};

TYPED_TEST_SUITE_P(kv_ro_conformance);

TYPED_TEST_P(kv_ro_conformance, get_returns_every_value_exactly) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  for (const auto& f : this->files_) {
    auto v = this->run(dev->get(key(f.path)));
    ASSERT_OK(v);
    EXPECT_EQ(v->size(), f.data.size()) << f.path;
    EXPECT_TRUE(std::equal(v->bytes().begin(), v->bytes().end(), f.data.begin(), f.data.end()))
        << f.path;
  }
}

TYPED_TEST_P(kv_ro_conformance, get_of_missing_and_dictionaries) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  EXPECT_ERRC(this->run(dev->get(key("nope"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->get(key("css/nope.css"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->get(key("nope/deeper"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->get(key("index.html/inside"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->get(key("css"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->get(key("docs/a/b"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->get(kv_key())), errc::invalid_argument);
}

TYPED_TEST_P(kv_ro_conformance, get_partial_takes_ranges) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  const auto& big = this->files_[0].data;
  auto middle = this->run(dev->get_partial(key("big.bin"), 100'000, 5000));
  ASSERT_OK(middle);
  ASSERT_EQ(middle->size(), 5000u);
  EXPECT_TRUE(std::equal(middle->bytes().begin(), middle->bytes().end(), big.begin() + 100'000));

  auto tail = this->run(dev->get_partial(key("big.bin"), 199'990, 1000));
  ASSERT_OK(tail);
  ASSERT_EQ(tail->size(), 10u);
  EXPECT_TRUE(std::equal(tail->bytes().begin(), tail->bytes().end(), big.end() - 10));

  auto whole = this->run(dev->get_partial(key("index.html"), 0, UINT64_MAX));
  ASSERT_OK(whole);
  EXPECT_EQ(whole->text(), "<html>hello</html>\n");

  auto at_end = this->run(dev->get_partial(key("index.html"), 19, 10));
  ASSERT_OK(at_end);
  EXPECT_TRUE(at_end->empty());
  auto none = this->run(dev->get_partial(key("index.html"), 3, 0));
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  auto of_empty = this->run(dev->get_partial(key("empty"), 0, 10));
  ASSERT_OK(of_empty);
  EXPECT_TRUE(of_empty->empty());

  EXPECT_ERRC(this->run(dev->get_partial(key("index.html"), 20, 1)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->get_partial(key("index.html"), UINT64_MAX, 1)),
              errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->get_partial(key("nope"), 0, 1)), errc::not_found);
  EXPECT_ERRC(this->run(dev->get_partial(key("css"), 0, 1)), errc::invalid_argument);
}

TYPED_TEST_P(kv_ro_conformance, list_gives_sorted_entries_with_kinds) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  using v = std::vector<kv_entry>;
  auto root = this->run(dev->list(kv_key()));
  ASSERT_OK(root);
  EXPECT_EQ(*root, (v{{"big.bin", kv_kind::value},
                      {"css", kv_kind::dictionary},
                      {"docs", kv_kind::dictionary},
                      {"empty", kv_kind::value},
                      {"index.html", kv_kind::value}}));
  auto css = this->run(dev->list(key("css")));
  ASSERT_OK(css);
  EXPECT_EQ(*css, (v{{"img", kv_kind::dictionary}, {"site.css", kv_kind::value}}));
  auto deep = this->run(dev->list(key("docs/a/b")));
  ASSERT_OK(deep);
  EXPECT_EQ(*deep, (v{{"c", kv_kind::dictionary}}));
  auto leaf = this->run(dev->list(key("docs/a/b/c")));
  ASSERT_OK(leaf);
  EXPECT_EQ(*leaf, (v{{"deep.txt", kv_kind::value}}));

  EXPECT_ERRC(this->run(dev->list(key("index.html"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->list(key("nope"))), errc::not_found);
  EXPECT_ERRC(this->run(dev->list(key("css/nope"))), errc::not_found);
}

TYPED_TEST_P(kv_ro_conformance, exists_tells_the_kind) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  using o = std::optional<kv_kind>;
  auto root = this->run(dev->exists(kv_key()));
  ASSERT_OK(root);
  EXPECT_EQ(*root, o(kv_kind::dictionary));
  auto value = this->run(dev->exists(key("css/site.css")));
  ASSERT_OK(value);
  EXPECT_EQ(*value, o(kv_kind::value));
  auto dict = this->run(dev->exists(key("docs/a")));
  ASSERT_OK(dict);
  EXPECT_EQ(*dict, o(kv_kind::dictionary));
  auto missing = this->run(dev->exists(key("docs/z")));
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
  auto under_value = this->run(dev->exists(key("empty/x")));
  ASSERT_OK(under_value);
  EXPECT_FALSE(under_value->has_value());
}

TYPED_TEST_P(kv_ro_conformance, size_of_values) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  for (const auto& f : this->files_) {
    auto s = this->run(dev->size(key(f.path)));
    ASSERT_OK(s);
    EXPECT_EQ(*s, f.data.size()) << f.path;
  }
  EXPECT_ERRC(this->run(dev->size(key("css"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->size(key("nope"))), errc::not_found);
}

TYPED_TEST_P(kv_ro_conformance, digest_is_sha256_of_the_value) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  for (const auto& f : this->files_) {
    auto d = this->run(dev->digest(key(f.path)));
    ASSERT_OK(d);
    EXPECT_EQ(to_hex(*d).view(), to_hex(sha256_of(f.data)).view()) << f.path;
  }
  EXPECT_ERRC(this->run(dev->digest(key("docs"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->digest(key("nope"))), errc::not_found);
}

/// time_resolution_ns<Factory>(): the resolution of the device's
/// last_modified times (1 ns unless the factory says otherwise).
template <class Factory>
constexpr std::int64_t time_resolution_ns() {
  if constexpr (requires { Factory::time_resolution_ns; }) {
    return Factory::time_resolution_ns;
  } else {
    return 1;
  }
}

TYPED_TEST_P(kv_ro_conformance, last_modified_of_values) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  for (const auto& f : this->files_) {
    auto t = this->run(dev->last_modified(key(f.path)));
    ASSERT_OK(t);
    // A device that keeps coarser times (the store keeps git's whole
    // seconds) says so with Factory::time_resolution_ns; times are floored.
    const std::int64_t resolution = time_resolution_ns<TypeParam>();
    EXPECT_EQ(t->time_since_epoch().count(),
              f.mtime.time_since_epoch().count() / resolution * resolution)
        << f.path;
  }
  EXPECT_ERRC(this->run(dev->last_modified(key("css/img"))), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->last_modified(key("nope"))), errc::not_found);
}

// kv_describe: the device's info() when it has one (kv_ro_info), else the
// four questions; either way the same answers as those questions.
TYPED_TEST_P(kv_ro_conformance, describe_agrees_with_the_four_questions) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  const std::int64_t resolution = time_resolution_ns<TypeParam>();
  for (const auto& f : this->files_) {
    auto info = this->run(kv_describe(*dev, key(f.path)));
    ASSERT_OK(info);
    ASSERT_TRUE(info->has_value()) << f.path;
    EXPECT_EQ((*info)->kind, kv_kind::value) << f.path;
    EXPECT_EQ((*info)->size, f.data.size()) << f.path;
    EXPECT_EQ(to_hex((*info)->digest).view(), to_hex(sha256_of(f.data)).view()) << f.path;
    EXPECT_EQ((*info)->modified.time_since_epoch().count(),
              f.mtime.time_since_epoch().count() / resolution * resolution)
        << f.path;
  }
  for (const char* dictionary : {"", "docs", "docs/a", "css"}) {
    auto info = this->run(kv_describe(*dev, dictionary[0] == 0 ? kv_key() : key(dictionary)));
    ASSERT_OK(info);
    ASSERT_TRUE(info->has_value()) << dictionary;
    EXPECT_EQ((*info)->kind, kv_kind::dictionary) << dictionary;
  }
  for (const char* missing : {"nope", "docs/z", "empty/x"}) {
    auto info = this->run(kv_describe(*dev, key(missing)));
    ASSERT_OK(info);
    EXPECT_FALSE(info->has_value()) << missing;
  }
}

TYPED_TEST_P(kv_ro_conformance, tasks_outlive_the_callers_key) {
  auto* dev = this->device();
  ASSERT_NE(dev, nullptr);
  auto t = [&] {
    kv_key k = key("css/site.css");
    return dev->get(k);  // k goes away before the task runs
  }();
  auto v = this->run(std::move(t));
  ASSERT_OK(v);
  EXPECT_EQ(v->text(), "body { margin: 0 }\n");
}

REGISTER_TYPED_TEST_SUITE_P(kv_ro_conformance, get_returns_every_value_exactly,
                            get_of_missing_and_dictionaries, get_partial_takes_ranges,
                            list_gives_sorted_entries_with_kinds, exists_tells_the_kind,
                            size_of_values, digest_is_sha256_of_the_value, last_modified_of_values,
                            describe_agrees_with_the_four_questions, tasks_outlive_the_callers_key);

}  // namespace atl::conformance
