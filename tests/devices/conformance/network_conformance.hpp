// network_conformance: the network contract (devices/include/atoll/devices/
// network.hpp) as a typed suite over a pair of connected endpoints.
//
// Factory:
//   using device_type = ...;                      // meets atl::network
//   atl::engine& loop();                          // the engine the devices run on
//   std::array<device_type*, 2> make_pair();      // two endpoints, each hearing the
//       unicast frames the other sends to its mac(); {nullptr, nullptr} after
//       reporting a test failure, or after GTEST_SKIP when it cannot run here
//
// The endpoints may sit on a real network (TAP devices on a Linux bridge) that
// carries other traffic: the suite marks its frames (EtherType 0x88b5, IEEE's
// local experimental type, and a magic number) and skips foreign ones, while
// still checking that every frame receive() returned was counted. A frame is
// awaited for at most two seconds of the engine's time.
#pragma once

#include "harness.hpp"
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/network.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace atl::conformance {

inline constexpr std::uint16_t test_ether_type = 0x88b5;
inline constexpr std::uint32_t test_magic = 0x61746c6c;  // "atll"
inline constexpr std::size_t test_frame_minimum = 60;    // Ethernet's minimum without FCS

/// test_frame(to, from, seq, size, segments): a marked frame of exactly
/// `size` bytes (at least 26), split into `segments` bufs (1 to 4).
inline bufs test_frame(mac_addr to, mac_addr from, std::uint32_t seq, std::size_t size,
                       std::size_t segments = 2) {
  auto whole = buf::allocate(size);
  EXPECT_TRUE(whole);
  buf f = std::move(*whole);
  to.write(f, 0);
  from.write(f, 6);
  f.set_u16(12, test_ether_type);
  f.set_u32(14, test_magic);
  f.set_u32(18, seq);
  f.set_u32(22, static_cast<std::uint32_t>(size));
  const auto body = pattern(size - 26, seq);
  EXPECT_TRUE(f.fill(26, body));
  bufs out;
  // Cut points: the Ethernet header alone, then odd-sized payload pieces.
  std::size_t at = 0;
  for (std::size_t i = 0; i < segments; ++i) {
    std::size_t end = size;
    if (i + 1 < segments) end = i == 0 ? ethernet_header_size : std::min(size, at + 7 + 13 * i);
    auto piece = f.sub(at, end - at);
    EXPECT_TRUE(piece);
    EXPECT_TRUE(out.push_back(*piece));
    at = end;
  }
  return out;
}

/// test_frame_seq(frame): the sequence number of a marked frame, or -1 for
/// a foreign one.
inline std::int64_t test_frame_seq(const buf& frame) {
  auto type = frame.read_u16(12);
  auto magic = frame.read_u32(14);
  auto seq = frame.read_u32(18);
  if (!type || *type != test_ether_type || !magic || *magic != test_magic || !seq) return -1;
  return *seq;
}

/// received: what one receiving side saw, foreign frames included.
struct received {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
};

template <network N>
task<result<rx_frame>> next_test_frame(N& dev, received& seen) {
  for (;;) {
    auto got = co_await dev.receive();
    if (!got) co_return got.error();
    ++seen.frames;
    seen.bytes += got->frame.size();
    if (test_frame_seq(got->frame) >= 0) co_return std::move(*got);
  }
}

/// expect_frame(e, dev, seen): the next marked frame, or errc::timed_out
/// after two seconds.
template <network N>
task<result<rx_frame>> expect_frame(engine& e, N& dev, received& seen) {
  auto got = co_await with_timeout(e, 2s, next_test_frame(dev, seen));
  co_return got;
}

template <network N>
task<result<void>> send(N& dev, bufs frame) {
  auto sent = co_await dev.write(std::move(frame));
  co_return sent;
}

template <class Factory>
class network_conformance : public ::testing::Test {
protected:
  void SetUp() override {
    const auto pair = factory_.make_pair();
    if (IsSkipped()) return;  // the factory cannot run here, and said why
    a_ = pair[0];
    b_ = pair[1];
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }
  template <class T>
  T run(task<T> t) {
    return factory_.loop().run(std::move(t));
  }
  engine& loop() { return factory_.loop(); }

  /// sends a frame from `from` to `to` and checks it arrives intact.
  template <class D>
  void check_delivery(D& from, D& to, std::uint32_t seq, std::size_t size, std::size_t segments) {
    const bufs frame = test_frame(to.mac(), from.mac(), seq, size, segments);
    auto expected = frame.flatten();
    ASSERT_OK(expected);
    ASSERT_OK(run(send(from, frame)));
    received seen;
    auto got = run(expect_frame(loop(), to, seen));
    ASSERT_OK(got);
    EXPECT_EQ(test_frame_seq(got->frame), seq);
    ASSERT_EQ(got->frame.size(), size);
    EXPECT_EQ(text(got->frame.bytes()), text(expected->bytes())) << "frame of " << size;
  }

  Factory factory_;
  typename Factory::device_type* a_ = nullptr;
  typename Factory::device_type* b_ = nullptr;
};

TYPED_TEST_SUITE_P(network_conformance);

TYPED_TEST_P(network_conformance, identity_is_stable) {
  const mac_addr a = this->a_->mac();
  const mac_addr b = this->b_->mac();
  EXPECT_TRUE(a.is_unicast()) << a.text().view();
  EXPECT_TRUE(b.is_unicast()) << b.text().view();
  EXPECT_NE(a, b);
  EXPECT_EQ(this->a_->mac(), a);
  EXPECT_GE(this->a_->mtu(), 68u);  // the least that IPv4 allows
  EXPECT_EQ(this->a_->mtu(), this->a_->mtu());
}

TYPED_TEST_P(network_conformance, frames_travel_both_ways) {
  this->check_delivery(*this->a_, *this->b_, 1, 100, 2);
  this->check_delivery(*this->b_, *this->a_, 2, 100, 2);
}

TYPED_TEST_P(network_conformance, every_size_up_to_the_mtu) {
  const std::size_t largest = this->a_->mtu() + ethernet_header_size;
  std::uint32_t seq = 10;
  for (std::size_t size : {test_frame_minimum, test_frame_minimum + 1, std::size_t{128},
                           std::size_t{577}, largest / 2, largest - 1, largest}) {
    this->check_delivery(*this->a_, *this->b_, seq++, size, 2);
    this->check_delivery(*this->b_, *this->a_, seq++, size, 1);
  }
}

TYPED_TEST_P(network_conformance, scatter_gather_frames_arrive_whole) {
  this->check_delivery(*this->a_, *this->b_, 30, 200, 4);
  this->check_delivery(*this->a_, *this->b_, 31, this->a_->mtu() + ethernet_header_size, 3);
}

TYPED_TEST_P(network_conformance, oversize_and_runt_frames_are_rejected) {
  const network_stats before = this->a_->stats();
  const std::size_t too_big = this->a_->mtu() + ethernet_header_size + 1;
  EXPECT_ERRC(this->run(send(*this->a_, test_frame(this->b_->mac(), this->a_->mac(), 40, too_big))),
              errc::invalid_argument);
  auto runt = buf::allocate(ethernet_header_size - 1);
  ASSERT_OK(runt);
  EXPECT_ERRC(this->run(send(*this->a_, bufs(*runt))), errc::invalid_argument);
  EXPECT_ERRC(this->run(send(*this->a_, bufs())), errc::invalid_argument);
  const network_stats after = this->a_->stats();
  EXPECT_EQ(after.tx_packets, before.tx_packets);
  EXPECT_EQ(after.tx_bytes, before.tx_bytes);
  // The device still works.
  this->check_delivery(*this->a_, *this->b_, 41, 100, 1);
}

TYPED_TEST_P(network_conformance, stats_count_frames_and_bytes) {
  const network_stats a0 = this->a_->stats();
  const network_stats b0 = this->b_->stats();
  constexpr std::uint32_t count = 10;
  std::uint64_t sent_bytes = 0;
  received seen;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t size = test_frame_minimum + std::size_t{37} * i;
    sent_bytes += size;
    ASSERT_OK(
        this->run(send(*this->a_, test_frame(this->b_->mac(), this->a_->mac(), 50 + i, size))));
    auto got = this->run(expect_frame(this->loop(), *this->b_, seen));
    ASSERT_OK(got);
    EXPECT_EQ(test_frame_seq(got->frame), 50 + i);
  }
  const network_stats a1 = this->a_->stats();
  const network_stats b1 = this->b_->stats();
  EXPECT_EQ(a1.tx_packets - a0.tx_packets, count);
  EXPECT_EQ(a1.tx_bytes - a0.tx_bytes, sent_bytes);
  // Every frame receive() returned is counted, foreign ones too.
  EXPECT_GE(seen.frames, count);
  EXPECT_EQ(b1.rx_packets - b0.rx_packets, seen.frames);
  EXPECT_EQ(b1.rx_bytes - b0.rx_bytes, seen.bytes);
  EXPECT_EQ(a1.tx_errors, a0.tx_errors);
}

template <network N>
task<result<void>> send_burst(N& from, mac_addr to, std::uint32_t first, std::uint32_t count) {
  for (std::uint32_t i = 0; i < count; ++i) {
    auto sent = co_await from.write(test_frame(to, from.mac(), first + i, 300 + i));
    if (!sent) co_return sent.error();
  }
  co_return ok();
}

TYPED_TEST_P(network_conformance, a_burst_arrives_in_order) {
  constexpr std::uint32_t count = 64;
  ASSERT_OK(this->run(send_burst(*this->a_, this->b_->mac(), 100, count)));
  received seen;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto got = this->run(expect_frame(this->loop(), *this->b_, seen));
    ASSERT_OK(got);
    ASSERT_EQ(test_frame_seq(got->frame), 100 + i);
    EXPECT_EQ(got->frame.size(), 300 + i);
  }
}

template <network N>
task<result<void>> concurrent_sends(engine& e, N& from, mac_addr to, std::uint32_t first,
                                    std::uint32_t count) {
  task_set writers(e, "network conformance");
  for (std::uint32_t i = 0; i < count; ++i) {
    auto spawned = writers.spawn(from.write(test_frame(to, from.mac(), first + i, 500)));
    if (!spawned) co_return spawned.error();
  }
  co_await writers.join();
  if (writers.failed() != 0) co_return error(errc::io_error, "a concurrent write failed");
  co_return ok();
}

TYPED_TEST_P(network_conformance, concurrent_writes_all_arrive) {
  constexpr std::uint32_t count = 16;
  ASSERT_OK(this->run(concurrent_sends(this->loop(), *this->a_, this->b_->mac(), 200, count)));
  std::vector<int> arrived(count, 0);
  received seen;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto got = this->run(expect_frame(this->loop(), *this->b_, seen));
    ASSERT_OK(got);
    const std::int64_t seq = test_frame_seq(got->frame);
    ASSERT_GE(seq, 200);
    ASSERT_LT(seq, 200 + count);
    ++arrived[static_cast<std::size_t>(seq - 200)];
  }
  for (std::uint32_t i = 0; i < count; ++i) EXPECT_EQ(arrived[i], 1) << "frame " << 200 + i;
}

template <network N>
task<result<rx_frame>> receive_with_timeout(engine& e, N& dev, duration d) {
  auto got = co_await with_timeout(e, d, dev.receive());
  co_return got;
}

TYPED_TEST_P(network_conformance, a_cancelled_receive_loses_nothing) {
  // Nothing was sent: the receive is cancelled by its deadline...
  auto idle = this->run(receive_with_timeout(this->loop(), *this->b_, 50ms));
  for (int foreign = 0; foreign < 100 && idle && test_frame_seq(idle->frame) < 0; ++foreign) {
    idle = this->run(receive_with_timeout(this->loop(), *this->b_, 50ms));  // other traffic
  }
  EXPECT_ERRC(idle, errc::timed_out);
  // ...and the device still delivers the next frame.
  this->check_delivery(*this->a_, *this->b_, 300, 90, 2);
}

REGISTER_TYPED_TEST_SUITE_P(network_conformance, identity_is_stable, frames_travel_both_ways,
                            every_size_up_to_the_mtu, scatter_gather_frames_arrive_whole,
                            oversize_and_runt_frames_are_rejected, stats_count_frames_and_bytes,
                            a_burst_arrives_in_order, concurrent_writes_all_arrive,
                            a_cancelled_receive_loses_nothing);

}  // namespace atl::conformance
