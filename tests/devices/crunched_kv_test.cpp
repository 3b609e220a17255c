// crunched_kv: the kv_ro conformance suite over a table built the way the
// atoll tool generates it, the table rules, digests, and zero copy.
#include "conformance/kv_ro_conformance.hpp"
#include <atoll/devices/crunched_kv.hpp>
#include <atoll/devices/kv_ro_either.hpp>

#include <memory>
#include <optional>

namespace atl::conformance {
namespace {

/// A table in the generated shape, over bytes held by the test.
struct crunched_table {
  std::vector<std::vector<unsigned char>> bytes;
  std::vector<crunched_file> files;

  explicit crunched_table(std::vector<conformance::kv_fixture_file> in) {
    std::sort(in.begin(), in.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    bytes.reserve(in.size());
    paths.reserve(in.size());
    for (const auto& f : in) {
      paths.push_back(f.path);
      auto& b = bytes.emplace_back(f.data.size());
      std::transform(f.data.begin(), f.data.end(), b.begin(),
                     [](std::byte x) { return std::to_integer<unsigned char>(x); });
      files.push_back(
          crunched_file{paths.back(), b, sha256_of(f.data), f.mtime.time_since_epoch().count()});
    }
  }
  std::vector<std::string> paths;
};

struct crunched_factory {
  using device_type = crunched_kv;
  std::unique_ptr<crunched_table> table;
  std::optional<crunched_kv> kv;

  crunched_kv* make(engine&, const std::vector<conformance::kv_fixture_file>& files) {
    table = std::make_unique<crunched_table>(files);
    auto k = crunched_kv::create(table->files);
    if (!k) {
      ADD_FAILURE() << k.error().message();
      return nullptr;
    }
    kv.emplace(*k);
    return &*kv;
  }
};

using factories = ::testing::Types<crunched_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(crunched_kv, kv_ro_conformance, factories);

// kv_ro_either over its first kind: every call reaches the crunched table.
struct either_first_factory {
  using device_type = kv_ro_either<crunched_kv, crunched_kv>;
  crunched_factory inner;
  std::optional<device_type> kv;

  device_type* make(engine& e, const std::vector<conformance::kv_fixture_file>& files) {
    crunched_kv* made = inner.make(e, files);
    if (made == nullptr) return nullptr;
    kv.emplace(device_type::first(*made));
    return &*kv;
  }
};
using either_factories = ::testing::Types<either_first_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(kv_ro_either_first, kv_ro_conformance, either_factories);

// A table written exactly as the generator's output would be.
constexpr unsigned char index_html[] = "<h1>hi</h1>\n";
constexpr unsigned char logo[] = {0x89, 0x50, 0x4e, 0x47, 0x00, 0x01};
constexpr crunched_file generated[] = {
    {"img/logo.png", logo,
     sha256_digest{std::byte{0x00}},  // deliberately wrong: verify_digests() finds it
     1'700'000'000'000'000'000},
    {"index.html", {index_html, sizeof index_html - 1}, sha256_digest{}, 1'700'000'000'000'000'000},
};

TEST(crunched_kv, constexpr_table_in_the_generated_shape) {
  auto kv = crunched_kv::create(generated);
  ASSERT_OK(kv);
  sim_platform p;
  engine e(p);
  auto page = e.run(kv->get(conformance::key("index.html")));
  ASSERT_OK(page);
  EXPECT_EQ(page->text(), "<h1>hi</h1>\n");
  auto png = e.run(kv->size(conformance::key("img/logo.png")));
  ASSERT_OK(png);
  EXPECT_EQ(*png, 6u);
  EXPECT_ERRC(kv->verify_digests(), errc::corrupt);
}

TEST(crunched_kv, get_borrows_the_image_bytes) {
  sim_platform p;
  engine e(p);
  crunched_table table(conformance::kv_fixture());
  auto kv = crunched_kv::create(table.files);
  ASSERT_OK(kv);
  ASSERT_OK(kv->verify_digests());
  auto v = e.run(kv->get(conformance::key("big.bin")));
  ASSERT_OK(v);
  const auto& f = *std::find_if(table.files.begin(), table.files.end(),
                                [](const crunched_file& c) { return c.path == "big.bin"; });
  EXPECT_EQ(static_cast<const void*>(v->data()), static_cast<const void*>(f.data.data()));
  EXPECT_FALSE(v->writable());
  auto part = e.run(kv->get_partial(conformance::key("big.bin"), 10, 20));
  ASSERT_OK(part);
  EXPECT_EQ(static_cast<const void*>(part->data()), static_cast<const void*>(f.data.data() + 10));
}

TEST(crunched_kv, verify_digests_finds_changed_bytes) {
  crunched_table table(conformance::kv_fixture());
  ASSERT_OK(crunched_kv::create(table.files).value().verify_digests());
  table.bytes[2][0] ^= 1;
  EXPECT_ERRC(crunched_kv::create(table.files).value().verify_digests(), errc::corrupt);
}

crunched_file file(std::string_view path) { return crunched_file{path, {}, sha256_of(""), 0}; }

TEST(crunched_kv, create_enforces_the_table_rules) {
  const crunched_file unsorted[] = {file("b"), file("a")};
  EXPECT_ERRC(crunched_kv::create(unsorted), errc::invalid_argument);
  const crunched_file duplicate[] = {file("a"), file("a")};
  EXPECT_ERRC(crunched_kv::create(duplicate), errc::invalid_argument);
  const crunched_file file_under_file[] = {file("a"), file("a-b"), file("a/b")};
  EXPECT_ERRC(crunched_kv::create(file_under_file), errc::invalid_argument);
  const crunched_file deep_under_file[] = {file("x/y"), file("x/y/z/w")};
  EXPECT_ERRC(crunched_kv::create(deep_under_file), errc::invalid_argument);
  for (std::string_view bad : {"", "../etc/passwd", "/abs", "a//b", "a/./b", "a/"}) {
    const crunched_file one[] = {file(bad)};
    EXPECT_ERRC(crunched_kv::create(one), errc::invalid_argument);
  }
  const crunched_file fine[] = {file("a-b"), file("a/b"), file("a/c/d"), file("b")};
  EXPECT_TRUE(crunched_kv::create(fine).has_value());
  EXPECT_TRUE(crunched_kv::create({}).has_value());
}

TEST(crunched_kv, empty_table_has_an_empty_root) {
  sim_platform p;
  engine e(p);
  auto kv = crunched_kv::create({});
  ASSERT_OK(kv);
  auto root = e.run(kv->list(kv_key()));
  ASSERT_OK(root);
  EXPECT_TRUE(root->empty());
  EXPECT_ERRC(e.run(kv->get(conformance::key("x"))), errc::not_found);
}

}  // namespace
}  // namespace atl::conformance
