// block_conformance: the block contract (devices/include/atoll/devices/block.hpp)
// as a typed suite.
//
// Factory:
//   using device_type = ...;                        // meets atl::block
//   device_type* make(engine& e, const block_info& shape);
//       a writable device of exactly that shape (sector_size, sector_count),
//       or nullptr after reporting a test failure
//   device_type* make_read_only(engine& e, const block_info& shape);
//       a read-only device of that shape
#pragma once

#include "harness.hpp"
#include <atoll/core/task_set.hpp>
#include <atoll/devices/block.hpp>

#include <cstdint>
#include <vector>

namespace atl::conformance {

template <block B>
task<result<std::vector<std::byte>>> read_sectors(B& dev, sector first, std::size_t count) {
  std::vector<std::byte> out(count * dev.info().sector_size);
  auto r = co_await dev.read(first, out);
  if (!r) co_return r.error();
  co_return out;
}

template <block B>
task<result<void>> write_then_flush(B& dev, sector first, std::span<const std::byte> data) {
  auto w = co_await dev.write(first, data);
  if (!w) co_return w.error();
  auto f = co_await dev.flush();
  co_return f;
}

template <block B>
task<result<void>> concurrent_writes(engine& e, B& dev, std::vector<std::vector<std::byte>>& data) {
  task_set writers(e, "block conformance");
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto spawned = writers.spawn(dev.write(sector(2 * i), data[i]));
    if (!spawned) co_return spawned.error();
  }
  co_await writers.join();
  if (writers.failed() != 0) co_return error(errc::io_error, "a concurrent write failed");
  co_return ok();
}

template <class Factory>
class block_conformance : public engine_fixture<Factory> {
protected:
  static constexpr block_info shape{512, 64, false};
};

TYPED_TEST_SUITE_P(block_conformance);

TYPED_TEST_P(block_conformance, info_describes_the_device) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  const block_info info = dev->info();
  EXPECT_EQ(info.sector_size, 512u);
  EXPECT_EQ(info.sector_count, 64u);
  EXPECT_FALSE(info.read_only);
  EXPECT_EQ(dev->info(), info);
}

TYPED_TEST_P(block_conformance, other_sector_sizes) {
  auto* dev = this->factory_.make(this->engine_, block_info{4096, 8, false});
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->info().sector_size, 4096u);
  const auto data = pattern(std::size_t{4096} * 2, 7);
  ASSERT_OK(this->run(dev->write(sector(6), data)));
  auto back = this->run(read_sectors(*dev, sector(6), 2));
  ASSERT_OK(back);
  EXPECT_EQ(*back, data);
  EXPECT_ERRC(this->run(dev->write(sector(0), std::span(data).first(512))), errc::invalid_argument);
}

TYPED_TEST_P(block_conformance, reads_back_what_was_written) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  const auto one = pattern(512, 1);
  const auto three = pattern(std::size_t{3} * 512, 2);
  ASSERT_OK(this->run(dev->write(sector(0), one)));
  ASSERT_OK(this->run(dev->write(sector(10), three)));
  auto first = this->run(read_sectors(*dev, sector(0), 1));
  ASSERT_OK(first);
  EXPECT_EQ(*first, one);
  auto middle = this->run(read_sectors(*dev, sector(10), 3));
  ASSERT_OK(middle);
  EXPECT_EQ(*middle, three);
  // A read that spans written sectors starts at any of them.
  auto part = this->run(read_sectors(*dev, sector(11), 2));
  ASSERT_OK(part);
  EXPECT_TRUE(std::equal(part->begin(), part->end(), three.begin() + 512));
}

TYPED_TEST_P(block_conformance, last_sector_is_usable) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  const auto data = pattern(512, 3);
  ASSERT_OK(this->run(dev->write(sector(63), data)));
  auto back = this->run(read_sectors(*dev, sector(63), 1));
  ASSERT_OK(back);
  EXPECT_EQ(*back, data);
  auto whole = this->run(read_sectors(*dev, sector(0), 64));
  ASSERT_OK(whole);
}

TYPED_TEST_P(block_conformance, writes_leave_neighbours_alone) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  const auto before = pattern(std::size_t{3} * 512, 4);
  ASSERT_OK(this->run(dev->write(sector(20), before)));
  const auto middle = pattern(512, 5);
  ASSERT_OK(this->run(dev->write(sector(21), middle)));
  auto back = this->run(read_sectors(*dev, sector(20), 3));
  ASSERT_OK(back);
  EXPECT_TRUE(std::equal(back->begin(), back->begin() + 512, before.begin()));
  EXPECT_TRUE(std::equal(back->begin() + 512, back->begin() + 1024, middle.begin()));
  EXPECT_TRUE(std::equal(back->begin() + 1024, back->end(), before.begin() + 1024));
}

TYPED_TEST_P(block_conformance, unaligned_and_empty_buffers_are_refused) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  std::vector<std::byte> odd(513), small(100), none;
  EXPECT_ERRC(this->run(dev->read(sector(0), odd)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->read(sector(0), small)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->read(sector(0), none)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->write(sector(0), odd)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->write(sector(0), none)), errc::invalid_argument);
}

TYPED_TEST_P(block_conformance, requests_past_the_end_are_refused_and_change_nothing) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  const auto last = pattern(512, 6);
  ASSERT_OK(this->run(dev->write(sector(63), last)));
  const auto two = pattern(1024, 7);
  EXPECT_ERRC(this->run(dev->write(sector(63), two)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->write(sector(64), last)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->write(sector(UINT64_MAX), last)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->write(sector(UINT64_MAX / 512), two)), errc::invalid_argument);
  std::vector<std::byte> buf2(1024);
  EXPECT_ERRC(this->run(dev->read(sector(63), buf2)), errc::invalid_argument);
  EXPECT_ERRC(this->run(dev->read(sector(UINT64_MAX), std::span(buf2).first(512))),
              errc::invalid_argument);
  auto back = this->run(read_sectors(*dev, sector(63), 1));
  ASSERT_OK(back);
  EXPECT_EQ(*back, last);
}

TYPED_TEST_P(block_conformance, flush_succeeds_and_keeps_data) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  ASSERT_OK(this->run(dev->flush()));
  const auto data = pattern(2048, 8);
  ASSERT_OK(this->run(write_then_flush(*dev, sector(5), data)));
  ASSERT_OK(this->run(dev->flush()));
  auto back = this->run(read_sectors(*dev, sector(5), 4));
  ASSERT_OK(back);
  EXPECT_EQ(*back, data);
}

TYPED_TEST_P(block_conformance, read_only_device_refuses_writes) {
  auto* dev = this->factory_.make_read_only(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  EXPECT_TRUE(dev->info().read_only);
  EXPECT_EQ(dev->info().sector_count, 64u);
  auto back = this->run(read_sectors(*dev, sector(0), 64));
  ASSERT_OK(back);
  const auto data = pattern(512, 9);
  EXPECT_ERRC(this->run(dev->write(sector(0), data)), errc::permission_denied);
  ASSERT_OK(this->run(dev->flush()));
  auto again = this->run(read_sectors(*dev, sector(0), 64));
  ASSERT_OK(again);
  EXPECT_EQ(*again, *back);
}

TYPED_TEST_P(block_conformance, several_requests_in_flight) {
  auto* dev = this->factory_.make(this->engine_, this->shape);
  ASSERT_NE(dev, nullptr);
  std::vector<std::vector<std::byte>> data;
  for (unsigned i = 0; i < 8; ++i) data.push_back(pattern(std::size_t{2} * 512, 20 + i));
  ASSERT_OK(this->run(concurrent_writes(this->engine_, *dev, data)));
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto back = this->run(read_sectors(*dev, sector(2 * i), 2));
    ASSERT_OK(back);
    EXPECT_EQ(*back, data[i]) << "writer " << i;
  }
}

REGISTER_TYPED_TEST_SUITE_P(block_conformance, info_describes_the_device, other_sector_sizes,
                            reads_back_what_was_written, last_sector_is_usable,
                            writes_leave_neighbours_alone, unaligned_and_empty_buffers_are_refused,
                            requests_past_the_end_are_refused_and_change_nothing,
                            flush_succeeds_and_keeps_data, read_only_device_refuses_writes,
                            several_requests_in_flight);

}  // namespace atl::conformance
