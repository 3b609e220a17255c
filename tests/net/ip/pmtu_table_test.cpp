// ip::pmtu_table: the path MTU cache of both families; the assertions of
// the former ipv4::pmtu_table and IPv6 pmtu_table tests, on one class.
#include <atoll/net/ip/pmtu_table.hpp>

#include <gtest/gtest.h>

namespace atl::net::ip {
namespace {

using namespace std::chrono_literals;

const mono_time t0 = mono_time{} + 1000s;

ipv6_addr ip6(std::string_view text) { return *ipv6_addr::parse(text); }

// IPv4's use (RFC 1191): update() on every "fragmentation needed".
TEST(PmtuTable, UpdateLowersAgesAndStaysBounded) {
  pmtu_table t(pmtu_config{2, 600s, 552});
  const ipv4_addr d1(203, 0, 113, 1), d2(203, 0, 113, 2), d3(203, 0, 113, 3);
  EXPECT_EQ(t.update(d1, 1400, t0), 1400U);
  EXPECT_EQ(t.mtu(d1, t0, 1500), 1400U);
  EXPECT_EQ(t.mtu(d1, t0, 1300), 1300U);          // never above the link
  EXPECT_EQ(t.update(d1, 1450, t0 + 1s), 1400U);  // only lowers
  EXPECT_EQ(t.update(d1, 100, t0 + 2s), 552U);    // clamped
  EXPECT_EQ(t.update(d2, 1000, t0 + 3s), 1000U);
  EXPECT_EQ(t.update(d3, 900, t0 + 4s), 900U);  // replaces d1, updated longest ago
  EXPECT_EQ(t.size(), 2U);
  EXPECT_EQ(t.mtu(d1, t0 + 4s, 1500), 1500U);
  EXPECT_EQ(t.mtu(d2, t0 + 4s, 1500), 1000U);
  EXPECT_EQ(t.next_deadline(), t0 + 603s);
  EXPECT_EQ(t.mtu(d2, t0 + 603s, 1500), 1500U);  // expired, even before expire()
  t.expire(t0 + 603s);
  EXPECT_EQ(t.size(), 1U);
}

TEST(PmtuTable, UpdateRefreshesAgeAndRaisesAfterExpiry) {
  pmtu_table t(pmtu_config{4, 600s, 552});
  const ipv4_addr d(203, 0, 113, 1);
  EXPECT_EQ(t.update(d, 1400, t0), 1400U);
  EXPECT_EQ(t.update(d, 1450, t0 + 500s), 1400U);  // not lower, but refreshed
  EXPECT_EQ(t.mtu(d, t0 + 1000s, 1500), 1400U);
  EXPECT_EQ(t.next_deadline(), t0 + 1100s);
  // Past the lifetime an entry takes any value again.
  EXPECT_EQ(t.update(d, 1450, t0 + 1100s), 1450U);
  EXPECT_EQ(t.size(), 1U);
}

// IPv6's use (RFC 8201): lower() on every packet too big.
TEST(PmtuTable, LowerBoundedAndExpiring) {
  pmtu_table t(pmtu_config{2, 600s, 1280});
  EXPECT_TRUE(t.lower(ip6("2001:db8::a"), 1400, 1500, t0));
  EXPECT_TRUE(t.lower(ip6("2001:db8::b"), 1400, 1500, t0 + 1s));
  EXPECT_TRUE(t.lower(ip6("2001:db8::c"), 1400, 1500, t0 + 2s));
  EXPECT_EQ(t.size(), 2U);
  EXPECT_EQ(t.mtu(ip6("2001:db8::a"), t0 + 2s, 1500), 1500U);      // replaced, the oldest
  EXPECT_FALSE(t.lower(ip6("2001:db8::c"), 1450, 1500, t0 + 3s));  // not smaller
  EXPECT_EQ(t.mtu(ip6("2001:db8::c"), t0 + 601s, 1500), 1400U);    // so not refreshed either
  EXPECT_EQ(t.mtu(ip6("2001:db8::c"), t0 + 602s, 1500), 1500U);    // expired
}

TEST(PmtuTable, LowerFloorsAndIgnoresWhatIsNotBelowTheLink) {
  pmtu_table t(pmtu_config{4, 600s, 1280});
  const auto d = ip6("2001:db8::3");
  EXPECT_FALSE(t.lower(d, 1500, 1500, t0));  // the link's MTU already
  EXPECT_FALSE(t.lower(d, 9000, 1500, t0));
  EXPECT_EQ(t.size(), 0U);  // nothing recorded for them
  EXPECT_TRUE(t.lower(d, 1400, 1500, t0));
  EXPECT_EQ(t.mtu(d, t0, 1500), 1400U);
  EXPECT_TRUE(t.lower(d, 500, 1500, t0));
  EXPECT_EQ(t.mtu(d, t0, 1500), 1280U);     // never below the floor
  EXPECT_FALSE(t.lower(d, 100, 1500, t0));  // floored: no change
  EXPECT_EQ(t.mtu(d, t0, 1300), 1280U);
}

TEST(PmtuTable, NoEntriesRecordsNothing) {
  pmtu_table t(pmtu_config{0, 600s, 552});
  const ipv4_addr d(203, 0, 113, 1);
  EXPECT_EQ(t.update(d, 1000, t0), 1000U);
  EXPECT_FALSE(t.lower(d, 1000, 1500, t0));
  EXPECT_EQ(t.size(), 0U);
  EXPECT_EQ(t.mtu(d, t0, 1500), 1500U);
  EXPECT_EQ(t.next_deadline(), mono_never);
}

TEST(PmtuTable, FamiliesAreDistinctKeys) {
  pmtu_table t;
  // 192.0.2.1 and ::ffff:192.0.2.1 name the same host, but are other keys.
  EXPECT_EQ(t.update(ipv4_addr(192, 0, 2, 1), 1000, t0), 1000U);
  EXPECT_EQ(t.mtu(ip6("::ffff:192.0.2.1"), t0, 1500), 1500U);
  EXPECT_EQ(t.mtu(ipv4_addr(192, 0, 2, 1), t0, 1500), 1000U);
  EXPECT_EQ(t.config().max_entries, 64U);
  EXPECT_EQ(t.config().min_mtu, 552U);
}

}  // namespace
}  // namespace atl::net::ip
