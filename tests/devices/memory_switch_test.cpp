// memory_switch: the network conformance suite over its ports (on the fast
// path and on the timed path), then learning, flooding and every link fault,
// on virtual time so arrival times are exact and runs replay from a seed.
#include "conformance/network_conformance.hpp"
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/devices/memory_switch.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

namespace atl::conformance {

/// switch_pair: two ports of one switch; `Timed` puts a delay and a
/// bandwidth limit on both links so every frame takes the timer path.
template <bool Timed>
struct switch_pair {
  using device_type = memory_switch::port;
  engine& loop() { return engine_; }
  std::array<device_type*, 2> make_pair() {
    link_config link;
    if (Timed) {
      link.delay = 250us;
      link.bandwidth = 1'000'000'000;
    }
    auto a = switch_.add_port(link);
    auto b = switch_.add_port(link);
    EXPECT_TRUE(a && b);
    if (!a || !b) return {nullptr, nullptr};
    return {*a, *b};
  }
  sim_platform platform_;
  engine engine_{platform_};
  memory_switch switch_{engine_};
};

using switch_factories = ::testing::Types<switch_pair<false>, switch_pair<true>>;
INSTANTIATE_TYPED_TEST_SUITE_P(memory_switch, network_conformance, switch_factories);

}  // namespace atl::conformance

namespace atl {
namespace {

using conformance::test_frame;
using conformance::test_frame_seq;
using port = memory_switch::port;

/// arrival: one received frame and when.
struct arrival {
  std::int64_t seq = -1;
  mono_time at{};
  std::size_t size = 0;
};

task<result<void>> send_one(port& from, mac_addr to, std::uint32_t seq, std::size_t size) {
  auto sent = co_await from.write(test_frame(to, from.mac(), seq, size));
  co_return sent;
}

task<result<void>> send_many(port& from, mac_addr to, std::uint32_t count, std::size_t size) {
  for (std::uint32_t i = 0; i < count; ++i) {
    auto sent = co_await from.write(test_frame(to, from.mac(), i, size));
    if (!sent) co_return sent.error();
  }
  co_return ok();
}

/// send_spaced: `count` frames, one every `gap`.
task<result<void>> send_spaced(engine& e, port& from, mac_addr to, std::uint32_t count,
                               duration gap) {
  for (std::uint32_t i = 0; i < count; ++i) {
    auto sent = co_await from.write(test_frame(to, from.mac(), i, 100));
    if (!sent) co_return sent.error();
    co_await e.sleep_for(gap);
  }
  co_return ok();
}

/// take: every frame already queued at `p` (receive() completes at once).
task<std::vector<arrival>> take(engine& e, port& p) {
  std::vector<arrival> out;
  while (p.queued() != 0 && !p.closed()) {
    auto got = co_await p.receive();
    if (!got) break;
    out.push_back(arrival{test_frame_seq(got->frame), e.now(), got->frame.size()});
  }
  co_return out;
}

/// collect: the next `count` frames at `p`, with their arrival times.
task<result<std::vector<arrival>>> collect(engine& e, port& p, std::size_t count) {
  std::vector<arrival> out;
  for (std::size_t i = 0; i < count; ++i) {
    auto got = co_await with_timeout(e, 10s, p.receive());
    if (!got) co_return got.error();
    out.push_back(arrival{test_frame_seq(got->frame), e.now(), got->frame.size()});
  }
  co_return out;
}

class memory_switch_test : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  port& add(const link_config& link = {}, const port_options& options = {}) {
    auto p = switch_->add_port(link, options);
    EXPECT_TRUE(p) << p.error().message();
    return **p;
  }
  std::vector<arrival> drain(port& p) { return run(take(engine_, p)); }
  void settle() {
    // One engine turn: spawned delivery tasks start.
    run([](engine& e) -> task<void> { co_await e.yield_now(); }(engine_));
  }

  sim_platform platform_;
  engine engine_{platform_};
  std::unique_ptr<memory_switch> switch_ = std::make_unique<memory_switch>(engine_);
};

TEST_F(memory_switch_test, ports_are_bounded_and_validated) {
  memory_switch small(engine_, switch_config{.max_ports = 2});
  ASSERT_TRUE(small.add_port());
  ASSERT_TRUE(small.add_port());
  EXPECT_ERRC(small.add_port(), errc::limit_exceeded);
  link_config tiny;
  tiny.mtu = 67;
  EXPECT_ERRC(switch_->add_port(tiny), errc::invalid_argument);
  port_options group;
  group.mac = mac_addr::broadcast();
  EXPECT_ERRC(switch_->add_port({}, group), errc::invalid_argument);
  port& a = add();
  port& b = add();
  EXPECT_NE(a.mac(), b.mac());
  EXPECT_EQ(a.mtu(), 1500u);
}

TEST_F(memory_switch_test, learns_sources_and_floods_the_unknown) {
  port& a = add();
  port& b = add();
  port& c = add();
  // B is unknown yet: the frame goes to B and C.
  ASSERT_OK(run(send_one(a, b.mac(), 1, 100)));
  EXPECT_EQ(switch_->flooded(), 1u);
  ASSERT_OK(switch_->learned(a.mac()));
  EXPECT_EQ(*switch_->learned(a.mac()), 0u);
  EXPECT_ERRC(switch_->learned(b.mac()), errc::not_found);
  EXPECT_EQ(b.queued(), 1u);
  EXPECT_EQ(c.queued(), 1u);
  (void)drain(b);
  (void)drain(c);
  // A is known: B's reply goes to A alone, and teaches the switch B's port.
  ASSERT_OK(run(send_one(b, a.mac(), 2, 100)));
  EXPECT_EQ(a.queued(), 1u);
  EXPECT_EQ(c.queued(), 0u);
  EXPECT_EQ(switch_->flooded(), 1u);
  ASSERT_OK(run(send_one(a, b.mac(), 3, 100)));
  EXPECT_EQ(b.queued(), 1u);
  EXPECT_EQ(c.queued(), 0u);
  // Broadcast reaches everyone else, each with its own bytes.
  ASSERT_OK(run(send_one(c, mac_addr::broadcast(), 4, 100)));
  EXPECT_EQ(switch_->flooded(), 2u);
  auto at_a = run(a.receive());
  (void)run(a.receive());
  (void)run(b.receive());
  auto at_b = run(b.receive());
  ASSERT_OK(at_a);
  ASSERT_OK(at_b);
  EXPECT_EQ(test_frame_seq(at_b->frame), 4);
  EXPECT_FALSE(at_a->frame.shares_block(at_b->frame));
  EXPECT_EQ(c.queued(), 0u);
  // Entries age: after mac_aging, A is unknown again and frames flood.
  platform_.advance(301s);
  EXPECT_ERRC(switch_->learned(a.mac()), errc::not_found);
  ASSERT_OK(run(send_one(b, a.mac(), 5, 100)));
  EXPECT_EQ(a.queued(), 1u);
  EXPECT_EQ(c.queued(), 1u);
}

TEST_F(memory_switch_test, the_mac_table_is_bounded) {
  switch_ = std::make_unique<memory_switch>(engine_, switch_config{.mac_table_size = 2});
  port& a = add();
  port& b = add();
  for (std::uint8_t i = 1; i <= 3; ++i) {
    const mac_addr source(mac_addr::octets_type{0x02, 0, 0, 0, 0x10, i});
    ASSERT_OK(run([](port& p, mac_addr to, mac_addr from) -> task<result<void>> {
      auto sent = co_await p.write(test_frame(to, from, 0, 64));
      co_return sent;
    }(a, b.mac(), source)));
    platform_.advance(1s);
  }
  EXPECT_EQ(switch_->mac_evictions(), 1u);
  EXPECT_ERRC(switch_->learned(mac_addr(mac_addr::octets_type{0x02, 0, 0, 0, 0x10, 1})),
              errc::not_found);
  ASSERT_OK(switch_->learned(mac_addr(mac_addr::octets_type{0x02, 0, 0, 0, 0x10, 3})));
}

/// lossy_run(seed): the sequence numbers that got through a 10% lossy link.
std::vector<std::int64_t> lossy_run(std::uint64_t seed, std::uint64_t& lost) {
  sim_platform platform;
  engine e(platform);
  memory_switch sw(e, switch_config{.seed = seed});
  link_config lossy;
  lossy.loss = 0.1;
  lossy.queue_frames = 20'000;
  auto a = sw.add_port();
  auto b = sw.add_port(lossy);
  EXPECT_TRUE(a && b);
  EXPECT_TRUE(e.run(send_many(**a, (*b)->mac(), 10'000, 60)));
  std::vector<std::int64_t> seqs;
  for (const arrival& got : e.run(take(e, **b))) seqs.push_back(got.seq);
  lost = (*b)->faults().lost;
  EXPECT_EQ((*b)->stats().rx_drops, lost);
  EXPECT_EQ((*a)->stats().tx_packets, 10'000u);
  return seqs;
}

TEST(memory_switch_faults, loss_rate_is_close_and_replays_from_the_seed) {
  std::uint64_t lost = 0;
  const auto first = lossy_run(42, lost);
  // 10% of 10,000: the standard deviation is 30 frames; allow 4 of them.
  EXPECT_NEAR(static_cast<double>(lost), 1000.0, 120.0);
  EXPECT_EQ(first.size() + lost, 10'000u);
  for (std::size_t i = 1; i < first.size(); ++i) ASSERT_LT(first[i - 1], first[i]);
  std::uint64_t lost_again = 0;
  EXPECT_EQ(lossy_run(42, lost_again), first);
  EXPECT_EQ(lost_again, lost);
  std::uint64_t lost_other = 0;
  EXPECT_NE(lossy_run(43, lost_other), first);
}

TEST_F(memory_switch_test, duplicates_arrive_twice_in_a_row) {
  link_config twice;
  twice.duplicate = 0.5;
  twice.queue_frames = 4000;
  port& a = add();
  port& b = add(twice);
  ASSERT_OK(run(send_many(a, b.mac(), 1000, 80)));
  const auto got = drain(b);
  const std::uint64_t duplicated = b.faults().duplicated;
  EXPECT_NEAR(static_cast<double>(duplicated), 500.0, 80.0);
  ASSERT_EQ(got.size(), 1000 + duplicated);
  std::size_t repeats = 0;
  std::int64_t expected = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (i > 0 && got[i].seq == got[i - 1].seq) {
      ++repeats;
      continue;
    }
    ASSERT_EQ(got[i].seq, expected++);
  }
  EXPECT_EQ(repeats, duplicated);
  EXPECT_EQ(b.stats().rx_packets, got.size());
}

TEST_F(memory_switch_test, a_reordered_frame_is_overtaken) {
  link_config shuffle;
  shuffle.reorder = 1.0;
  shuffle.reorder_hold = 3ms;
  port& a = add();
  port& b = add(shuffle);
  settle();
  const mono_time t0 = engine_.now();
  ASSERT_OK(run(send_one(a, b.mac(), 1, 100)));  // held back
  shuffle.reorder = 0.0;
  b.set_link(shuffle);
  ASSERT_OK(run(send_one(a, b.mac(), 2, 100)));  // overtakes it
  auto got = run(collect(engine_, b, 2));
  ASSERT_OK(got);
  EXPECT_EQ((*got)[0].seq, 2);
  EXPECT_EQ((*got)[0].at, t0);
  EXPECT_EQ((*got)[1].seq, 1);
  EXPECT_EQ((*got)[1].at, t0 + 3ms);
  EXPECT_EQ(b.faults().reordered, 1u);
}

TEST_F(memory_switch_test, some_frames_reordered_the_rest_in_order) {
  link_config shuffle;
  shuffle.reorder = 0.3;
  shuffle.reorder_hold = 1ms;
  port& a = add();
  port& b = add(shuffle);
  settle();
  ASSERT_OK(run(send_many(a, b.mac(), 100, 64)));
  auto got = run(collect(engine_, b, 100));
  ASSERT_OK(got);
  const std::uint64_t held = b.faults().reordered;
  EXPECT_GT(held, 10u);
  EXPECT_LT(held, 60u);
  // The frames not held come first, in order, then the held ones, in order.
  for (std::size_t i = 1; i < got->size(); ++i) {
    if (i == 100 - held) continue;
    EXPECT_LT((*got)[i - 1].seq, (*got)[i].seq) << i;
  }
  EXPECT_GT((*got)[100 - held - 1].seq, (*got)[100 - held].seq);
}

TEST_F(memory_switch_test, delay_is_exact_on_virtual_time) {
  link_config slow;
  slow.delay = 10ms;
  port& a = add();
  port& b = add(slow);
  settle();
  const mono_time t0 = engine_.now();
  ASSERT_OK(run(send_one(a, b.mac(), 1, 100)));
  auto got = run(collect(engine_, b, 1));
  ASSERT_OK(got);
  EXPECT_EQ((*got)[0].at, t0 + 10ms);
  EXPECT_EQ(b.faults().delayed, 1u);
  EXPECT_EQ(a.faults().delayed, 0u);  // A's link shapes B -> A only
}

/// jitter_run(seed): arrival times of 50 frames sent 1 ms apart over a link
/// of 10 ms delay and 5 ms jitter.
std::vector<mono_time> jitter_run(std::uint64_t seed) {
  sim_platform platform;
  engine e(platform);
  memory_switch sw(e, switch_config{.seed = seed});
  link_config link;
  link.delay = 10ms;
  link.jitter = 5ms;
  auto a = sw.add_port();
  auto b = sw.add_port(link);
  EXPECT_TRUE(a && b);
  const mono_time t0 = e.now();
  auto both = e.run([](engine& eng, port& from,
                       port& to) -> task<std::tuple<result<void>, result<std::vector<arrival>>>> {
    auto r = co_await all(send_spaced(eng, from, to.mac(), 50, 1ms), collect(eng, to, 50));
    co_return r;
  }(e, **a, **b));
  auto& got = std::get<1>(both);
  EXPECT_TRUE(std::get<0>(both));
  EXPECT_TRUE(got);
  std::vector<mono_time> times(50);
  bool overtaken = false;
  for (std::size_t i = 0; got && i < got->size(); ++i) {
    const arrival& r = (*got)[i];
    const mono_time sent = t0 + std::chrono::milliseconds(r.seq);
    EXPECT_GE(r.at, sent + 10ms) << r.seq;
    EXPECT_LT(r.at, sent + 15ms) << r.seq;
    times[static_cast<std::size_t>(r.seq)] = r.at;
    if (i > 0 && r.seq < (*got)[i - 1].seq) overtaken = true;
  }
  EXPECT_TRUE(overtaken) << "5 ms of jitter on 1 ms spacing reorders some frames";
  return times;
}

TEST(memory_switch_faults, jitter_stays_in_range_and_replays) {
  const auto first = jitter_run(7);
  EXPECT_EQ(jitter_run(7), first);
  EXPECT_NE(jitter_run(8), first);
}

TEST_F(memory_switch_test, bandwidth_serializes_frames) {
  link_config thin;
  thin.bandwidth = 1'000'000;  // a 125-byte frame takes 1 ms
  thin.delay = 2ms;
  port& a = add();
  port& b = add(thin);
  settle();
  const mono_time t0 = engine_.now();
  ASSERT_OK(run(send_many(a, b.mac(), 3, 125)));
  auto got = run(collect(engine_, b, 3));
  ASSERT_OK(got);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*got)[i].seq, static_cast<std::int64_t>(i));
    EXPECT_EQ((*got)[i].at, t0 + 2ms + std::chrono::milliseconds(i + 1)) << i;
  }
}

TEST_F(memory_switch_test, frames_over_the_link_mtu_are_dropped_and_counted) {
  link_config jumbo;
  jumbo.mtu = 9000;
  port& a = add(jumbo);
  port& b = add();
  ASSERT_OK(run(send_one(a, b.mac(), 1, 1514)));  // fits B
  ASSERT_OK(run(send_one(a, b.mac(), 2, 1515)));  // does not
  EXPECT_EQ(b.faults().mtu_drops, 1u);
  EXPECT_EQ(b.stats().rx_drops, 1u);
  EXPECT_EQ(a.stats().tx_packets, 2u);
  // Lowering the link MTU at run time drops larger frames; mtu() stays.
  link_config narrow;
  narrow.mtu = 500;
  b.set_link(narrow);
  EXPECT_EQ(b.mtu(), 1500u);
  ASSERT_OK(run(send_one(a, b.mac(), 3, 600)));
  ASSERT_OK(run(send_one(a, b.mac(), 4, 514)));
  EXPECT_EQ(b.faults().mtu_drops, 2u);
  const auto got = drain(b);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 1);
  EXPECT_EQ(got[1].seq, 4);
}

TEST_F(memory_switch_test, a_full_queue_drops_the_tail) {
  link_config short_queue;
  short_queue.queue_frames = 4;
  port& a = add();
  port& b = add(short_queue);
  ASSERT_OK(run(send_many(a, b.mac(), 10, 100)));
  EXPECT_EQ(b.faults().queue_drops, 6u);
  EXPECT_EQ(b.stats().rx_drops, 6u);
  auto got = drain(b);
  ASSERT_EQ(got.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(got[i].seq, static_cast<std::int64_t>(i));
  // By bytes: 250 bytes hold two frames of 100.
  link_config few_bytes;
  few_bytes.queue_bytes = 250;
  b.set_link(few_bytes);
  ASSERT_OK(run(send_many(a, b.mac(), 3, 100)));
  EXPECT_EQ(b.queued(), 2u);
  EXPECT_EQ(b.faults().queue_drops, 7u);
}

/// timed_write: writes one frame and records when the write completed.
task<result<void>> timed_write(engine& e, port& from, mac_addr to, std::uint32_t seq,
                               std::vector<std::pair<std::uint32_t, mono_time>>& done) {
  auto sent = co_await from.write(test_frame(to, from.mac(), seq, 100));
  done.emplace_back(seq, e.now());
  co_return sent;
}

TEST_F(memory_switch_test, a_full_transmit_queue_makes_write_wait) {
  link_config two;
  two.tx_queue = 2;
  link_config slow;
  slow.delay = 10ms;
  port& a = add(two);
  port& b = add(slow);
  settle();
  const mono_time t0 = engine_.now();
  std::vector<std::pair<std::uint32_t, mono_time>> done;
  auto got =
      run([](engine& e, port& from, port& to, std::vector<std::pair<std::uint32_t, mono_time>>& log)
              -> task<result<std::vector<arrival>>> {
        task_set writers(e, "writers");
        for (std::uint32_t i = 0; i < 4; ++i) {
          if (!writers.spawn(timed_write(e, from, to.mac(), i, log))) co_return errc::no_memory;
        }
        auto arrived = co_await collect(e, to, 4);
        co_await writers.join();
        co_return arrived;
      }(engine_, a, b, done));
  ASSERT_OK(got);
  ASSERT_EQ(done.size(), 4u);
  // Two fit at once; each further write waits for a frame to land.
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(done[i].first, i);
  EXPECT_EQ(done[0].second, t0);
  EXPECT_EQ(done[1].second, t0);
  EXPECT_EQ(done[2].second, t0 + 10ms);
  EXPECT_EQ(done[3].second, t0 + 10ms);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*got)[i].seq, i);
    EXPECT_EQ((*got)[i].at, t0 + (i < 2 ? 10ms : 20ms)) << i;
  }
  EXPECT_EQ(b.faults().queue_drops, 0u);
}

TEST_F(memory_switch_test, a_cancelled_waiting_write_leaves_the_queue_working) {
  link_config one;
  one.tx_queue = 1;
  link_config slow;
  slow.delay = 10ms;
  port& a = add(one);
  port& b = add(slow);
  settle();
  const mono_time t0 = engine_.now();
  ASSERT_OK(run(send_one(a, b.mac(), 1, 100)));  // fills the transmit queue
  // The next write waits; its deadline cancels it before the queue drains.
  EXPECT_ERRC(run([](engine& e, port& from, mac_addr to) -> task<result<void>> {
                auto r = co_await with_timeout(e, 2ms, send_one(from, to, 2, 100));
                co_return r;
              }(engine_, a, b.mac())),
              errc::timed_out);
  // A later write goes when the first frame lands, and nothing was lost.
  ASSERT_OK(run(send_one(a, b.mac(), 3, 100)));
  EXPECT_EQ(engine_.now(), t0 + 10ms);
  auto got = run(collect(engine_, b, 2));
  ASSERT_OK(got);
  EXPECT_EQ((*got)[0].seq, 1);
  EXPECT_EQ((*got)[1].seq, 3);
  EXPECT_EQ((*got)[1].at, t0 + 20ms);
  EXPECT_EQ(a.stats().tx_packets, 2u);
}

TEST_F(memory_switch_test, a_write_cancelled_after_its_turn_came_passes_it_on) {
  link_config one;
  one.tx_queue = 1;
  link_config slow;
  slow.delay = 10ms;
  port& a = add(one);
  port& b = add(slow);
  settle();
  const mono_time t0 = engine_.now();
  auto failed = run([](engine& e, port& from, mac_addr to) -> task<std::uint64_t> {
    task_set writers(e, "writers");
    (void)co_await send_one(from, to, 1, 100);  // fills the transmit queue
    // Write 2's deadline fires in the same turn as frame 1 lands: its turn
    // has come but it is cancelled before it runs; write 3 must get the turn.
    (void)writers.spawn(with_deadline(e, e.now() + 10ms, send_one(from, to, 2, 100)));
    (void)writers.spawn(send_one(from, to, 3, 100));
    co_await writers.join();
    co_return writers.failed();
  }(engine_, a, b.mac()));
  EXPECT_EQ(failed, 1u);
  auto got = run(collect(engine_, b, 2));
  ASSERT_OK(got);
  EXPECT_EQ((*got)[0].seq, 1);
  EXPECT_EQ((*got)[1].seq, 3);
  EXPECT_EQ((*got)[1].at, t0 + 20ms);
  EXPECT_EQ(b.queued(), 0u);
}

TEST_F(memory_switch_test, a_cut_link_drops_and_a_restored_one_carries) {
  port& a = add();
  port& b = add();
  link_config cut;
  cut.up = false;
  b.set_link(cut);
  ASSERT_OK(run(send_one(a, b.mac(), 1, 100)));
  EXPECT_EQ(b.faults().down_drops, 1u);
  EXPECT_EQ(b.queued(), 0u);
  b.set_link({});
  ASSERT_OK(run(send_one(a, b.mac(), 2, 100)));
  auto got = drain(b);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 2);
  // The sender's own cable out: the write succeeds, the frame is a tx_drop.
  a.set_link(cut);
  ASSERT_OK(run(send_one(a, b.mac(), 3, 100)));
  EXPECT_EQ(a.stats().tx_drops, 1u);
  EXPECT_EQ(a.stats().tx_packets, 3u);
  EXPECT_EQ(b.queued(), 0u);
  // Cutting a link loses what is in flight on it and frees the sender.
  link_config slow;
  slow.delay = 5ms;
  a.set_link({});
  b.set_link(slow);
  settle();
  ASSERT_OK(run(send_many(a, b.mac(), 3, 100)));
  EXPECT_EQ(b.queued(), 3u);
  b.set_link(cut);
  EXPECT_EQ(b.faults().down_drops, 4u);
  EXPECT_EQ(b.queued(), 0u);
  b.set_link(slow);
  const mono_time t0 = engine_.now();
  ASSERT_OK(run(send_one(a, b.mac(), 9, 100)));
  auto later = run(collect(engine_, b, 1));
  ASSERT_OK(later);
  EXPECT_EQ((*later)[0].seq, 9);
  EXPECT_EQ((*later)[0].at, t0 + 5ms);
}

TEST_F(memory_switch_test, close_fails_waiting_and_later_calls) {
  port& a = add();
  port& b = add();
  auto got = run([](engine& e, port& p) -> task<result<rx_frame>> {
    task_set closer(e, "closer");
    (void)closer.spawn([](engine& eng, port& q) -> task<void> {
      co_await eng.sleep_for(1ms);
      q.close();
    }(e, p));
    auto r = co_await p.receive();
    co_return r;
  }(engine_, b));
  EXPECT_ERRC(got, errc::closed);
  EXPECT_ERRC(run(send_one(b, a.mac(), 1, 100)), errc::closed);
  ASSERT_OK(run(send_one(a, b.mac(), 2, 100)));  // to a closed port: gone
  EXPECT_EQ(b.stats().rx_drops, 1u);
}

TEST_F(memory_switch_test, checksum_offload_is_an_option) {
  port_options offload;
  offload.checksum_offload = true;
  port& a = add({}, offload);
  port& b = add({}, offload);
  port& plain = add();
  // A UDP-like checksum over bytes 14.. with the field at 14 + 6.
  buf f = test_frame(mac_addr::broadcast(), a.mac(), 1, 64).flatten().value();
  auto frame = buf::copy_of(f.bytes());
  ASSERT_OK(frame);
  frame->set_u16(20, 0x1234);  // "pseudo-header sum"
  tx_offload want;
  want.checksum = true;
  want.csum_start = 14;
  want.csum_offset = 6;
  ASSERT_OK(run([](port& p, buf fr, tx_offload o) -> task<result<void>> {
    auto sent = co_await p.write(bufs(fr), o);
    co_return sent;
  }(a, *frame, want)));
  auto at_b = run(b.receive());
  auto at_plain = run(plain.receive());
  ASSERT_OK(at_b);
  ASSERT_OK(at_plain);
  EXPECT_TRUE(at_b->info.checksum_partial);
  EXPECT_EQ(at_b->info.csum_start, 14);
  EXPECT_EQ(at_b->info.csum_offset, 6);
  EXPECT_EQ(at_b->frame.u16(20), 0x1234);
  // The switch finished the checksum for the port without offload: the
  // bytes from 14, with the pseudo-header sum added, now sum to 0xffff.
  EXPECT_FALSE(at_plain->info.checksum_partial);
  EXPECT_NE(at_plain->frame.u16(20), 0x1234);
  std::uint32_t sum = 0x1234;
  const auto bytes = at_plain->frame.bytes();
  for (std::size_t i = 14; i < bytes.size(); i += 2) {
    std::uint32_t word = std::to_integer<std::uint32_t>(bytes[i]) << 8;
    if (i + 1 < bytes.size()) word |= std::to_integer<std::uint32_t>(bytes[i + 1]);
    sum += word;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
  // Without the option, or for GSO: unsupported.
  EXPECT_ERRC(run([](port& p, buf fr, tx_offload o) -> task<result<void>> {
                auto sent = co_await p.write(bufs(fr), o);
                co_return sent;
              }(plain, *frame, want)),
              errc::unsupported);
  tx_offload gso = want;
  gso.gso = gso_type::tcpv4;
  gso.gso_size = 100;
  EXPECT_ERRC(run([](port& p, buf fr, tx_offload o) -> task<result<void>> {
                auto sent = co_await p.write(bufs(fr), o);
                co_return sent;
              }(a, *frame, gso)),
              errc::unsupported);
}

TEST_F(memory_switch_test, destruction_cancels_frames_in_flight) {
  link_config slow;
  slow.delay = 1s;
  port& a = add();
  port& b = add(slow);
  settle();
  ASSERT_OK(run(send_many(a, b.mac(), 5, 100)));
  EXPECT_EQ(b.queued(), 5u);
  EXPECT_GE(engine_.pending_timers(), 1u);
  switch_.reset();  // delivery tasks and their timers go; ASan checks the rest
  EXPECT_EQ(engine_.pending_timers(), 0u);
}

/// pump: `count` frames from a to b, received as they come.
task<result<void>> pump(port& a, port& b, std::uint32_t count, std::size_t size) {
  bufs frame = test_frame(b.mac(), a.mac(), 0, size, 1);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto sent = co_await a.write(frame);
    if (!sent) co_return sent.error();
    auto got = co_await b.receive();
    if (!got) co_return got.error();
  }
  co_return ok();
}

TEST_F(memory_switch_test, fast_path_throughput) {
  port& a = add();
  port& b = add();
  settle();
  constexpr std::uint32_t count = 200'000;
  constexpr std::size_t size = 1514;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK(run(pump(a, b, count, size)));
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(b.stats().rx_packets, count);
  EXPECT_EQ(engine_.pending_timers(), 0u);  // no timer on the fast path
  const double fps = count / seconds.count();
  std::printf("memory_switch fast path: %.0f frames/s, %.2f Gbit/s of %zu-byte frames\n", fps,
              fps * size * 8 / 1e9, size);
  RecordProperty("frames_per_second", static_cast<int>(fps));
}

}  // namespace
}  // namespace atl
