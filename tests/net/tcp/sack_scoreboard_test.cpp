// sack_scoreboard: merging, holes, RFC 6675 IsLost and SetPipe.
#include <atoll/net/tcp/sack_scoreboard.hpp>

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>
#include <vector>

namespace atl::net::tcp {
namespace {

constexpr std::uint32_t mss = 1000;

void ack(sack_scoreboard& sb, std::uint32_t una, std::initializer_list<sack_block> blocks) {
  const std::vector<sack_block> v(blocks);
  sb.on_ack(seq(una), v);
}

using hole = std::optional<std::pair<seq, std::uint32_t>>;
hole h(std::uint32_t start, std::uint32_t length) { return std::pair{seq(start), length}; }

TEST(SackScoreboardTest, MergesOverlappingAndAdjacentBlocks) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}});
  ack(sb, 1000, {{3000, 4000}});  // adjacent
  EXPECT_EQ(sb.blocks(), 1u);
  EXPECT_EQ(sb.sacked_bytes(), 2000u);
  ack(sb, 1000, {{1500, 2500}, {3500, 4500}});  // overlapping both ends
  EXPECT_EQ(sb.blocks(), 1u);
  EXPECT_EQ(sb.sacked_bytes(), 3000u);
  ack(sb, 1000, {{6000, 7000}, {5000, 5500}});
  EXPECT_EQ(sb.blocks(), 3u);
  ack(sb, 1000, {{4500, 6000}});  // bridges two
  EXPECT_EQ(sb.blocks(), 1u);
  EXPECT_EQ(sb.sacked_bytes(), 5500u);
  EXPECT_EQ(sb.highest_sacked(), seq(7000));
}

TEST(SackScoreboardTest, IsSacked) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}});
  EXPECT_FALSE(sb.is_sacked(seq(1999)));
  EXPECT_TRUE(sb.is_sacked(seq(2000)));
  EXPECT_TRUE(sb.is_sacked(seq(2999)));
  EXPECT_FALSE(sb.is_sacked(seq(3000)));
}

TEST(SackScoreboardTest, CumulativeAckTrimsAndForgets) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}, {4000, 5000}});
  ack(sb, 2500, {});
  EXPECT_EQ(sb.sacked_bytes(), 1500u);
  EXPECT_FALSE(sb.is_sacked(seq(2400)));
  ack(sb, 5000, {});
  EXPECT_TRUE(sb.empty());
  EXPECT_EQ(sb.highest_sacked(), std::nullopt);
  // An older cumulative ACK does not move SND.UNA back.
  ack(sb, 4000, {{4500, 4800}});
  EXPECT_TRUE(sb.empty());
}

TEST(SackScoreboardTest, IgnoresBogusBlocks) {
  sack_scoreboard sb;
  ack(sb, 1000, {{500, 900}, {900, 1000}, {3000, 2000}, {2000, 2000}, {1000, 0x90000000u}});
  EXPECT_TRUE(sb.empty());
  ack(sb, 1000, {{800, 1200}});  // the part above SND.UNA counts
  EXPECT_EQ(sb.sacked_bytes(), 200u);
}

TEST(SackScoreboardTest, NextHole) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}, {4000, 5000}});
  EXPECT_EQ(sb.next_hole(seq(1000), seq(6000)), h(1000, 1000));
  EXPECT_EQ(sb.next_hole(seq(1500), seq(6000)), h(1500, 500));
  EXPECT_EQ(sb.next_hole(seq(2000), seq(6000)), h(3000, 1000));
  EXPECT_EQ(sb.next_hole(seq(4500), seq(6000)), h(5000, 1000));
  EXPECT_EQ(sb.next_hole(seq(5000), seq(5000)), std::nullopt);
  EXPECT_EQ(sb.next_hole(seq(4000), seq(5000)), std::nullopt);
  EXPECT_EQ(sb.next_hole(seq(1000), seq(1500)), h(1000, 500));
}

TEST(SackScoreboardTest, IsLostByBytes) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}});
  EXPECT_FALSE(sb.is_lost(seq(1000), mss));
  ack(sb, 1000, {{3000, 4000}});
  EXPECT_FALSE(sb.is_lost(seq(1000), mss));  // 2 MSS: not more than (3 - 1) MSS
  ack(sb, 1000, {{4000, 4001}});
  EXPECT_TRUE(sb.is_lost(seq(1000), mss));
  EXPECT_FALSE(sb.is_lost(seq(2500), mss));  // SACKed itself
  EXPECT_FALSE(sb.is_lost(seq(4001), mss));  // nothing above
}

TEST(SackScoreboardTest, IsLostByDiscontiguousBlocks) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 2010}, {2100, 2110}, {2200, 2210}});
  EXPECT_TRUE(sb.is_lost(seq(1000), mss));   // three blocks above
  EXPECT_FALSE(sb.is_lost(seq(2050), mss));  // two blocks above
}

TEST(SackScoreboardTest, Pipe) {
  sack_scoreboard sb;
  // Nine segments out; 2, 4 and 6 SACKed.
  EXPECT_EQ(sb.pipe(seq(1000), seq(10000), mss), 9000u);
  ack(sb, 1000, {{2000, 3000}, {4000, 5000}, {6000, 7000}});
  // [1000,2000) is lost (three blocks above); the other holes are not.
  EXPECT_EQ(sb.pipe(seq(1000), seq(10000), mss), 5000u);
  sb.set_high_rxt(seq(1500));  // half of the lost segment retransmitted
  EXPECT_EQ(sb.pipe(seq(1000), seq(10000), mss), 5500u);
  sb.set_high_rxt(seq(2000));
  EXPECT_EQ(sb.pipe(seq(1000), seq(10000), mss), 6000u);
  // Once acknowledged, HighRxt is forgotten with the data.
  ack(sb, 3000, {});
  EXPECT_EQ(sb.pipe(seq(3000), seq(10000), mss), 5000u);
}

TEST(SackScoreboardTest, TableIsBounded) {
  sack_scoreboard sb(2);
  ack(sb, 1000, {{2000, 2100}, {3000, 3100}, {4000, 4100}});
  EXPECT_EQ(sb.blocks(), 2u);
  EXPECT_TRUE(sb.is_sacked(seq(2000)));
  EXPECT_TRUE(sb.is_sacked(seq(3000)));
  EXPECT_FALSE(sb.is_sacked(seq(4000)));  // farthest forgotten
  ack(sb, 1000, {{1500, 1600}});          // nearer: replaces the farthest
  EXPECT_TRUE(sb.is_sacked(seq(1500)));
  EXPECT_FALSE(sb.is_sacked(seq(3000)));
  EXPECT_EQ(sb.blocks(), 2u);
}

TEST(SackScoreboardTest, WrapsAroundTheSequenceSpace) {
  sack_scoreboard sb;
  ack(sb, 0xfffff000u, {{0xfffff800u, 0x800}});
  EXPECT_EQ(sb.sacked_bytes(), 0x1000u);
  EXPECT_TRUE(sb.is_sacked(seq(0)));
  EXPECT_EQ(sb.next_hole(seq(0xfffff000u), seq(0x1000)), h(0xfffff000u, 0x800));
  EXPECT_EQ(sb.next_hole(seq(0xfffff900u), seq(0x1000)), h(0x800, 0x800));
  ack(sb, 0x400, {});
  EXPECT_EQ(sb.sacked_bytes(), 0x400u);
}

TEST(SackScoreboardTest, Clear) {
  sack_scoreboard sb;
  ack(sb, 1000, {{2000, 3000}});
  sb.set_high_rxt(seq(1500));
  sb.clear();
  EXPECT_TRUE(sb.empty());
  EXPECT_EQ(sb.pipe(seq(1000), seq(3000), mss), 2000u);
}

}  // namespace
}  // namespace atl::net::tcp
