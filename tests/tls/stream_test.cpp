// tls::server / tls::client over the in-memory pipe, on an engine with
// virtual time: the byte_flow contract seen from the application.
#include "memory_pipe.hpp"
#include "tls_fixture.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/tls/stream.hpp>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace atl::tls::test {
namespace {

static_assert(net::byte_flow<pipe_end>);
static_assert(net::byte_flow<server<pipe_end>>);
static_assert(net::byte_flow<client<pipe_end>>);

using tls_server = server<pipe_end>;
using tls_client = client<pipe_end>;

struct pair_of {
  tls_server s;
  tls_client c;
};

pair_of connect(engine& e, const server_config& sc, const client_config& cc,
                std::string_view name = "atoll.test", const saved_session& resume = {},
                std::size_t capacity = 64 * kib) {
  auto [a, b] = make_pipe(e, capacity);
  result<tls_server> s = tls_server::create(e, std::move(a), sc);
  result<tls_client> c = tls_client::create(e, std::move(b), cc, name, resume);
  EXPECT_TRUE(s && c);
  return {std::move(*s), std::move(*c)};
}

task<result<void>> send_all(stream<pipe_end>& f, std::vector<std::byte> data, std::size_t piece) {
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t n = std::min(piece, data.size() - at);
    result<buf> b = buf::copy_of(std::span<const std::byte>(data).subspan(at, n));
    if (!b) co_return b.error();
    result<void> sent = co_await f.write(bufs(std::move(*b)));
    if (!sent) co_return sent;
    at += n;
  }
  co_return ok();
}

task<result<std::vector<std::byte>>> receive_all(stream<pipe_end>& f, std::size_t want) {
  std::vector<std::byte> got;
  while (got.size() < want) {
    result<buf> b = co_await f.read();
    if (!b) co_return b.error();
    if (b->empty()) break;
    EXPECT_LE(b->size(), stream<pipe_end>::read_chunk);
    got.insert(got.end(), b->bytes().begin(), b->bytes().end());
  }
  co_return got;
}

task<result<std::vector<std::byte>>> receive_to_eof(stream<pipe_end>& f) {
  std::vector<std::byte> got;
  for (;;) {
    result<buf> b = co_await f.read();
    if (!b) co_return b.error();
    if (b->empty()) co_return got;
    got.insert(got.end(), b->bytes().begin(), b->bytes().end());
  }
}

task<bool> both_handshakes(pair_of& p) {
  auto [hs, hc] = co_await all(p.s.handshake(), p.c.handshake());
  EXPECT_TRUE(hs) << (hs ? "" : hs.error().message());
  EXPECT_TRUE(hc) << (hc ? "" : hc.error().message());
  co_return hs&& hc;
}

// Megabytes both ways at once: each side sends and receives concurrently.
task<bool> exchange(pair_of& p, std::vector<std::byte> up, std::vector<std::byte> down) {
  auto [hs, hc] = co_await all(p.s.handshake(), p.c.handshake());
  EXPECT_TRUE(hs && hc);
  auto [su, sd, ru, rd] = co_await all(send_all(p.c, up, 100000), send_all(p.s, down, 7000),
                                       receive_all(p.s, up.size()), receive_all(p.c, down.size()));
  EXPECT_TRUE(su && sd && ru && rd);
  if (!ru || !rd) co_return false;
  co_return *ru == up&&* rd == down;
}

class tls_stream_versions : public ::testing::TestWithParam<version> {};

TEST_P(tls_stream_versions, megabytes_both_ways_at_once_byte_exact) {
  sim_platform p;
  engine e(p);
  server_options so;
  so.max_version = GetParam();
  server_config sc = make_server(certs().server, so);
  client_config cc = make_client();
  pair_of conn = connect(e, sc, cc);
  EXPECT_TRUE(e.run(exchange(conn, pattern(4 * mib + 3, 7), pattern(3 * mib, 8))));
  EXPECT_EQ(conn.c.protocol(), GetParam());
  EXPECT_EQ(conn.s.protocol(), GetParam());
  EXPECT_EQ(conn.s.server_name(), "atoll.test");
  EXPECT_LE(conn.c.lower().peak(), 64 * kib);
}

INSTANTIATE_TEST_SUITE_P(versions, tls_stream_versions,
                         ::testing::Values(version::tls12, version::tls13),
                         [](const ::testing::TestParamInfo<version>& v) {
                           return std::string(v.param == version::tls12 ? "tls12" : "tls13");
                         });

task<bool> close_notify_then_eof(pair_of& p) {
  const bool up = co_await both_handshakes(p);
  if (!up) co_return false;
  result<void> w = co_await send_all(p.c, pattern(50000, 9), 50000);
  EXPECT_TRUE(w);
  result<void> down = co_await p.c.shutdown();
  EXPECT_TRUE(down);
  result<void> again = co_await p.c.shutdown();
  EXPECT_TRUE(again);
  result<void> late = co_await p.c.write(bufs());
  EXPECT_FALSE(late);
  if (!late) {
    EXPECT_EQ(late.error().code(), errc::closed);
  }
  result<std::vector<std::byte>> got = co_await receive_to_eof(p.s);
  EXPECT_TRUE(got);
  if (!got || *got != pattern(50000, 9)) co_return false;
  result<buf> after = co_await p.s.read();  // EOF again
  EXPECT_TRUE(after && after->empty());
  // Half-close: the server still answers and the client still reads it.
  result<void> answer = co_await send_all(p.s, pattern(1000, 10), 1000);
  EXPECT_TRUE(answer);
  result<void> server_down = co_await p.s.shutdown();
  EXPECT_TRUE(server_down);
  result<std::vector<std::byte>> back = co_await receive_to_eof(p.c);
  co_return back&&* back == pattern(1000, 10);
}

TEST(tls_stream, shutdown_sends_close_notify_and_the_peer_reads_eof) {
  sim_platform p;
  engine e(p);
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  pair_of conn = connect(e, sc, cc);
  EXPECT_TRUE(e.run(close_notify_then_eof(conn)));
  EXPECT_EQ(conn.s.failure(), reason::none);
}

task<result<std::vector<std::byte>>> truncate_after(pair_of& p, std::size_t n) {
  const bool up = co_await both_handshakes(p);
  if (!up) co_return errc::invalid_argument;
  result<void> w = co_await send_all(p.c, pattern(n, 11), n);
  EXPECT_TRUE(w);
  result<void> fin = co_await p.c.lower().shutdown();  // FIN without close_notify
  EXPECT_TRUE(fin);
  result<std::vector<std::byte>> got = co_await receive_all(p.s, n);
  EXPECT_TRUE(got);
  result<buf> next = co_await p.s.read();
  if (!next) co_return next.error();
  co_return error(errc::invalid_argument, "read after truncation succeeded");
}

TEST(tls_stream, truncation_is_an_error_not_eof) {
  sim_platform p;
  engine e(p);
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  pair_of conn = connect(e, sc, cc);
  result<std::vector<std::byte>> r = e.run(truncate_after(conn, 30000));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::connection_reset) << r.error().message();
  EXPECT_EQ(conn.s.failure(), reason::truncated);
}

task<result<void>> handshake_then_read(tls_client& c) {
  result<void> h = co_await c.handshake();
  if (!h) co_return h;
  result<buf> b = co_await c.read();
  if (!b) co_return b.error();
  co_return ok();
}

task<std::tuple<result<void>, result<void>>> refused(pair_of& p) {
  std::tuple<result<void>, result<void>> both =
      co_await all(p.s.handshake(), handshake_then_read(p.c));
  co_return both;
}

TEST(tls_stream, client_certificate_refusal_reaches_both_sides_with_its_reason) {
  sim_platform p;
  engine e(p);
  server_options so;
  so.verify_clients = client_auth::required;
  so.client_ca_pem = certs().ca.cert_pem();
  server_config sc = make_server(certs().server, so);
  client_options co;
  co.chain_pem = certs().mallory.cert;
  co.key_pem = certs().mallory.key;
  client_config cc = make_client(co);
  pair_of conn = connect(e, sc, cc);
  auto [s, c] = e.run(refused(conn));
  ASSERT_FALSE(s);
  ASSERT_FALSE(c);
  EXPECT_EQ(conn.s.failure(), reason::unknown_ca) << s.error().message();
  EXPECT_EQ(conn.c.failure(), reason::unknown_ca) << c.error().message();
  EXPECT_NE(c.error().message().find("tls unknown_ca"), std::string_view::npos);
}

TEST(tls_stream, alpn_sni_and_the_client_certificate_are_visible_after_the_handshake) {
  sim_platform p;
  engine e(p);
  const std::string_view alpn[] = {"http/1.1"};
  server_options so;
  so.alpn = alpn;
  so.verify_clients = client_auth::optional;
  so.client_ca_pem = certs().ca.cert_pem();
  server_config sc = make_server(certs().server, so);
  client_options co;
  co.alpn = alpn;
  co.chain_pem = certs().alice.cert;
  co.key_pem = certs().alice.key;
  client_config cc = make_client(co);
  pair_of conn = connect(e, sc, cc, "www.atoll.test");
  ASSERT_TRUE(e.run(both_handshakes(conn)));
  EXPECT_EQ(conn.s.alpn(), "http/1.1");
  EXPECT_EQ(conn.c.alpn(), "http/1.1");
  EXPECT_EQ(conn.s.server_name(), "www.atoll.test");
  EXPECT_TRUE(conn.s.peer().verified);
  EXPECT_EQ(conn.s.peer().subject, "/O=atoll/CN=alice");
  EXPECT_FALSE(conn.s.cipher().empty());
}

task<bool> one_exchange(pair_of& p) {
  auto [sent, got] = co_await all(send_all(p.s, pattern(100, 12), 100), receive_all(p.c, 100));
  co_return sent&& got&&* got == pattern(100, 12);
}

TEST(tls_stream, resumed_connection_over_the_stream) {
  sim_platform p;
  engine e(p);
  server_options so;
  const auto key = random_ticket_key();
  so.ticket_key = key;
  server_config sc = make_server(certs().server, so);
  client_config cc = make_client();
  saved_session ticket;
  {
    pair_of first = connect(e, sc, cc);
    ASSERT_TRUE(e.run(one_exchange(first)));
    EXPECT_FALSE(first.c.resumed());
    ticket = first.c.saved();
  }
  ASSERT_TRUE(ticket.valid());
  pair_of second = connect(e, sc, cc, "atoll.test", ticket);
  ASSERT_TRUE(e.run(one_exchange(second)));
  EXPECT_TRUE(second.c.resumed());
  EXPECT_TRUE(second.s.resumed());
}

// The server writes far more than fits anywhere while the client never
// reads: the write waits, the pipe and the session stay within their bounds.
task<result<void>> flood(engine& e, pair_of& p, std::size_t& pipe_peak, std::size_t& pending) {
  auto [hs, hc] = co_await all(p.s.handshake(), p.c.handshake());
  if (!hs || !hc) co_return errc::invalid_argument;
  result<void> w = co_await with_timeout(e, 1s, send_all(p.s, pattern(8 * mib, 13), 65536));
  pipe_peak = p.s.lower().peak();
  pending = p.s.tls().pending_output();
  co_return w;
}

TEST(tls_stream, a_peer_that_never_reads_does_not_grow_memory) {
  sim_platform p;
  engine e(p);
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  pair_of conn = connect(e, sc, cc, "atoll.test", {}, 32 * kib);
  std::size_t pipe_peak = 0;
  std::size_t pending = 0;
  result<void> r = e.run(flood(e, conn, pipe_peak, pending));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::timed_out);  // the write still waits
  EXPECT_LE(pipe_peak, 32 * kib);
  EXPECT_LE(pending, session::buffer_size);
  EXPECT_EQ(conn.s.lower().buffered(), 32 * kib) << "the pipe is full";
}

task<result<void>> garbage_to_server(tls_server& s, pipe_end& raw) {
  result<buf> junk = buf::copy_of("GET / HTTP/1.0\r\n\r\n");
  if (!junk) co_return junk.error();
  result<void> w = co_await raw.write(bufs(std::move(*junk)));
  if (!w) co_return w;
  result<void> h = co_await s.handshake();
  co_return h;
}

TEST(tls_stream, plain_http_to_a_tls_server_is_refused_with_not_tls) {
  sim_platform p;
  engine e(p);
  server_config sc = make_server(certs().server);
  auto [a, b] = make_pipe(e);
  result<tls_server> s = tls_server::create(e, std::move(a), sc);
  ASSERT_TRUE(s);
  result<void> r = e.run(garbage_to_server(*s, b));
  ASSERT_FALSE(r);
  EXPECT_EQ(s->failure(), reason::not_tls);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
}

}  // namespace
}  // namespace atl::tls::test
