// unix_target::random: the random conformance suite over kernel-seeded
// generators, and reseeding.
#include "../devices/conformance/random_conformance.hpp"
#include <atoll/unix/random.hpp>

#include <array>
#include <deque>

namespace atl::conformance {
namespace {

struct unix_random_factory {
  using device_type = unix_target::random;
  std::deque<unix_target::random> made;
  unix_target::random* make() {
    auto r = unix_target::random::create();
    if (!r) {
      ADD_FAILURE() << r.error().message();
      return nullptr;
    }
    made.push_back(std::move(*r));
    return &made.back();
  }
};

using factories = ::testing::Types<unix_random_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_random, random_conformance, factories);

TEST(unix_random, reseed_takes_fresh_entropy) {
  auto r = unix_target::random::create();
  ASSERT_OK(r);
  std::array<std::byte, 32> before{}, after{};
  r->fill(before);
  ASSERT_OK(r->reseed());
  r->fill(after);
  EXPECT_NE(before, after);
}

}  // namespace
}  // namespace atl::conformance
