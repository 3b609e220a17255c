// memory_block: the block conformance suite (with and without latency), and
// the test hooks: injected failures, torn writes, crashes.
#include "conformance/block_conformance.hpp"
#include <atoll/core/task_set.hpp>
#include <atoll/devices/memory_block.hpp>

#include <deque>
#include <memory>

namespace atl::conformance {
namespace {

template <bool WithLatency>
struct memory_block_factory {
  using device_type = memory_block;
  std::deque<memory_block> made;
  memory_block* create(engine& e, const block_info& shape, bool read_only) {
    memory_block_options options;
    options.sector_size = shape.sector_size;
    options.sector_count = shape.sector_count;
    options.read_only = read_only;
    if (WithLatency) {
      options.latency_engine = &e;
      options.latency = 3ms;
    }
    auto b = memory_block::create(options);
    if (!b) {
      ADD_FAILURE() << b.error().message();
      return nullptr;
    }
    made.push_back(std::move(*b));
    return &made.back();
  }
  memory_block* make(engine& e, const block_info& shape) { return create(e, shape, false); }
  memory_block* make_read_only(engine& e, const block_info& shape) {
    return create(e, shape, true);
  }
};

using factories = ::testing::Types<memory_block_factory<false>, memory_block_factory<true>>;
INSTANTIATE_TYPED_TEST_SUITE_P(memory_block, block_conformance, factories);

class memory_block_hooks : public ::testing::Test {
protected:
  void SetUp() override {
    memory_block_options options;
    options.sector_count = 16;
    options.volatile_cache = true;
    auto b = memory_block::create(options);
    ASSERT_OK(b);
    dev_ = std::make_unique<memory_block>(std::move(*b));
  }
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  std::vector<std::byte> sector_bytes(std::uint64_t s) {
    auto all = dev_->contents();
    return {all.begin() + static_cast<std::ptrdiff_t>(s * 512),
            all.begin() + static_cast<std::ptrdiff_t>((s + 1) * 512)};
  }

  sim_platform platform_;
  engine engine_{platform_};
  std::unique_ptr<memory_block> dev_;
};

TEST_F(memory_block_hooks, create_checks_the_shape) {
  EXPECT_ERRC(memory_block::create({.sector_size = 500, .sector_count = 4}),
              errc::invalid_argument);
  EXPECT_ERRC(memory_block::create({.sector_size = 256, .sector_count = 4}),
              errc::invalid_argument);
  EXPECT_ERRC(memory_block::create({.sector_size = 512, .sector_count = 0}),
              errc::invalid_argument);
  EXPECT_ERRC(memory_block::create({.sector_size = 4096, .sector_count = UINT64_MAX / 1024}),
              errc::invalid_argument);
}

TEST_F(memory_block_hooks, injected_failures_skip_then_fail_then_stop) {
  dev_->inject({.op = block_op::read, .skip = 2, .times = 2, .code = errc::io_error});
  std::vector<std::byte> out(512);
  ASSERT_OK(run(dev_->read(sector(0), out)));
  ASSERT_OK(run(dev_->read(sector(0), out)));
  EXPECT_ERRC(run(dev_->read(sector(0), out)), errc::io_error);
  EXPECT_ERRC(run(dev_->read(sector(0), out)), errc::io_error);
  ASSERT_OK(run(dev_->read(sector(0), out)));
  EXPECT_EQ(dev_->stats().failures, 2u);
  // Writes were never affected; invalid requests do not use up a fault.
  dev_->inject({.op = block_op::write, .times = 1, .code = errc::busy});
  std::vector<std::byte> odd(100);
  EXPECT_ERRC(run(dev_->write(sector(0), odd)), errc::invalid_argument);
  EXPECT_ERRC(run(dev_->write(sector(0), out)), errc::busy);
  ASSERT_OK(run(dev_->write(sector(0), out)));
}

TEST_F(memory_block_hooks, forever_failures_until_cleared) {
  dev_->inject({.op = block_op::flush, .times = block_fault::forever});
  for (int i = 0; i < 5; ++i) EXPECT_ERRC(run(dev_->flush()), errc::io_error);
  dev_->clear_faults();
  ASSERT_OK(run(dev_->flush()));
}

TEST_F(memory_block_hooks, torn_write_stores_a_prefix) {
  const auto data = conformance::pattern(std::size_t{4} * 512, 1);
  dev_->inject({.op = block_op::write, .sectors_written = 2});
  EXPECT_ERRC(run(dev_->write(sector(4), data)), errc::io_error);
  EXPECT_TRUE(std::equal(data.begin(), data.begin() + 512, sector_bytes(4).begin()));
  EXPECT_TRUE(std::equal(data.begin() + 512, data.begin() + 1024, sector_bytes(5).begin()));
  EXPECT_EQ(sector_bytes(6), std::vector<std::byte>(512));
  EXPECT_EQ(sector_bytes(7), std::vector<std::byte>(512));
}

TEST_F(memory_block_hooks, crash_loses_unflushed_writes) {
  const auto a = conformance::pattern(512, 1);
  const auto b = conformance::pattern(512, 2);
  ASSERT_OK(run(dev_->write(sector(1), a)));
  ASSERT_OK(run(dev_->flush()));
  ASSERT_OK(run(dev_->write(sector(1), b)));
  ASSERT_OK(run(dev_->write(sector(2), b)));
  EXPECT_EQ(dev_->unflushed_sectors(), 2u);
  dev_->crash(memory_block::crash_mode::lose_unflushed);
  EXPECT_EQ(sector_bytes(1), a);
  EXPECT_EQ(sector_bytes(2), std::vector<std::byte>(512));
  EXPECT_EQ(dev_->unflushed_sectors(), 0u);
}

TEST_F(memory_block_hooks, crash_tears_unflushed_writes_per_sector_and_replays) {
  const auto data = conformance::pattern(std::size_t{16} * 512, 3);
  auto crash_with = [&](std::uint64_t seed) {
    memory_block_options options;
    options.sector_count = 16;
    options.volatile_cache = true;
    auto b = memory_block::create(options);
    EXPECT_TRUE(b.has_value());
    EXPECT_TRUE(run(b->write(sector(0), data)).has_value());
    b->crash(memory_block::crash_mode::tear_unflushed, seed);
    std::vector<bool> kept;
    for (std::size_t s = 0; s < 16; ++s) {
      auto bytes = b->contents().subspan(s * 512, 512);
      const bool is_new = std::equal(bytes.begin(), bytes.end(),
                                     data.begin() + static_cast<std::ptrdiff_t>(s * 512));
      const bool is_old =
          std::all_of(bytes.begin(), bytes.end(), [](std::byte x) { return x == std::byte{0}; });
      EXPECT_TRUE(is_new || is_old) << "sector " << s << " is neither old nor new";
      kept.push_back(is_new);
    }
    return kept;
  };
  const auto first = crash_with(42);
  EXPECT_EQ(crash_with(42), first);  // the seed replays the crash
  EXPECT_NE(std::count(first.begin(), first.end(), true), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), false), 0);
}

task<result<void>> overlapping_writes(engine& e, memory_block& dev,
                                      const std::vector<std::byte>& data) {
  task_set set(e, "writers");
  for (std::size_t i = 0; i < 8; ++i) {
    auto spawned = set.spawn(dev.write(sector(i), std::span(data).subspan(i * 512, 512)));
    if (!spawned) co_return spawned.error();
  }
  co_await set.join();
  co_return ok();
}

TEST(memory_block_latency, requests_overlap_in_time) {
  sim_platform p;
  engine e(p);
  memory_block_options options;
  options.sector_count = 8;
  options.latency_engine = &e;
  options.latency = 10ms;
  auto dev = memory_block::create(options);
  ASSERT_OK(dev);
  const auto data = conformance::pattern(std::size_t{8} * 512, 4);
  const mono_time start = e.now();
  ASSERT_OK(e.run(overlapping_writes(e, *dev, data)));
  // Eight requests in flight at once: 10ms in all, not 80ms.
  EXPECT_EQ(e.now() - start, 10ms);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), dev->contents().begin()));
}

}  // namespace
}  // namespace atl::conformance
