// memory_kv: the kv_ro and kv conformance suites, and the size limit.
#include "conformance/kv_conformance.hpp"
#include "conformance/kv_ro_conformance.hpp"
#include "conformance/manual_clock.hpp"
#include <atoll/devices/engine_clock.hpp>
#include <atoll/devices/kv_ro_either.hpp>
#include <atoll/devices/memory_kv.hpp>

#include <memory>
#include <optional>

namespace atl::conformance {
namespace {

using test_kv = memory_kv<manual_wall_clock>;

struct memory_kv_factory {
  using device_type = test_kv;
  manual_wall_clock clock{conformance::fixture_time(1'800'000'000'000'000'000)};
  std::unique_ptr<test_kv> kv;

  test_kv* make(engine& e, const std::vector<conformance::kv_fixture_file>& files) {
    kv = std::make_unique<test_kv>(clock, 4 << 20);
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
    kv = std::make_unique<test_kv>(clock, 4 << 20);
    return kv.get();
  }
  wall_time wall_now() {
    clock.at += 1s;  // every reading is later than the one before
    return clock.at;
  }
};

using factories = ::testing::Types<memory_kv_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(memory_kv, kv_ro_conformance, factories);

// kv_ro_either over its second kind: every call reaches the memory store.
struct either_second_factory {
  using device_type = kv_ro_either<memory_kv<manual_wall_clock>, test_kv>;
  memory_kv_factory inner;
  std::optional<device_type> kv;

  device_type* make(engine& e, const std::vector<conformance::kv_fixture_file>& files) {
    test_kv* made = inner.make(e, files);
    if (made == nullptr) return nullptr;
    kv.emplace(device_type::second(std::move(*made)));
    return &*kv;
  }
};
using either_factories = ::testing::Types<either_second_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(kv_ro_either_second, kv_ro_conformance, either_factories);
INSTANTIATE_TYPED_TEST_SUITE_P(memory_kv, kv_conformance, factories);

static_assert(kv<test_kv>);

class memory_kv_limits : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  result<void> set(test_kv& kv, std::string_view k, std::size_t size) {
    const std::vector<std::byte> data(size);
    return run(kv.set(conformance::key(k), data));
  }

  sim_platform platform_;
  engine engine_{platform_};
  manual_wall_clock clock_;
};

TEST_F(memory_kv_limits, total_size_is_bounded) {
  test_kv kv(clock_, 1000);
  ASSERT_OK(set(kv, "a", 499));  // 1 + 499
  ASSERT_OK(set(kv, "b", 499));
  EXPECT_EQ(kv.store().used_bytes(), 1000u);
  EXPECT_ERRC(set(kv, "c", 0), errc::limit_exceeded);
  // Replacing a value counts only the difference.
  ASSERT_OK(set(kv, "a", 400));
  EXPECT_EQ(kv.store().used_bytes(), 901u);
  ASSERT_OK(set(kv, "a", 499));
  EXPECT_ERRC(set(kv, "a", 500), errc::limit_exceeded);
  EXPECT_ERRC(set(kv, "huge", 4000), errc::limit_exceeded);
  ASSERT_OK(run(kv.remove(conformance::key("b"))));
  EXPECT_EQ(kv.store().used_bytes(), 500u);
  ASSERT_OK(set(kv, "c", 400));
}

TEST_F(memory_kv_limits, a_batch_past_the_limit_changes_nothing) {
  test_kv kv(clock_, 100);
  const std::vector<std::byte> forty(40);
  const std::vector<kv_op> ops = {kv_op::set(conformance::key("x"), forty),
                                  kv_op::set(conformance::key("y"), forty),
                                  kv_op::set(conformance::key("z"), forty)};
  EXPECT_ERRC(run(kv.batch(ops)), errc::limit_exceeded);
  EXPECT_EQ(kv.store().used_bytes(), 0u);
  EXPECT_EQ(kv.store().values(), 0u);
}

TEST_F(memory_kv_limits, values_are_charged_to_the_budget) {
  memory_budget budget("kv", 4096);
  test_kv kv(clock_, 1 << 20, &budget);
  ASSERT_OK(set(kv, "a", 1000));
  EXPECT_GE(budget.used(), 1000u);
  EXPECT_ERRC(set(kv, "b", 5000), errc::no_memory);
  ASSERT_OK(run(kv.remove(conformance::key("a"))));
  EXPECT_EQ(budget.used(), 0u);
}

TEST_F(memory_kv_limits, list_is_bounded) {
  test_kv kv(clock_, 1 << 20);
  for (std::size_t i = 0; i < kv_max_list; ++i) {
    ASSERT_OK(set(kv, "d/" + std::to_string(i), 0));
  }
  auto full = run(kv.list(conformance::key("d")));
  ASSERT_OK(full);
  EXPECT_EQ(full->size(), kv_max_list);
  ASSERT_OK(set(kv, "d/one-more", 0));
  EXPECT_ERRC(run(kv.list(conformance::key("d"))), errc::limit_exceeded);
}

}  // namespace
}  // namespace atl::conformance
