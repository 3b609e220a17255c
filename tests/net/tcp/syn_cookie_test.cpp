// SYN cookies: round trips, refusals, expiry, and the forgery rate.
#include <atoll/net/tcp/syn_cookie.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>

namespace atl::net::tcp {
namespace {

using std::chrono::seconds;

syn_cookie_secret secret_of(std::uint8_t fill) {
  syn_cookie_secret s{};
  for (std::size_t i = 0; i < s.key.size(); ++i) s.key[i] = std::byte(fill + i * 13);
  return s;
}

// Addresses and ports of a 4-tuple as the connection would lay them out.
const std::array<std::byte, 12> flow{
    std::byte{192}, std::byte{0}, std::byte{2},    std::byte{1},    std::byte{198}, std::byte{51},
    std::byte{100}, std::byte{7}, std::byte{0xc3}, std::byte{0x50}, std::byte{0},   std::byte{80}};
const mono_time now = mono_time(seconds(6400));  // the start of slot 100
const seq isn(0x12345678);

TEST(SynCookieTest, RoundTripForEveryTableMss) {
  const auto key = secret_of(1);
  for (const std::uint16_t mss : syn_cookie_mss_table) {
    const seq cookie = make_syn_cookie(key, flow, isn, mss, now);
    EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, now), mss) << mss;
  }
}

TEST(SynCookieTest, MssRoundsDownToTheTable) {
  const auto key = secret_of(1);
  auto round_trip = [&](std::uint16_t mss) {
    return check_syn_cookie(key, flow, isn, make_syn_cookie(key, flow, isn, mss, now), now);
  };
  EXPECT_EQ(round_trip(1459), std::optional<std::uint16_t>(1440));
  EXPECT_EQ(round_trip(9000), std::optional<std::uint16_t>(8960));
  EXPECT_EQ(round_trip(65535), std::optional<std::uint16_t>(8960));
  EXPECT_EQ(round_trip(100), std::optional<std::uint16_t>(256));  // below the table
}

TEST(SynCookieTest, RefusedWithAnotherSecretFlowOrIsn) {
  const auto key = secret_of(1);
  const seq cookie = make_syn_cookie(key, flow, isn, 1460, now);
  EXPECT_EQ(check_syn_cookie(secret_of(2), flow, isn, cookie, now), std::nullopt);
  auto other = flow;
  other[11] = std::byte{81};
  EXPECT_EQ(check_syn_cookie(key, other, isn, cookie, now), std::nullopt);
  EXPECT_EQ(check_syn_cookie(key, std::span(flow).first(11), isn, cookie, now), std::nullopt);
  EXPECT_EQ(check_syn_cookie(key, flow, isn + 1, cookie, now), std::nullopt);
}

TEST(SynCookieTest, EveryFlippedBitIsRefused) {
  const auto key = secret_of(3);
  const seq cookie = make_syn_cookie(key, flow, isn, 1460, now);
  for (int bit = 0; bit < 32; ++bit) {
    const seq forged(cookie.value() ^ (std::uint32_t{1} << bit));
    EXPECT_EQ(check_syn_cookie(key, flow, isn, forged, now), std::nullopt) << bit;
  }
}

TEST(SynCookieTest, ValidForItsSlotAndTheNext) {
  const auto key = secret_of(1);
  const seq cookie = make_syn_cookie(key, flow, isn, 1460, now);
  EXPECT_TRUE(check_syn_cookie(key, flow, isn, cookie, now + seconds(63)));
  EXPECT_TRUE(check_syn_cookie(key, flow, isn, cookie, now + seconds(127)));
  EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, now + seconds(128)), std::nullopt);
  // 32 slots later the 5-bit counter matches again; the hash still refuses.
  EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, now + 32 * syn_cookie_slot), std::nullopt);
  // Not from the future either.
  EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, now - seconds(1)), std::nullopt);
}

TEST(SynCookieTest, WorksInTheFirstSlots) {
  const auto key = secret_of(1);
  const mono_time boot{};
  const seq cookie = make_syn_cookie(key, flow, isn, 536, boot);
  EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, boot), std::optional<std::uint16_t>(536));
  EXPECT_EQ(check_syn_cookie(key, flow, isn, cookie, boot + seconds(70)),
            std::optional<std::uint16_t>(536));
}

TEST(SynCookieTest, RandomCookiesAreRarelyAccepted) {
  const auto key = secret_of(9);
  std::mt19937 rng(12345);
  // Uniform guesses: at most 2 of 32 slots match, then 2^-24: ~2^-28 each.
  int accepted = 0;
  constexpr int tries = 1 << 18;
  for (int i = 0; i < tries; ++i)
    if (check_syn_cookie(key, flow, isn, seq(static_cast<std::uint32_t>(rng())), now)) ++accepted;
  EXPECT_LE(accepted, 1);
  // Guesses that know the slot and MSS bits: only the 24-bit hash stands
  // in the way; 2^18 tries expect 2^-6 acceptances.
  const std::uint32_t top = make_syn_cookie(key, flow, isn, 1460, now).value() & 0xff000000u;
  accepted = 0;
  for (int i = 0; i < tries; ++i)
    if (check_syn_cookie(key, flow, isn, seq(top | (static_cast<std::uint32_t>(rng()) & 0xffffff)),
                         now))
      ++accepted;
  EXPECT_LE(accepted, 2);
}

TEST(SynCookieTest, CookiesDifferAcrossFlowsAndSlots) {
  const auto key = secret_of(1);
  const seq a = make_syn_cookie(key, flow, isn, 1460, now);
  const seq b = make_syn_cookie(key, flow, isn + 1, 1460, now);
  const seq c = make_syn_cookie(key, flow, isn, 1460, now + syn_cookie_slot);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a.value() >> 27, c.value() >> 27);  // the slot counter moved
}

}  // namespace
}  // namespace atl::net::tcp
