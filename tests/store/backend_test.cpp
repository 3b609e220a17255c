// The backend conformance suite over the memory and block backends.
#include "conformance/backend_conformance.hpp"
#include <atoll/devices/memory_block.hpp>
#include <atoll/store/block_backend.hpp>
#include <atoll/store/memory_backend.hpp>

#include <memory>

namespace atl::store::conformance {
namespace {

struct memory_factory {
  static constexpr std::size_t max_object_size = 1 << 20;
  static constexpr bool sha256 = true;
  sim_platform platform;
  engine e{platform};
  std::unique_ptr<memory_backend> backend;
  std::unique_ptr<backend_ref<memory_backend>> ref;

  engine& loop() { return e; }
  any_backend* make(hash_format f) {
    backend = std::make_unique<memory_backend>(
        f, memory_backend_limits{.max_object_size = max_object_size});
    ref = std::make_unique<backend_ref<memory_backend>>(*backend);
    return ref.get();
  }
};

struct block_factory {
  static constexpr std::size_t max_object_size = 1 << 20;
  static constexpr bool sha256 = true;
  sim_platform platform;
  engine e{platform};
  std::unique_ptr<memory_block> device;
  std::unique_ptr<block_ref<memory_block>> device_ref;
  std::unique_ptr<block_backend> backend;
  std::unique_ptr<backend_ref<block_backend>> ref;

  engine& loop() { return e; }
  any_backend* make(hash_format f) {
    device = std::make_unique<memory_block>(
        memory_block::create(memory_block_options{.sector_size = 512, .sector_count = 16384})
            .value());
    device_ref = std::make_unique<block_ref<memory_block>>(*device);
    auto b = e.run(block_backend::create(
        e, *device_ref, f, block_backend_options{.max_object_size = max_object_size}));
    if (!b) {
      ADD_FAILURE() << b.error().message();
      return nullptr;
    }
    backend = std::move(*b);
    ref = std::make_unique<backend_ref<block_backend>>(*backend);
    return ref.get();
  }
};

using factories = ::testing::Types<memory_factory, block_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(store, backend_conformance, factories);

}  // namespace
}  // namespace atl::store::conformance

namespace atl::store::conformance {
namespace {

// The memory backend checks hashes on read too: damage made through its
// test hook is found, never returned.
TEST(MemoryBackend, DamagedPayloadIsCorrupt) {
  sim_platform platform;
  engine e(platform);
  memory_backend m(hash_format::sha1);
  const auto id = e.run(m.write(object_kind::blob, bytes("precious bytes"))).value();
  ASSERT_TRUE(m.corrupt_for_test(id));
  auto r = e.run(m.read(id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::corrupt);
  const auto empty = e.run(m.write(object_kind::blob, {})).value();
  ASSERT_TRUE(m.corrupt_for_test(empty));  // an empty payload changes kind instead
  EXPECT_ERRC(e.run(m.read(empty)), errc::corrupt);
}

}  // namespace
}  // namespace atl::store::conformance
