// The direct stack over the memory switch, the integration tests beside
// direct_stack_test.cpp's handshakes and bulk transfers: simultaneous
// close, RST handling, retransmission timing, window scaling, TIME-WAIT and
// a thousand concurrent connections, over IPv4 and IPv6. Segments are
// observed with a switch tap and decoded by the wire layer.
#include "direct_pair.hpp"
#include "hostile_frames.hpp"
#include <atoll/core/task_set.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace atl::conformance {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(stack_conformance);
}  // namespace atl::conformance

namespace atl::net::testing {
namespace {

using conformance::flow_pair;

constexpr ip_family families[] = {ip_family::v4, ip_family::v6};

const char* name_of(ip_family f) { return f == ip_family::v6 ? "IPv6" : "IPv4"; }

task<result<flow_pair<direct>>> open_pair(direct& server, direct& client, ip_addr at) {
  auto made = co_await conformance::connect_pair(server, client, at);
  co_return made;
}

task<result<void>> shut_both(direct_flow& x, direct_flow& y) {
  // Both FINs leave in the same instant of virtual time.
  auto [sx, sy] = co_await all(x.shutdown(), y.shutdown());
  if (!sx) co_return sx.error();
  if (!sy) co_return sy.error();
  co_return ok();
}

task<result<std::size_t>> read_both(direct_flow& x, direct_flow& y) {
  // The sum of both reads' sizes: 0 when both saw EOF.
  auto [rx, ry] = co_await all(x.read(), y.read());
  if (!rx) co_return rx.error();
  if (!ry) co_return ry.error();
  co_return rx->size() + ry->size();
}

TEST(direct_integration, simultaneous_close_ends_in_time_wait_on_both_sides) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    link_config link;
    link.delay = 5ms;  // the FINs cross on the wire
    direct_pair p(link);
    ASSERT_TRUE(p.a);
    frame_capture cap;
    p.net_switch.set_tap(&cap);
    auto fp = p.run(open_pair(*p.a, *p.b, p.addr_a(f)));
    ASSERT_OK(fp);
    ASSERT_OK(p.run(shut_both(fp->server, fp->client)));
    auto eof = p.run(read_both(fp->server, fp->client));
    ASSERT_OK(eof);
    EXPECT_EQ(*eof, 0U);  // both reads are EOF
    const mono_time closed_at = p.loop.now();
    fp->server.close();
    fp->client.close();
    // Each side sent its FIN before it could have seen the other's.
    std::vector<mono_time> fins;
    for (const tcp_seen& s : segments(cap)) {
      if (s.h.flags.has(tcp_flags::fin)) fins.push_back(s.at);
    }
    ASSERT_EQ(fins.size(), 2U);
    EXPECT_LT(fins[1] - fins[0], link.delay);
    // Both are active closers: both wait 2 MSL in TIME-WAIT, then go.
    const duration msl = p.a->core().config().tcp.msl;
    p.pass(2 * msl - (p.loop.now() - closed_at) - 1s);
    EXPECT_EQ(p.a->stats().live_connections, 1U);
    EXPECT_EQ(p.b->stats().live_connections, 1U);
    p.pass(2s);
    EXPECT_EQ(p.a->stats().live_connections, 0U);
    EXPECT_EQ(p.b->stats().live_connections, 0U);
    p.net_switch.set_tap(nullptr);
  }
}

task<result<void>> abort_later(engine& e, direct_flow& f, duration d) {
  co_await e.sleep_for(d);
  f.abort();
  co_return ok();
}

task<result<buf>> read_while_aborted(engine& e, direct_flow& reader, direct_flow& aborted) {
  auto [got, done] = co_await all(reader.read(), abort_later(e, aborted, 10ms));
  if (!done) co_return done.error();
  co_return got;
}

TEST(direct_integration, abort_resets_the_peer_and_a_closed_port_refuses) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    direct_pair p;
    ASSERT_TRUE(p.a);
    auto fp = p.run(open_pair(*p.a, *p.b, p.addr_a(f)));
    ASSERT_OK(fp);
    // A read waiting on the server ends with the client's RST.
    EXPECT_ERRC(p.run(read_while_aborted(p.loop, fp->server, fp->client)), errc::connection_reset);
    EXPECT_EQ(p.b->stats().live_connections, 0U);  // abort() removes it at once
    EXPECT_ERRC(p.run(fp->server.write(conformance::stack_text("anyone?"))),
                errc::connection_reset);
    fp->server.close();
    p.pass(100ms);
    EXPECT_EQ(p.a->stats().live_connections, 0U);
    // Nobody listens on port 81: the SYN is answered with RST.
    const auto resets = p.a->stats().tcp_resets_sent;
    EXPECT_ERRC(p.run(p.b->connect(ip_endpoint{p.addr_a(f), port(81)})), errc::refused);
    EXPECT_EQ(p.a->stats().tcp_resets_sent, resets + 1);
    EXPECT_EQ(p.b->stats().live_connections, 0U);
  }
}

task<result<void>> write_text(direct_flow& f, std::string text) {
  auto w = co_await f.write(conformance::stack_text(text));
  co_return w;
}

TEST(direct_integration, retransmissions_back_off_exponentially_from_the_rto) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    link_config link;
    link.delay = 1ms;
    direct_pair p(link);
    ASSERT_TRUE(p.a);
    frame_capture cap;
    p.net_switch.set_tap(&cap);
    auto fp = p.run(open_pair(*p.a, *p.b, p.addr_a(f)));
    ASSERT_OK(fp);
    p.pass(1s);
    // Everything from b to a is lost from now on.
    link_config dead = link;
    dead.loss = 1.0;
    p.port_a().set_link(dead);
    const std::string text(100, 'r');
    ASSERT_OK(p.run(write_text(fp->client, text)));
    p.pass(12s);
    std::vector<mono_time> sent;
    std::optional<std::uint32_t> first_seq;
    for (const tcp_seen& s : segments(cap)) {
      if (s.port != 1 || s.payload_len == 0) continue;
      if (!first_seq) first_seq = s.h.seq;
      if (s.h.seq == *first_seq) sent.push_back(s.at);
    }
    ASSERT_GE(sent.size(), 5U) << "expected the segment and at least four retransmissions";
    // RFC 6298: the first retransmission after one RTO (at least the
    // configured minimum, with an RTT of 2 ms), then doubling (5.5).
    const auto& rto = p.b->core().config().tcp.rto;
    const duration first = sent[1] - sent[0];
    EXPECT_GE(first, rto.min);
    EXPECT_LE(first, rto.initial);
    for (std::size_t i = 2; i < sent.size(); ++i) {
      const auto interval =
          std::chrono::duration_cast<std::chrono::microseconds>(sent[i] - sent[i - 1]);
      const auto previous =
          std::chrono::duration_cast<std::chrono::microseconds>(sent[i - 1] - sent[i - 2]);
      EXPECT_NEAR(static_cast<double>(interval.count()) / static_cast<double>(previous.count()),
                  2.0, 0.05)
          << "interval " << i;
    }
    // The link heals: the next retransmission gets through.
    p.port_a().set_link(link);
    auto heard = p.run(conformance::read_exactly(fp->server, text.size()), 60s);
    ASSERT_OK(heard);
    EXPECT_EQ(*heard, text);
    p.net_switch.set_tap(nullptr);
  }
}

task<result<std::size_t>> send_and_count(direct& server, direct& client, ip_addr at,
                                         std::size_t total) {
  auto fp = co_await conformance::connect_pair(server, client, at);
  if (!fp) co_return fp.error();
  std::vector<std::byte> got;
  auto [w, r] = co_await all(conformance::write_pattern(fp->client, total, 5, true),
                             conformance::read_all(fp->server, got, total + 1));
  if (!w) co_return w.error();
  if (!r) co_return r.error();
  if (got != conformance::pattern(total, 5)) co_return error(errc::corrupt, "bytes differ");
  co_return got.size();
}

TEST(direct_integration, window_scaling_puts_more_than_64_kib_in_flight) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    pair_setup setup;
    setup.link_a.delay = 20ms;
    setup.link_b.delay = 20ms;
    for (direct_config* c : {&setup.a, &setup.b}) {
      c->tcp.receive_buffer = std::size_t{1} << 20;
      c->tcp.send_buffer = std::size_t{1} << 20;
    }
    direct_pair p(setup);
    ASSERT_TRUE(p.a);
    frame_capture cap;
    p.net_switch.set_tap(&cap);
    constexpr std::size_t total = std::size_t{8} << 20;
    const mono_time start = p.loop.now();
    auto got = p.run(send_and_count(*p.a, *p.b, p.addr_a(f), total), 120s);
    const duration took = p.loop.now() - start;
    ASSERT_OK(got);
    EXPECT_EQ(*got, total);
    p.net_switch.set_tap(nullptr);
    // The SYN and the SYN-ACK both offer a window scale.
    const auto segs = segments(cap);
    std::optional<std::uint8_t> syn_scale;
    std::optional<std::uint8_t> syn_ack_scale;
    for (const tcp_seen& s : segs) {
      if (!s.h.flags.has(tcp_flags::syn)) continue;
      if (s.h.flags.has(tcp_flags::ack)) {
        syn_ack_scale = s.h.window_scale;
      } else {
        syn_scale = s.h.window_scale;
      }
    }
    ASSERT_TRUE(syn_scale.has_value());
    ASSERT_TRUE(syn_ack_scale.has_value());
    EXPECT_GT(*syn_scale, 0U);
    EXPECT_GT(*syn_ack_scale, 0U);
    // Bytes in flight: the highest byte b sent past the highest ACK a had
    // sent by then (a lower bound of b's own count, which sees ACKs later).
    std::optional<std::uint32_t> acked;
    std::optional<std::uint32_t> sent_end;
    std::uint32_t most = 0;
    for (const tcp_seen& s : segs) {
      if (s.h.flags.has(tcp_flags::syn)) continue;
      if (s.port == 0 && s.h.flags.has(tcp_flags::ack)) {
        if (!acked || static_cast<std::int32_t>(s.h.ack - *acked) > 0) acked = s.h.ack;
      } else if (s.port == 1 && s.payload_len > 0) {
        const auto end = static_cast<std::uint32_t>(s.h.seq + s.payload_len);
        if (!sent_end || static_cast<std::int32_t>(end - *sent_end) > 0) sent_end = end;
        if (acked) most = std::max(most, *sent_end - *acked);
      }
    }
    EXPECT_GT(most, 65535U);
    // Throughput above what an unscaled window allows: 64 KiB per 40 ms RTT.
    const double seconds = std::chrono::duration<double>(took).count();
    EXPECT_GT(static_cast<double>(total) / seconds, 65535.0 / 0.040);
  }
}

task<result<void>> write_frame(memory_switch::port& x, frame_bytes frame) {
  auto b = buf::copy_of(frame);
  if (!b) co_return b.error();
  auto w = co_await x.write(bufs(std::move(*b)));
  co_return w;
}

/// forge_rst(x, p, f, from, to, seq): writes on port x a RST from a's
/// address and MAC and port `from` to b's port `to`.
task<result<void>> forge_rst(memory_switch::port& x, direct_pair& p, ip_family f, port from,
                             port to, std::uint32_t seq) {
  hostile_scene scene;  // b is the victim here, a the one impersonated
  scene.ipv6 = f == ip_family::v6;
  scene.victim_mac = p.port_b().mac();
  scene.victim4 = p.addr_b(ip_family::v4).v4();
  scene.victim6 = p.addr_b(ip_family::v6).v6();
  scene.client_mac = p.port_a().mac();
  scene.client4 = p.addr_a(ip_family::v4).v4();
  scene.client6 = p.addr_a(ip_family::v6).v6();
  hostile_frames gen(scene, 3);
  tcp_repr rst;
  rst.src_port = from;
  rst.dst_port = to;
  rst.seq = seq;
  rst.flags = tcp_flags(tcp_flags::rst);
  const frame_bytes segment = hostile_frames::tcp_segment(gen.client_pair(), rst, {});
  auto sent = co_await write_frame(
      x, gen.ip_frame(gen.client_pair(), ip_protocol::tcp, segment, scene.client_mac));
  co_return sent;
}

TEST(direct_integration, time_wait_lasts_two_msl_and_acks_a_retransmitted_fin) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    pair_setup setup;
    setup.extra_ports = 1;  // to forge a RST from
    direct_pair p(setup);
    ASSERT_TRUE(p.a);
    frame_capture cap;
    p.net_switch.set_tap(&cap);
    auto fp = p.run(open_pair(*p.a, *p.b, p.addr_a(f)));
    ASSERT_OK(fp);
    // The client closes first (the active closer); the server reads EOF.
    ASSERT_OK(p.run(fp->client.shutdown()));
    auto eof = p.run(fp->server.read());
    ASSERT_OK(eof);
    EXPECT_TRUE(eof->empty());
    p.pass(100ms);
    // The client's ACK of the server's FIN is lost: the server retransmits
    // its FIN, the client (in TIME-WAIT) acknowledges each one and restarts
    // its 2 MSL clock (RFC 9293 3.10.7.4).
    link_config dead;
    dead.loss = 1.0;
    p.port_a().set_link(dead);
    fp->client.close();
    fp->server.close();
    const mono_time time_wait_from = p.loop.now();
    p.pass(2500ms);
    p.port_a().set_link(link_config{});
    p.pass(5s);  // the next FIN from the server is acknowledged
    EXPECT_EQ(p.a->stats().live_connections, 0U);
    std::vector<mono_time> server_fins;
    std::size_t client_acks_of_fin = 0;
    std::optional<std::uint32_t> fin_end;
    for (const tcp_seen& s : segments(cap)) {
      if (s.port == 0 && s.h.flags.has(tcp_flags::fin)) {
        server_fins.push_back(s.at);
        fin_end = s.h.seq + 1;
      } else if (s.port == 1 && fin_end && s.at >= time_wait_from &&
                 !s.h.flags.has(tcp_flags::fin) && s.h.ack == *fin_end) {
        ++client_acks_of_fin;
      }
    }
    ASSERT_GE(server_fins.size(), 4U);
    EXPECT_EQ(client_acks_of_fin, server_fins.size());
    const duration msl = p.b->core().config().tcp.msl;
    const mono_time last_fin = server_fins.back();
    ASSERT_GT(last_fin - time_wait_from, 2s);
    // RFC 1337: a RST at exactly the expected sequence number, as if from
    // the server, does not cut TIME-WAIT short.
    ASSERT_TRUE(fin_end.has_value());
    ASSERT_OK(p.run(
        forge_rst(*p.extra[0], p, f, fp->server.local().port, fp->client.local().port, *fin_end)));
    p.pass(10ms);
    EXPECT_EQ(p.b->stats().live_connections, 1U);
    // Two MSL after the first FIN the entry is still there (the clock was
    // restarted), it goes two MSL after the last one.
    p.pass(time_wait_from + 2 * msl + 500ms - p.loop.now());
    EXPECT_EQ(p.b->stats().live_connections, 1U);
    p.pass(last_fin + 2 * msl - 500ms - p.loop.now());
    EXPECT_EQ(p.b->stats().live_connections, 1U);
    p.pass(1s);
    EXPECT_EQ(p.b->stats().live_connections, 0U);
    p.net_switch.set_tap(nullptr);
  }
}

// --- A thousand concurrent connections ---------------------------------------

struct tally {
  std::size_t echoed = 0;  ///< clients that got their own message back
  std::size_t served = 0;
  std::size_t failed = 0;
  std::size_t peak_client = 0;
  std::size_t peak_server = 0;
};

std::vector<std::byte> message_for(std::size_t i) {
  // 2 to 5 KiB, different for every client.
  return conformance::pattern(2048 + (i * 97) % 3072, static_cast<unsigned>(i + 11));
}

task<result<void>> echo_all(direct_flow f, tally& t) {
  std::vector<std::byte> got;
  auto r = co_await conformance::read_all(f, got, std::size_t{1} << 20);
  if (!r) co_return r.error();
  auto w = co_await f.write(conformance::stack_bufs(got, 2));
  if (!w) co_return w.error();
  auto s = co_await f.shutdown();
  if (!s) co_return s.error();
  ++t.served;
  co_return ok();
}

task<result<void>> serve(engine& e, direct& server, direct_listener& l, std::size_t count,
                         tally& t) {
  task_set handlers(e, "echo");
  for (std::size_t i = 0; i < count; ++i) {
    auto f = co_await l.accept();
    if (!f) co_return f.error();
    t.peak_server = std::max(t.peak_server, server.stats().live_connections);
    auto spawned = handlers.spawn(echo_all(std::move(*f), t));
    if (!spawned) co_return spawned.error();
  }
  co_await handlers.join();
  co_return ok();
}

task<result<void>> client_run(direct& client, ip_endpoint to, std::size_t i, tally& t) {
  auto f = co_await client.connect(to);
  if (!f) {
    ++t.failed;
    co_return f.error();
  }
  t.peak_client = std::max(t.peak_client, client.stats().live_connections);
  const auto message = message_for(i);
  auto w = co_await f->write(conformance::stack_bufs(message, 3));
  if (!w) co_return w.error();
  auto s = co_await f->shutdown();
  if (!s) co_return s.error();
  std::vector<std::byte> back;
  auto r = co_await conformance::read_all(*f, back, message.size() + 1);
  if (!r) co_return r.error();
  if (back != message) co_return error(errc::corrupt, "client ", i, " got another echo");
  ++t.echoed;
  co_return ok();
}

task<result<void>> thousand(engine& e, direct& server, direct& client, ip_addr at,
                            std::size_t count, tally& t) {
  auto l = server.listen(ip_endpoint{at, port(7)});
  if (!l) co_return l.error();
  task_set clients(e, "clients");
  task_set servers(e, "server");
  auto spawned = servers.spawn(serve(e, server, *l, count, t));
  if (!spawned) co_return spawned.error();
  for (std::size_t i = 0; i < count; ++i) {
    auto c = clients.spawn(client_run(client, l->local(), i, t));
    if (!c) co_return c.error();
  }
  co_await clients.join();
  co_await servers.join();
  co_return ok();
}

TEST(direct_integration, a_thousand_concurrent_connections_complete_and_leave_empty_tables) {
  for (const ip_family f : families) {
    SCOPED_TRACE(name_of(f));
    pair_setup setup;
    setup.link_a.delay = 1ms;
    setup.link_b.delay = 1ms;
    for (direct_config* c : {&setup.a, &setup.b}) {
      c->max_connections = 1100;
      c->tcp.send_buffer = std::size_t{16} * 1024;
      c->tcp.receive_buffer = std::size_t{16} * 1024;
      c->tcp.msl = 10s;  // every client entry outlives the last connect
    }
    direct_pair p(setup);
    ASSERT_TRUE(p.a);
    constexpr std::size_t count = 1000;
    tally t;
    ASSERT_OK(p.run(thousand(p.loop, *p.a, *p.b, p.addr_a(f), count, t), 120s));
    EXPECT_EQ(t.echoed, count);
    EXPECT_EQ(t.served, count);
    EXPECT_EQ(t.failed, 0U);
    // They were open at the same time: every client entry at once.
    EXPECT_EQ(t.peak_client, count);
    EXPECT_GT(t.peak_server, count / 2);
    // Every flow is closed; after TIME-WAIT both tables are empty.
    p.pass(2 * setup.b.tcp.msl + 1s);
    EXPECT_EQ(p.a->stats().live_connections, 0U);
    EXPECT_EQ(p.b->stats().live_connections, 0U);
  }
}

}  // namespace
}  // namespace atl::net::testing
