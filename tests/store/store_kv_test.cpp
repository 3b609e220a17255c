// store_kv: the Kv device over a branch passes the kv and kv_ro suites, and
// its writes are commits.
#include "../devices/conformance/kv_conformance.hpp"
#include "../devices/conformance/kv_ro_conformance.hpp"
#include "../devices/conformance/manual_clock.hpp"
#include "model_fixture.hpp"
#include <atoll/store/store_kv.hpp>

#include <memory>

namespace atl::conformance {
namespace {

using store::backend_ref;
using store::memory_backend;
using test_kv = store::store_kv<manual_wall_clock>;

struct store_kv_factory {
  using device_type = test_kv;
  // Commits record whole seconds, as git's do.
  static constexpr std::int64_t time_resolution_ns = 1'000'000'000;
  manual_wall_clock clock{conformance::fixture_time(1'800'000'000'000'000'000)};
  memory_backend memory{store::hash_format::sha1};
  backend_ref<memory_backend> backend{memory};
  store::repo repo{backend};
  std::unique_ptr<test_kv> kv;

  test_kv* make(engine& e, const std::vector<conformance::kv_fixture_file>& files) {
    make_empty(e);
    for (const auto& f : files) {
      clock.at = f.mtime;
      auto set = e.run(kv->set(conformance::key(f.path), f.data));
      if (!set) {
        ADD_FAILURE() << set.error().message();
        return nullptr;
      }
    }
    return kv.get();
  }
  test_kv* make_empty(engine&) {
    auto b = store::branch::open(repo, "main").value();
    kv = std::make_unique<test_kv>(store::subtree_branch(b, kv_key()), clock);
    return kv.get();
  }
  wall_time wall_now() {
    clock.at += 1s;
    return clock.at;
  }
};

using factories = ::testing::Types<store_kv_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(store_kv, kv_ro_conformance, factories);
INSTANTIATE_TYPED_TEST_SUITE_P(store_kv, kv_conformance, factories);

TEST(StoreKv, EverySetIsACommit) {
  sim_platform platform;
  engine e(platform);
  store_kv_factory f;
  test_kv* kv = f.make_empty(e);
  const auto data = bytes("v1");
  ASSERT_OK(e.run(kv->set(conformance::key("a"), data)));
  const auto data2 = bytes("v2");
  ASSERT_OK(e.run(kv->set(conformance::key("a"), data2)));
  auto history = e.run(kv->handle().whole().history(10));
  ASSERT_OK(history);
  EXPECT_EQ(history->size(), 2u);
}

}  // namespace
}  // namespace atl::conformance
