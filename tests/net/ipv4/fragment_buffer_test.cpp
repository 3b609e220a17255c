// ip::fragment_buffer and ip::reassembler: order, duplicates, overlaps,
// limits and timeouts, with the bytes held checked at every step.
#include <atoll/net/ip/fragment_buffer.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::ip {
namespace {

using namespace std::chrono_literals;
using bytes_vec = std::vector<std::byte>;

bytes_vec pattern(std::size_t n, std::uint8_t seed = 1) {
  bytes_vec v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((i * 7 + seed) & 0xff);
  return v;
}

std::span<const std::byte> part(const bytes_vec& v, std::size_t off, std::size_t len) {
  return std::span<const std::byte>(v).subspan(off, len);
}

reassembly_key key_of(std::uint8_t src, std::uint16_t id) {
  const std::byte s[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{src}};
  const std::byte rest[2] = {static_cast<std::byte>(id >> 8), static_cast<std::byte>(id)};
  return reassembly_key::make(s, rest);
}

const mono_time t0 = mono_time{} + std::chrono::seconds(100);

TEST(FragmentBuffer, InOrder) {
  const auto data = pattern(3000);
  fragment_buffer fb;
  EXPECT_EQ(fb.add(0, true, part(data, 0, 1480)), fragment_status::held);
  EXPECT_EQ(fb.add(1480, true, part(data, 1480, 1480)), fragment_status::held);
  EXPECT_EQ(fb.bytes_held(), 2960U);
  EXPECT_EQ(fb.add(2960, false, part(data, 2960, 40)), fragment_status::complete);
  auto whole = fb.assemble();
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(bytes_vec(whole->bytes().begin(), whole->bytes().end()), data);
}

TEST(FragmentBuffer, OutOfOrderAndDuplicates) {
  const auto data = pattern(2000);
  fragment_buffer fb;
  EXPECT_EQ(fb.add(1600, false, part(data, 1600, 400)), fragment_status::held);
  EXPECT_EQ(fb.total_len(), std::optional<std::size_t>(2000));
  EXPECT_EQ(fb.add(800, true, part(data, 800, 800)), fragment_status::held);
  EXPECT_EQ(fb.add(800, true, part(data, 800, 800)), fragment_status::duplicate);
  EXPECT_EQ(fb.add(1600, false, part(data, 1600, 400)), fragment_status::duplicate);
  EXPECT_EQ(fb.bytes_held(), 1200U);
  EXPECT_EQ(fb.fragments(), 2U);
  EXPECT_FALSE(fb.complete());
  EXPECT_EQ(fb.add(0, true, part(data, 0, 800)), fragment_status::complete);
  auto whole = fb.assemble(16);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->headroom(), 16U);
  EXPECT_EQ(bytes_vec(whole->bytes().begin(), whole->bytes().end()), data);
}

TEST(FragmentBuffer, RefusesBadFragments) {
  const auto data = pattern(100);
  fragment_buffer fb;
  EXPECT_EQ(fb.add(0, true, part(data, 0, 0)), fragment_status::bad_fragment);   // empty
  EXPECT_EQ(fb.add(0, true, part(data, 0, 12)), fragment_status::bad_fragment);  // not 8n
  EXPECT_EQ(fb.add(4, false, part(data, 0, 8)), fragment_status::bad_fragment);  // offset
  EXPECT_EQ(fb.add(65528, false, part(data, 0, 16)), fragment_status::too_large);
  EXPECT_EQ(fb.add(65528, false, part(data, 0, 7)), fragment_status::held);  // ends at 65535
  EXPECT_EQ(fb.add(0, true, part(data, 0, 16)), fragment_status::held);
  // A second, different final fragment.
  EXPECT_EQ(fb.add(64, false, part(data, 0, 8)), fragment_status::bad_fragment);
  EXPECT_EQ(fb.bytes_held(), 23U);
  EXPECT_FALSE(fb.assemble().has_value());

  fragment_buffer small;
  EXPECT_EQ(small.add(16, false, part(data, 0, 8)), fragment_status::held);
  EXPECT_EQ(small.add(24, true, part(data, 0, 8)), fragment_status::bad_fragment);  // past the end
  EXPECT_EQ(small.add(16, true, part(data, 0, 8)), fragment_status::bad_fragment);  // not final now
  EXPECT_EQ(small.add(8, true, part(data, 0, 8)), fragment_status::held);
}

TEST(FragmentBuffer, FinalFragmentBeforeHeldDataIsRefused) {
  const auto data = pattern(100);
  fragment_buffer fb;
  EXPECT_EQ(fb.add(48, true, part(data, 48, 16)), fragment_status::held);
  EXPECT_EQ(fb.add(8, false, part(data, 8, 16)), fragment_status::bad_fragment);
}

TEST(FragmentBuffer, OverlapIsReported) {
  const auto data = pattern(100);
  fragment_buffer fb;
  EXPECT_EQ(fb.add(16, true, part(data, 16, 16)), fragment_status::held);
  EXPECT_EQ(fb.add(8, true, part(data, 8, 16)), fragment_status::overlap);    // covers 16..24
  EXPECT_EQ(fb.add(24, true, part(data, 24, 16)), fragment_status::overlap);  // inside and past
  EXPECT_EQ(fb.add(16, true, part(data, 16, 8)), fragment_status::overlap);   // a prefix
  EXPECT_EQ(fb.add(0, true, part(data, 0, 16)), fragment_status::held);       // adjacent
}

TEST(FragmentBuffer, FragmentCountLimit) {
  const auto data = pattern(64);
  fragment_buffer fb(4);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(fb.add(i * 8, true, part(data, std::size_t{i} * 8, 8)), fragment_status::held);
  }
  EXPECT_EQ(fb.add(32, true, part(data, 32, 8)), fragment_status::too_many_fragments);
  EXPECT_EQ(fb.fragments(), 4U);
}

TEST(Reassembler, InOrderOutOfOrderAndUnfragmented) {
  const auto data = pattern(4000);
  reassembler r;
  EXPECT_FALSE(r.add(key_of(1, 7), 2960, false, part(data, 2960, 1040), t0)->has_value());
  EXPECT_FALSE(r.add(key_of(1, 7), 0, true, part(data, 0, 1480), t0)->has_value());
  EXPECT_EQ(r.in_progress(), 1U);
  EXPECT_EQ(r.bytes_held(), 2520U);
  EXPECT_EQ(r.next_deadline(), t0 + std::chrono::seconds(30));
  auto done = r.add(key_of(1, 7), 1480, true, part(data, 1480, 1480), t0 + 1ms);
  ASSERT_TRUE(done.has_value() && done->has_value());
  EXPECT_EQ(bytes_vec((*done)->bytes().begin(), (*done)->bytes().end()), data);
  EXPECT_EQ(r.in_progress(), 0U);
  EXPECT_EQ(r.bytes_held(), 0U);
  EXPECT_EQ(r.next_deadline(), mono_never);
  EXPECT_EQ(r.stats().reassembled, 1U);
  // A whole datagram offered as one "fragment" comes straight back.
  auto one = r.add(key_of(1, 8), 0, false, part(data, 0, 100), t0);
  ASSERT_TRUE(one.has_value() && one->has_value());
  EXPECT_EQ((*one)->size(), 100U);
}

TEST(Reassembler, DuplicatesAreIgnored) {
  const auto data = pattern(24);
  reassembler r;
  EXPECT_FALSE(r.add(key_of(1, 1), 0, true, part(data, 0, 16), t0)->has_value());
  EXPECT_FALSE(r.add(key_of(1, 1), 0, true, part(data, 0, 16), t0)->has_value());
  EXPECT_EQ(r.stats().duplicates, 1U);
  EXPECT_EQ(r.bytes_held(), 16U);
  auto done = r.add(key_of(1, 1), 16, false, part(data, 16, 8), t0);
  ASSERT_TRUE(done.has_value() && done->has_value());
}

TEST(Reassembler, OverlapDiscardsTheDatagram) {
  const auto data = pattern(64);
  reassembler r;
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 16), t0).has_value());
  EXPECT_TRUE(r.add(key_of(1, 1), 32, false, part(data, 32, 32), t0).has_value());
  const auto bad = r.add(key_of(1, 1), 8, true, part(data, 8, 16), t0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), errc::corrupt);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::overlap), 1U);
  EXPECT_EQ(r.in_progress(), 0U);
  EXPECT_EQ(r.bytes_held(), 0U);
  // The missing piece alone now starts a new datagram, which does not complete.
  EXPECT_FALSE(r.add(key_of(1, 1), 16, true, part(data, 16, 16), t0)->has_value());
  EXPECT_EQ(r.in_progress(), 1U);
}

TEST(Reassembler, TooLargeIsDropped) {
  const auto data = pattern(1480);
  reassembler r;
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 1480), t0).has_value());
  const auto bad = r.add(key_of(1, 1), 65000, false, part(data, 0, 1000), t0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), errc::corrupt);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::too_large), 1U);
  EXPECT_EQ(r.bytes_held(), 0U);
}

TEST(Reassembler, TimeoutDiscardsAndNextDeadline) {
  const auto data = pattern(16);
  reassembly_limits lim;
  lim.timeout = std::chrono::seconds(60);  // as IPv6 uses
  reassembler r(lim);
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 8), t0).has_value());
  EXPECT_TRUE(r.add(key_of(2, 1), 0, true, part(data, 0, 8), t0 + 10s).has_value());
  EXPECT_EQ(r.next_deadline(), t0 + 60s);
  r.expire(t0 + 59s);
  EXPECT_EQ(r.in_progress(), 2U);
  r.expire(t0 + 60s);
  EXPECT_EQ(r.in_progress(), 1U);
  EXPECT_EQ(r.next_deadline(), t0 + 70s);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::timeout), 1U);
  // add() expires too: the late last fragment of the first datagram starts anew.
  EXPECT_FALSE(r.add(key_of(2, 1), 8, false, part(data, 8, 8), t0 + 70s)->has_value());
  EXPECT_EQ(r.stats().dropped(reassembly_drop::timeout), 2U);
  EXPECT_EQ(r.bytes_held(), 8U);
}

TEST(Reassembler, PerSourceLimitDropsTheNewDatagram) {
  const auto data = pattern(8);
  reassembly_limits lim;
  lim.max_per_source = 3;
  reassembler r(lim);
  for (std::uint16_t id = 0; id < 3; ++id) {
    EXPECT_TRUE(r.add(key_of(1, id), 0, true, part(data, 0, 8), t0).has_value());
  }
  const auto refused = r.add(key_of(1, 3), 0, true, part(data, 0, 8), t0);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), errc::limit_exceeded);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::per_source_limit), 1U);
  // Another source is not affected; the first source's datagrams still grow.
  EXPECT_TRUE(r.add(key_of(2, 3), 0, true, part(data, 0, 8), t0).has_value());
  EXPECT_TRUE(r.add(key_of(1, 0), 8, true, part(data, 0, 8), t0).has_value());
  EXPECT_EQ(r.in_progress(), 4U);
}

TEST(Reassembler, PerSourceBytes) {
  const auto data = pattern(1024);
  reassembly_limits lim;
  lim.max_bytes_per_source = 2048;
  reassembler r(lim);
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 1024), t0).has_value());
  EXPECT_TRUE(r.add(key_of(1, 2), 0, true, part(data, 0, 1024), t0).has_value());
  const auto refused = r.add(key_of(1, 1), 1024, true, part(data, 0, 1024), t0);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(r.stats().dropped(reassembly_drop::per_source_bytes), 1U);
  EXPECT_EQ(r.bytes_held(), 1024U);  // the datagram it belonged to is gone
}

TEST(Reassembler, EndlessFragmentsStayBounded) {
  // Many sources each sending fragments that never complete: the table and
  // the bytes held stay at their limits, the oldest datagrams are evicted.
  const auto data = pattern(1024);
  reassembly_limits lim;
  lim.max_datagrams = 8;
  lim.max_bytes = std::size_t{16} * 1024;
  reassembler r(lim);
  mono_time now = t0;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const auto k = key_of(static_cast<std::uint8_t>(i % 200), static_cast<std::uint16_t>(i / 7));
    (void)r.add(k, (i % 7) * 1024, true, part(data, 0, 1024), now);
    EXPECT_LE(r.bytes_held(), lim.max_bytes);
    EXPECT_LE(r.in_progress(), lim.max_datagrams);
    now += 1ms;
  }
  EXPECT_GT(r.stats().dropped(reassembly_drop::evicted), 0U);
  EXPECT_EQ(r.stats().reassembled, 0U);
  // And all of it goes away after the timeout.
  r.expire(now + 30s);
  EXPECT_EQ(r.in_progress(), 0U);
  EXPECT_EQ(r.bytes_held(), 0U);
}

TEST(Reassembler, GlobalLimitEvictsTheOldest) {
  const auto data = pattern(8);
  reassembly_limits lim;
  lim.max_datagrams = 2;
  reassembler r(lim);
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 8), t0).has_value());
  EXPECT_TRUE(r.add(key_of(2, 1), 0, true, part(data, 0, 8), t0 + 1s).has_value());
  EXPECT_TRUE(r.add(key_of(3, 1), 0, true, part(data, 0, 8), t0 + 2s).has_value());
  EXPECT_EQ(r.stats().dropped(reassembly_drop::evicted), 1U);
  EXPECT_EQ(r.next_deadline(), t0 + 31s);  // the first one is gone
  // A bad fragment never evicts anything.
  EXPECT_FALSE(r.add(key_of(4, 1), 0, true, part(data, 0, 5), t0 + 3s).has_value());
  EXPECT_EQ(r.stats().dropped(reassembly_drop::evicted), 1U);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::bad_fragment), 1U);
}

TEST(Reassembler, BudgetRefusalIsCounted) {
  const auto data = pattern(1024);
  memory_budget budget("frag", 1500);
  reassembler r({}, &budget);
  EXPECT_TRUE(r.add(key_of(1, 1), 0, true, part(data, 0, 1024), t0).has_value());
  const auto refused = r.add(key_of(1, 1), 1024, true, part(data, 0, 1024), t0);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), errc::no_memory);
  EXPECT_EQ(r.stats().dropped(reassembly_drop::no_memory), 1U);
  EXPECT_EQ(r.bytes_held(), 0U);
  EXPECT_EQ(budget.used(), 0U);
}

}  // namespace
}  // namespace atl::net::ip
