// connection: opening, data, closing (two connections through tcp_wire).
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace atl::net::tcp {
namespace {

using namespace std::chrono_literals;
using test::has;
using test::pattern;
using test::tcp_connection;
using test::tcp_wire;

// --- Opening ---------------------------------------------------------------------

TEST_F(tcp_connection, three_way_handshake_negotiates_options) {
  config_a.receive_buffer = 1 << 20;
  open();
  // SYN, SYN-ACK, ACK and nothing else.
  ASSERT_GE(wire.log.size(), 3U);
  EXPECT_TRUE(has(wire.log[0].header, tcp_flags::syn) && !has(wire.log[0].header, tcp_flags::ack));
  EXPECT_EQ(wire.log[0].header.seq, 0xfffff000U);
  EXPECT_EQ(wire.log[1].from, 1);
  EXPECT_TRUE(has(wire.log[1].header, tcp_flags::syn | tcp_flags::ack));
  EXPECT_EQ(wire.log[1].header.seq, 0x80000000U);
  EXPECT_EQ(wire.log[1].header.ack, 0xfffff001U);
  EXPECT_EQ(wire.log[2].header.flags, tcp_flags(tcp_flags::ack));
  EXPECT_EQ(wire.log[2].header.ack, 0x80000001U);
  EXPECT_TRUE(a->timestamps_on());
  EXPECT_TRUE(b->sack_on());
  EXPECT_EQ(a->receive_scale(), 5);  // 1 MiB >> 5 fits 16 bits
  EXPECT_EQ(b->send_scale(), 5);
  EXPECT_EQ(a->send_mss(), 1460U - 12U);
  EXPECT_TRUE(a->writable());
  EXPECT_FALSE(a->readable());
}

TEST_F(tcp_connection, options_off_when_the_peer_does_not_offer_them) {
  config_b.window_scaling = false;
  config_b.timestamps = false;
  config_b.sack = false;
  config_b.mtu = 1280;
  open();
  EXPECT_FALSE(a->timestamps_on());
  EXPECT_FALSE(a->sack_on());
  EXPECT_EQ(a->send_scale(), 0);
  EXPECT_EQ(a->receive_scale(), 0);
  EXPECT_EQ(a->send_mss(), 1240U);
  EXPECT_EQ(b->send_mss(), 1240U);
  // B's SYN-ACK carried none of what B does not do.
  EXPECT_FALSE(wire.log[1].header.window_scale.has_value());
  EXPECT_FALSE(wire.log[1].header.timestamps.has_value());
}

TEST_F(tcp_connection, simultaneous_open) {
  make();
  ASSERT_TRUE(a->connect(1000, wire.now));
  ASSERT_TRUE(b->connect(5000, wire.now));
  EXPECT_EQ(a->state(), tcp_state::syn_sent);
  ASSERT_TRUE(wire.run_until([&] { return a->established() && b->established(); }, 5s));
  EXPECT_EQ(a->state(), tcp_state::established);
  EXPECT_EQ(b->state(), tcp_state::established);
  EXPECT_EQ(
      wire.count(0, [](const auto& s) { return has(s.header, tcp_flags::syn | tcp_flags::ack); }),
      1U);
  auto data = pattern(5000, 1);
  EXPECT_EQ(transfer(*a, *b, data), data);
  EXPECT_EQ(transfer(*b, *a, data), data);
}

TEST_F(tcp_connection, connect_to_closed_port_is_refused) {
  make();
  // b stays CLOSED: it answers the SYN with RST,ACK.
  ASSERT_TRUE(a->connect(7, wire.now));
  wire.run_for(1s);
  EXPECT_EQ(a->state(), tcp_state::closed);
  ASSERT_TRUE(a->error().has_value());
  EXPECT_EQ(*a->error(), errc::refused);
  auto r = a->write(as_bytes("x"), wire.now);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::refused);
}

TEST_F(tcp_connection, syn_retransmits_double_then_time_out) {
  make();
  wire.on_send = [](int, const tcp_repr&, const buf&) { return tcp_wire::verdict::drop; };
  const mono_time start = wire.now;
  ASSERT_TRUE(a->connect(7, wire.now));
  wire.run_for(300s);
  std::vector<duration> times;
  times.reserve(wire.log.size());
  for (const auto& s : wire.log) times.push_back(s.at - start);
  ASSERT_EQ(times.size(), 7U);  // the SYN and six retries
  const duration want[] = {0s, 1s, 3s, 7s, 15s, 31s, 63s};
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(times[i], want[i]) << i;
  EXPECT_EQ(a->state(), tcp_state::closed);
  EXPECT_EQ(a->error(), errc::timed_out);
}

// --- Data ---------------------------------------------------------------------------

TEST_F(tcp_connection, data_both_ways_byte_exact) {
  open();
  auto ab = pattern(300000, 2);
  auto ba = pattern(200000, 3);
  EXPECT_EQ(transfer(*a, *b, ab), ab);
  EXPECT_EQ(transfer(*b, *a, ba), ba);
  EXPECT_EQ(a->stats().retransmits, 0U);
}

TEST_F(tcp_connection, megabytes_with_random_loss_and_reordering) {
  open();
  wire.loss = 0.02;
  wire.reorder = 0.05;
  auto ab = pattern(4 << 20, 4);
  auto got = transfer(*a, *b, ab, 3600s);
  ASSERT_EQ(got.size(), ab.size());
  EXPECT_TRUE(got == ab);
  EXPECT_GT(a->stats().retransmits, 0U);
  EXPECT_GT(a->stats().fast_retransmits, 0U);
  auto ba = pattern(1 << 20, 5);
  EXPECT_TRUE(transfer(*b, *a, ba, 3600s) == ba);
}

TEST_F(tcp_connection, send_buffer_back_pressure) {
  config_a.send_buffer = 10000;
  open();
  wire.on_send = [](int, const tcp_repr&, const buf&) { return tcp_wire::verdict::drop; };
  auto data = pattern(25000, 6);
  auto n = a->write(data, wire.now);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 10000U);
  EXPECT_FALSE(a->writable());
  auto m = a->write(data, wire.now);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 0U);
  // Once acknowledged, room comes back.
  wire.on_send = nullptr;
  wire.run_for(5s);
  EXPECT_TRUE(a->writable());
  EXPECT_EQ(a->send_queued(), 0U);
}

TEST_F(tcp_connection, receive_window_is_free_space_and_never_shrinks) {
  config_b.receive_buffer = 20000;
  config_b.window_scaling = false;
  open();
  auto data = pattern(50000, 7);
  ASSERT_TRUE(a->write(data, wire.now));
  wire.run_for(2s);
  // B does not read: at most its buffer crossed, and the window is zero.
  EXPECT_EQ(a->send_queued(), 50000U - 20000U);
  EXPECT_EQ(a->send_window(), 0U);
  std::uint32_t last_edge = 0;
  for (const auto& s : wire.log) {
    if (s.from != 1 || has(s.header, tcp_flags::syn)) continue;
    const std::uint32_t edge = s.header.ack + s.header.window;
    if (last_edge != 0) {
      EXPECT_GE(static_cast<std::int32_t>(edge - last_edge), 0);
    }
    last_edge = edge;
  }
}

TEST_F(tcp_connection, zero_window_probes_then_resumes) {
  config_b.receive_buffer = 8000;
  open();
  auto data = pattern(40000, 8);
  std::size_t written = 0;
  auto w = a->write(data, wire.now);
  ASSERT_TRUE(w);
  written = *w;
  wire.run_for(30s);
  EXPECT_EQ(a->send_window(), 0U);
  EXPECT_GT(a->stats().window_probes, 2U);
  // Probes back off: count them over a long quiet period.
  const auto probes = a->stats().window_probes;
  wire.run_for(120s);
  EXPECT_LT(a->stats().window_probes - probes, 6U);
  EXPECT_EQ(a->state(), tcp_state::established);  // probes never time out
  // B reads: the window opens and everything arrives.
  std::vector<std::byte> got;
  std::vector<std::byte> chunk(4096);
  while (got.size() < data.size() && wire.now < mono_time{} + 100000s) {
    if (written < data.size()) {
      auto n = a->write(std::span(data).subspan(written), wire.now);
      ASSERT_TRUE(n);
      written += *n;
    }
    auto r = b->read(chunk, wire.now);
    ASSERT_TRUE(r);
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*r));
    if (*r == 0 && !wire.step(mono_never)) break;
  }
  EXPECT_TRUE(got == data);
}

TEST_F(tcp_connection, window_scaling_allows_more_than_64k_in_flight) {
  config_a.send_buffer = 4 << 20;
  config_b.receive_buffer = 4 << 20;
  wire.delay = 50ms;
  open();
  auto data = pattern(3 << 20, 9);
  std::uint32_t most = 0;
  std::size_t written = 0;
  std::vector<std::byte> chunk(1 << 16);
  std::size_t got = 0;
  while (got < data.size()) {
    if (written < data.size()) {
      auto n = a->write(std::span(data).subspan(written), wire.now);
      ASSERT_TRUE(n);
      written += *n;
    }
    most = std::max(most, a->in_flight());
    auto r = b->read(chunk, wire.now);
    ASSERT_TRUE(r);
    got += *r;
    if (*r == 0 && !wire.step(mono_never)) break;
  }
  EXPECT_EQ(got, data.size());
  EXPECT_GT(most, 65535U);
}

TEST_F(tcp_connection, nagle_coalesces_small_writes) {
  open();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(a->write(as_bytes("x"), wire.now));
  wire.run_for(1s);
  const auto with_nagle = wire.count(0, [](const auto& s) { return s.payload > 0; });
  EXPECT_LE(with_nagle, 3U);
  std::vector<std::byte> sink(200);
  auto r = b->read(sink, wire.now);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 100U);
}

TEST_F(tcp_connection, nagle_off_sends_each_small_write) {
  config_a.nagle = false;
  open();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(a->write(as_bytes("x"), wire.now));
  wire.run_for(1s);
  EXPECT_EQ(wire.count(0, [](const auto& s) { return s.payload > 0; }), 20U);
}

TEST_F(tcp_connection, delayed_ack_waits_then_acks_every_second_segment) {
  open();
  const std::size_t before = wire.log.size();
  ASSERT_TRUE(a->write(pattern(100, 1), wire.now));
  wire.run_for(1s);
  // One ACK from b, about 40 ms after the data arrived.
  ASSERT_EQ(wire.log.size(), before + 2);
  EXPECT_EQ(wire.log[before + 1].from, 1);
  EXPECT_EQ(wire.log[before + 1].at - wire.log[before].at, 1ms + 40ms);
  // Two full segments: an ACK at once.
  const std::size_t mid = wire.log.size();
  ASSERT_TRUE(a->write(pattern(2 * std::size_t{a->send_mss()}, 2), wire.now));
  wire.run_for(1s);
  ASSERT_EQ(wire.log.size(), mid + 3);
  EXPECT_EQ(wire.log[mid + 2].from, 1);
  EXPECT_EQ(wire.log[mid + 2].at - wire.log[mid + 1].at, 1ms);
}

// --- Loss -----------------------------------------------------------------------------

TEST_F(tcp_connection, write_bufs_and_read_buf) {
  open();
  bufs parts;
  ASSERT_TRUE(parts.push_back(*buf::copy_of(std::string_view("hello, "))));
  ASSERT_TRUE(parts.push_back(*buf::copy_of(std::string_view("world"))));
  auto n = a->write(parts, wire.now);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 12U);
  wire.run_for(1s);
  EXPECT_TRUE(b->readable());
  auto first = b->read(5, wire.now);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text(), "hello");
  auto rest = b->read(100, wire.now);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->text(), ", world");
  auto none = b->read(100, wire.now);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  a->shutdown(wire.now);
  wire.run_for(1s);
  auto eof = b->read(100, wire.now);
  ASSERT_FALSE(eof);
  EXPECT_EQ(eof.error().code(), errc::eof);
  auto late = a->write(as_bytes("x"), wire.now);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), errc::closed);
}

TEST_F(tcp_connection, ipv6_uses_the_ipv6_default_mss) {
  const flow_id fa(*ipv6_addr::parse("2001:db8::1"), port(1000), *ipv6_addr::parse("2001:db8::2"),
                   port(2000));
  a = std::make_unique<connection>(config_a, fa, wire.sink(0));
  config_b.mtu = 9000;
  b = std::make_unique<connection>(config_b, fa.reversed(), wire.sink(1));
  wire.attach(a.get(), b.get());
  ASSERT_TRUE(b->listen(9));
  ASSERT_TRUE(a->connect(1, wire.now));
  wire.run_for(1s);
  ASSERT_EQ(b->state(), tcp_state::established);
  EXPECT_EQ(a->send_mss(), 1440U - 12U);  // a's MTU 1500 bounds it: 1500 - 60
  EXPECT_EQ(b->send_mss(), 1440U - 12U);
  // A SYN without an MSS option: IPv6's default, 1220 (RFC 8200 5).
  tcp_repr syn;
  syn.src_port = port(1001);
  syn.dst_port = port(2000);
  syn.seq = 5;
  syn.flags = tcp_flags(tcp_flags::syn);
  connection c(config_b,
               flow_id(*ipv6_addr::parse("2001:db8::2"), port(2000),
                       *ipv6_addr::parse("2001:db8::1"), port(1001)),
               wire.sink(1));
  ASSERT_TRUE(c.accept_syn(syn, 77, wire.now));
  EXPECT_EQ(c.send_mss(), 1220U);
  EXPECT_EQ(c.state(), tcp_state::syn_received);
}

TEST_F(tcp_connection, orderly_close_and_time_wait) {
  open();
  a->shutdown(wire.now);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_1);
  wire.run_for(1s);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_2);
  EXPECT_EQ(b->state(), tcp_state::close_wait);
  std::byte tmp[8];
  auto r = b->read(tmp, wire.now);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::eof);
  // Half-close: b still sends, a still reads.
  auto data = pattern(3000, 11);
  EXPECT_EQ(transfer(*b, *a, data), data);
  b->close(wire.now);
  EXPECT_EQ(b->state(), tcp_state::last_ack);
  wire.run_for(10ms);
  EXPECT_EQ(b->state(), tcp_state::closed);
  EXPECT_FALSE(b->error().has_value());
  EXPECT_EQ(a->state(), tcp_state::time_wait);
  const mono_time entered = wire.now;
  wire.run_for(59s);
  EXPECT_EQ(a->state(), tcp_state::time_wait);
  wire.run_until([&] { return a->closed(); }, 2s);
  EXPECT_EQ(a->state(), tcp_state::closed);
  EXPECT_NEAR(std::chrono::duration<double>(wire.now - entered).count(), 60.0, 0.05);
}

TEST_F(tcp_connection, fin_wait_2_times_out_after_close) {
  open();
  a->close(wire.now);
  wire.run_for(1s);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_2);
  wire.run_for(58s);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_2);
  wire.run_for(2s);
  EXPECT_EQ(a->state(), tcp_state::closed);
}

TEST_F(tcp_connection, fin_wait_2_stays_after_shutdown) {
  open();
  a->shutdown(wire.now);
  wire.run_for(600s);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_2);
}

TEST_F(tcp_connection, simultaneous_close) {
  open();
  a->shutdown(wire.now);
  b->shutdown(wire.now);
  wire.run_for(100ms);
  EXPECT_EQ(a->state(), tcp_state::time_wait);
  EXPECT_EQ(b->state(), tcp_state::time_wait);
  // Both went through CLOSING: each saw a FIN before the ACK of its own.
  wire.run_for(61s);
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_FALSE(a->error().has_value());
}

TEST_F(tcp_connection, lost_fin_is_retransmitted) {
  open();
  int fins = 0;
  wire.on_send = [&](int from, const tcp_repr& h, const buf&) {
    if (from == 0 && h.flags.has(tcp_flags::fin) && fins++ == 0) return tcp_wire::verdict::drop;
    return tcp_wire::verdict::pass;
  };
  a->shutdown(wire.now);
  wire.run_for(5s);
  EXPECT_EQ(fins, 2);
  EXPECT_EQ(b->state(), tcp_state::close_wait);
  EXPECT_EQ(a->state(), tcp_state::fin_wait_2);
}

TEST_F(tcp_connection, data_after_close_resets) {
  open();
  a->close(wire.now);
  wire.run_for(1s);
  ASSERT_EQ(a->state(), tcp_state::fin_wait_2);
  ASSERT_TRUE(b->write(as_bytes("nobody reads this"), wire.now));
  wire.run_for(1s);
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(b->error(), errc::connection_reset);
}

TEST_F(tcp_connection, close_with_unread_data_resets) {
  open();
  ASSERT_TRUE(a->write(pattern(100, 1), wire.now));
  wire.run_for(1s);
  b->close(wire.now);
  EXPECT_TRUE(b->closed());
  wire.run_for(1s);
  EXPECT_TRUE(a->closed());
  EXPECT_EQ(a->error(), errc::connection_reset);
}

// --- RFC 5961 --------------------------------------------------------------------------

TEST_F(tcp_connection, abort_sends_rst) {
  open();
  a->abort();
  EXPECT_TRUE(a->closed());
  EXPECT_FALSE(a->error().has_value());
  wire.run_for(1s);
  EXPECT_EQ(b->error(), errc::connection_reset);
}

TEST_F(tcp_connection, idle_connection_sends_nothing_without_keepalive) {
  open();
  const std::size_t before = wire.log.size();
  wire.run_for(std::chrono::hours(3));
  EXPECT_EQ(wire.log.size(), before);
  EXPECT_EQ(a->next_deadline(), mono_never);
  EXPECT_EQ(a->state(), tcp_state::established);
}

TEST_F(tcp_connection, keepalive_detects_a_dead_peer) {
  config_a.keepalive = true;
  config_a.keepalive_idle = 10s;
  config_a.keepalive_interval = 1s;
  config_a.keepalive_probes = 3;
  open();
  wire.run_for(30s);
  EXPECT_EQ(a->state(), tcp_state::established);  // answered probes
  EXPECT_GE(a->stats().keepalive_probes, 2U);
  wire.attach(a.get(), nullptr);  // b vanishes
  wire.run_for(60s);
  EXPECT_EQ(a->state(), tcp_state::closed);
  EXPECT_EQ(a->error(), errc::timed_out);
}
}  // namespace
}  // namespace atl::net::tcp
