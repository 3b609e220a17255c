// The HTTP server and client over two direct stacks on the memory switch,
// on virtual time: persistent connections, pipelining, chunked bodies both
// ways, HEAD, 100-continue, and every limit answered with its status
// (414, 431, 413, 400, 501, 505, 408), a slowloris cut off while another
// client is served, idle connections closed, max_connections.
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>
#include <atoll/net/http/client.hpp>
#include <atoll/net/http/response_parser.hpp>
#include <atoll/net/http/server.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using atl::buf;
using atl::bufs;
using atl::result;
using atl::task;
using atl::net::ip_addr;
using atl::net::ip_endpoint;
namespace http = atl::net::http;
using direct = atl::net::direct_stack<atl::memory_switch::port>;
using flow = atl::net::direct_flow;

atl::net::direct_config config_for(const char* address, std::uint64_t seed) {
  atl::net::direct_config c;
  auto a = atl::net::parse_ipv4_interface(address);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  c.seed = seed;
  return c;
}

/// test_handler: a few resources that exercise the exchange.
struct test_handler {
  template <class Flow>
  task<result<void>> handle(http::exchange<Flow>& x) {
    const std::string_view target = x.head().target;
    const http::field plain[] = {{"Content-Type", "text/plain"}};
    if (target == "/hello") co_return co_await x.respond(http::status::ok, plain, "hello\n");
    if (target == "/echo") {
      const auto b = x.body();
      co_return co_await x.respond(
          http::status::ok, plain,
          std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    }
    if (target == "/chunked") {
      ATOLL_CO_TRYV(co_await x.start(http::status::ok, plain, std::nullopt));
      for (const std::string_view piece : {"one ", "two ", "three"}) {
        ATOLL_CO_TRY(buf b, buf::copy_of(piece));
        ATOLL_CO_TRYV(co_await x.write(bufs(std::move(b))));
      }
      co_return co_await x.finish();
    }
    if (target == "/too-long") {
      ATOLL_CO_TRYV(co_await x.start(http::status::ok, plain, 4));
      ATOLL_CO_TRY(buf b, buf::copy_of(std::string_view("more than four")));
      co_return co_await x.write(bufs(std::move(b)));
    }
    if (target == "/silent") co_return atl::ok();  // no answer: the server's 500
    co_return co_await x.respond(http::status::not_found, plain, "no\n");
  }
};

struct http_env {
  explicit http_env(http::server_config cfg = {}) {
    auto pa = net_switch.add_port();
    auto pb = net_switch.add_port();
    EXPECT_TRUE(pa && pb);
    if (!pa || !pb) return;
    server_stack = std::make_unique<direct>(loop, **pa, config_for("10.0.0.1/24", 1));
    client_stack = std::make_unique<direct>(loop, **pb, config_for("10.0.0.2/24", 2));
    EXPECT_TRUE(server_stack->start() && client_stack->start());
    auto l = server_stack->listen(
        ip_endpoint{ip_addr::any(atl::net::ip_family::v4), atl::net::port(80)});
    EXPECT_TRUE(l);
    if (!l) return;
    listener.emplace(std::move(*l));
    srv = std::make_unique<http::server<test_handler>>(loop, handler, cfg);
    EXPECT_TRUE(background->spawn(srv->run(*listener)));
  }
  ~http_env() {
    background.reset();
    srv.reset();
    listener.reset();
    client_stack.reset();
    server_stack.reset();
  }
  http_env(const http_env&) = delete;
  http_env& operator=(const http_env&) = delete;

  template <class T>
  result<T> run(task<result<T>> t, atl::duration limit = 120s) {
    return loop.run(atl::with_timeout(loop, limit, std::move(t)));
  }
  [[nodiscard]] ip_endpoint at() const {
    return ip_endpoint{ip_addr(server_stack->core().address()), atl::net::port(80)};
  }
  [[nodiscard]] const http::server_stats& stats() const { return srv->stats(); }

  atl::sim_platform platform;
  atl::engine loop{platform};
  atl::memory_switch net_switch{loop};
  std::unique_ptr<direct> server_stack;
  std::unique_ptr<direct> client_stack;
  std::optional<direct::listener_type> listener;
  test_handler handler;
  std::unique_ptr<http::server<test_handler>> srv;
  std::unique_ptr<atl::task_set> background = std::make_unique<atl::task_set>(loop, "test");
};

task<result<void>> send_text(flow& f, std::string_view text) {
  auto b = buf::copy_of(text);
  if (!b) co_return b.error();
  co_return co_await f.write(bufs(std::move(*b)));
}

/// read_to_close: everything the server sends until it closes.
task<result<std::string>> read_to_close(flow& f) {
  std::string out;
  for (;;) {
    auto got = co_await f.read();
    if (!got) {
      if (got.error().code() == atl::errc::connection_reset) co_return out;
      co_return got.error();
    }
    if (got->empty()) co_return out;
    out.append(got->text());
  }
}

/// exchange_raw: connects, sends `text` (then shuts down when asked), and
/// returns what comes back until the server closes.
task<result<std::string>> exchange_raw(direct& s, ip_endpoint at, std::string text,
                                       bool shut = false) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  ATOLL_CO_TRYV(co_await send_text(*f, text));
  if (shut) ATOLL_CO_TRYV(co_await f->shutdown());
  co_return co_await read_to_close(*f);
}

/// status_lines: the status codes of the responses in `text`, in order.
std::vector<std::uint16_t> status_codes(std::string_view text, std::vector<std::string>* bodies) {
  std::vector<std::uint16_t> codes;
  http::response_parser p;
  auto bytes = atl::as_bytes(text);
  while (!bytes.empty()) {
    p.reset();
    bytes = bytes.subspan(p.feed(bytes));
    if (p.state() != http::parse_state::done) break;
    codes.push_back(p.head().code);
    auto d = http::body_decoder::for_response(p.head(), {});
    std::string body;
    while (!d.done() && !d.failed() && !bytes.empty()) {
      const auto step = d.feed(bytes);
      body.append(reinterpret_cast<const char*>(step.data.data()), step.data.size());
      bytes = bytes.subspan(step.consumed);
    }
    if (bodies != nullptr) bodies->push_back(body);
  }
  return codes;
}

task<result<std::vector<http::client_response>>> keep_alive_round(direct& s, ip_endpoint at,
                                                                  atl::engine& e) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  http::client<flow> c(e, *f, "10.0.0.1");
  std::vector<http::client_response> out;
  for (const char* target : {"/hello", "/chunked", "/missing"}) {
    ATOLL_CO_TRY(auto r, co_await c.request(http::method::get, target));
    out.push_back(std::move(r));
  }
  const std::string body = "posted body";
  const http::field fields[] = {{"Content-Type", "text/plain"}};
  ATOLL_CO_TRY(auto posted,
               co_await c.request(http::method::post, "/echo", fields, atl::as_bytes(body)));
  out.push_back(std::move(posted));
  ATOLL_CO_TRY(auto head, co_await c.request(http::method::head, "/hello"));
  out.push_back(std::move(head));
  if (!c.alive()) co_return atl::error(atl::errc::protocol_error, "connection not kept alive");
  co_return out;
}

TEST(http_server, persistent_connection_serves_many_requests) {
  http_env env;
  auto r = env.run(keep_alive_round(*env.client_stack, env.at(), env.loop));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 5U);
  EXPECT_EQ((*r)[0].code, 200);
  EXPECT_EQ((*r)[0].text(), "hello\n");
  EXPECT_EQ((*r)[0].get("Content-Length"), "6");
  EXPECT_EQ((*r)[1].code, 200);
  EXPECT_EQ((*r)[1].text(), "one two three");
  EXPECT_EQ((*r)[1].get("Transfer-Encoding"), "chunked");
  EXPECT_EQ((*r)[2].code, 404);
  EXPECT_EQ((*r)[3].text(), "posted body");
  EXPECT_EQ((*r)[4].code, 200);
  EXPECT_EQ((*r)[4].get("Content-Length"), "6");  // HEAD: the length of the GET body
  EXPECT_TRUE((*r)[4].body.empty());
  EXPECT_EQ(env.stats().accepted, 1U);
  EXPECT_EQ(env.stats().requests, 5U);
  EXPECT_EQ(env.stats().responses(200), 4U);
  EXPECT_EQ(env.stats().responses(404), 1U);
}

TEST(http_server, answers_pipelined_requests_in_order) {
  http_env env;
  std::string text;
  for (const char* t : {"/hello", "/chunked", "/missing", "/hello"}) {
    text += std::string("GET ") + t + " HTTP/1.1\r\nHost: a\r\n\r\n";
  }
  text +=
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nchunk\r\n3;ext=1\r\ned!\r\n0\r\nTrailer: x\r\n\r\n";
  text += "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  auto r = env.run(exchange_raw(*env.client_stack, env.at(), text));
  ASSERT_TRUE(r) << r.error().message();
  std::vector<std::string> bodies;
  EXPECT_EQ(status_codes(*r, &bodies), (std::vector<std::uint16_t>{200, 200, 404, 200, 200, 200}));
  ASSERT_EQ(bodies.size(), 6U);
  EXPECT_EQ(bodies[1], "one two three");
  EXPECT_EQ(bodies[4], "chunked!");
  EXPECT_NE(r->find("Connection: close"), std::string::npos);
  EXPECT_EQ(env.stats().requests, 6U);
}

struct violation {
  std::string request;
  std::uint16_t code;
};

TEST(http_server, answers_each_violation_with_its_status_and_counts_it) {
  http::server_config cfg;
  cfg.limits.body = 1000;
  http_env env(cfg);
  std::string many_fields = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 150; ++i) many_fields += "X-" + std::to_string(i) + ": v\r\n";
  many_fields += "\r\n";
  const std::vector<violation> cases = {
      {"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
      {many_fields, 431},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(20000, 'b') + "\r\n\r\n", 431},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
       "800\r\n" +
           std::string(2048, 'c') + "\r\n0\r\n\r\n",
       413},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"GET /silent HTTP/1.1\r\nHost: a\r\n\r\n", 500},
  };
  std::uint64_t expected_400 = 0;
  for (const auto& c : cases) {
    auto r = env.run(exchange_raw(*env.client_stack, env.at(), c.request));
    ASSERT_TRUE(r) << r.error().message();
    const auto codes = status_codes(*r, nullptr);
    ASSERT_EQ(codes.size(), 1U) << c.request.substr(0, 80);
    EXPECT_EQ(codes[0], c.code) << c.request.substr(0, 80);
    EXPECT_NE(r->find("Connection: close"), std::string::npos);
    if (c.code == 400) ++expected_400;
  }
  EXPECT_EQ(env.stats().responses(400), expected_400);
  EXPECT_EQ(env.stats().responses(414), 1U);
  EXPECT_EQ(env.stats().responses(431), 2U);
  EXPECT_EQ(env.stats().responses(413), 2U);
  EXPECT_EQ(env.stats().responses(505), 1U);
  EXPECT_EQ(env.stats().responses(501), 1U);
  EXPECT_EQ(env.stats().responses(500), 1U);
  EXPECT_EQ(env.stats().handler_errors, 1U);
}

TEST(http_server, body_longer_than_announced_closes_the_connection) {
  http_env env;
  auto r = env.run(exchange_raw(*env.client_stack, env.at(),
                                "GET /too-long HTTP/1.1\r\nHost: a\r\n\r\n"
                                "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(r) << r.error().message();
  // The head went out (it leaves with the body), the body did not, and the
  // second request was never answered on a desynchronised connection.
  EXPECT_EQ(r->find("hello"), std::string::npos);
  EXPECT_EQ(r->find("more than four"), std::string::npos);
  EXPECT_EQ(env.stats().requests, 1U);
}

TEST(http_server, http10_without_keep_alive_closes_after_the_response) {
  http_env env;
  auto r = env.run(exchange_raw(*env.client_stack, env.at(),
                                "GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(r) << r.error().message();
  std::vector<std::string> bodies;
  EXPECT_EQ(status_codes(*r, &bodies), (std::vector<std::uint16_t>{200}));
  EXPECT_EQ(r->rfind("HTTP/1.0 200 OK\r\n", 0), 0U);
  EXPECT_NE(r->find("Connection: close"), std::string::npos);
}

task<result<std::string>> continue_round(direct& s, ip_endpoint at) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  ATOLL_CO_TRYV(co_await send_text(*f,
                                   "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                                   "Content-Length: 2\r\nConnection: close\r\n\r\n"));
  // The body is not sent until the server says 100.
  ATOLL_CO_TRY(buf interim, co_await f->read());
  std::string out(interim.text());
  ATOLL_CO_TRYV(co_await send_text(*f, "ok"));
  ATOLL_CO_TRY(std::string rest, co_await read_to_close(*f));
  co_return out + rest;
}

TEST(http_server, expect_continue_gets_an_interim_response) {
  http_env env;
  auto got = env.run(continue_round(*env.client_stack, env.at()));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0U);
  EXPECT_NE(got->find("\r\n\r\nok"), std::string::npos);
}

/// drip: one byte a second, for 100 seconds or until the server cuts off.
task<result<void>> drip(flow& f, atl::engine& e) {
  for (int i = 0; i < 100; ++i) {
    co_await e.sleep_for(1s);
    if (!co_await send_text(f, "x")) co_return atl::ok();
  }
  co_return atl::ok();
}

/// slowloris: a head sent one byte a second, never finished.
task<result<std::string>> slowloris(direct& s, ip_endpoint at, atl::engine& e) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  const std::string_view head = "GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: ";
  ATOLL_CO_TRYV(co_await send_text(*f, head));
  auto [sent, got] = co_await atl::all(drip(*f, e), read_to_close(*f));
  (void)sent;
  co_return got;
}

task<result<std::string>> hello_after(direct& s, ip_endpoint at, atl::engine& e, atl::duration d) {
  co_await e.sleep_for(d);
  co_return co_await exchange_raw(s, at,
                                  "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
}

task<result<std::pair<std::string, std::string>>> slowloris_and_a_client(direct& s, ip_endpoint at,
                                                                         atl::engine& e) {
  auto [slow, fast] = co_await atl::all(slowloris(s, at, e), hello_after(s, at, e, 3s));
  if (!slow) co_return slow.error();
  if (!fast) co_return fast.error();
  co_return std::pair{std::move(*slow), std::move(*fast)};
}

TEST(http_server, slowloris_is_cut_off_while_others_are_served) {
  http::server_config cfg;
  cfg.header_timeout = 10s;
  http_env env(cfg);
  const atl::mono_time start = env.loop.now();
  auto r = env.run(slowloris_and_a_client(*env.client_stack, env.at(), env.loop));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(status_codes(r->first, nullptr), (std::vector<std::uint16_t>{408}));
  EXPECT_EQ(status_codes(r->second, nullptr), (std::vector<std::uint16_t>{200}));
  const auto took = env.loop.now() - start;
  EXPECT_GE(took, 10s);
  EXPECT_LT(took, 15s);
  EXPECT_EQ(env.stats().timeouts, 1U);
  EXPECT_EQ(env.stats().responses(408), 1U);
}

task<result<std::string>> idle(direct& s, ip_endpoint at) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  co_return co_await read_to_close(*f);
}

TEST(http_server, idle_connection_is_closed_without_an_answer) {
  http::server_config cfg;
  cfg.idle_timeout = 5s;
  http_env env(cfg);
  const atl::mono_time start = env.loop.now();
  auto r = env.run(idle(*env.client_stack, env.at()));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->empty());
  EXPECT_GE(env.loop.now() - start, 5s);
  EXPECT_EQ(env.stats().idle_closed, 1U);
}

task<result<std::uint64_t>> beyond_the_limit(direct& s, ip_endpoint at, atl::engine& e,
                                             const http::server_stats& stats) {
  auto a = co_await s.connect(at);
  auto b = co_await s.connect(at);
  if (!a || !b) co_return atl::error(atl::errc::refused, "first connections");
  co_await e.sleep_for(100ms);
  auto c = co_await s.connect(at);
  if (!c) co_return atl::error(atl::errc::refused, "third connection");
  auto got = co_await c->read();  // the server aborts it
  if (got && !got->empty()) co_return atl::error(atl::errc::protocol_error, "served");
  co_return stats.refused;
}

TEST(http_server, connections_beyond_the_limit_are_refused) {
  http::server_config cfg;
  cfg.max_connections = 2;
  http_env env(cfg);
  auto r = env.run(beyond_the_limit(*env.client_stack, env.at(), env.loop, env.stats()));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, 1U);
  EXPECT_EQ(env.stats().accepted, 2U);
}

/// failing_listener: the listener below, after `failures` accepts that fail
/// with `code` (the socket stack's EMFILE is limit_exceeded).
struct failing_listener {
  task<result<flow>> accept() {
    if (failures > 0) {
      --failures;
      co_return atl::error(code, "accept: simulated");
    }
    co_return co_await inner->accept();
  }
  direct::listener_type* inner;
  atl::errc code;
  int failures;
};

task<result<http::client_response>> get_hello(direct& s, ip_endpoint at, atl::engine& e) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  http::client<flow> c(e, *f, "10.0.0.1");
  co_return co_await c.request(http::method::get, "/hello");
}

// Out of descriptors is load, not a broken listener: the server pauses,
// doubling up to accept_pause_max, and serves again once accepts work.
TEST(http_server, resource_errors_on_accept_pause_and_never_end_the_server) {
  http_env env;
  auto l = env.server_stack->listen(
      ip_endpoint{ip_addr::any(atl::net::ip_family::v4), atl::net::port(81)});
  ASSERT_TRUE(l);
  http::server_config cfg;
  cfg.accept_pause = 1ms;
  cfg.accept_pause_max = 4ms;
  for (const auto code : {atl::errc::limit_exceeded, atl::errc::no_memory}) {
    failing_listener fl{&*l, code, 250};
    http::server<test_handler> srv(env.loop, env.handler, cfg);
    auto running = std::make_unique<atl::task_set>(env.loop, "flaky");
    const auto start = env.loop.now();
    ASSERT_TRUE(running->spawn(srv.run(fl)));
    const ip_endpoint at{ip_addr(env.server_stack->core().address()), atl::net::port(81)};
    auto r = env.run(get_hello(*env.client_stack, at, env.loop));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(srv.stats().accept_errors, 250U);
    EXPECT_EQ(srv.stats().accept_pauses, 250U);
    EXPECT_EQ(srv.stats().accepted, 1U);
    // 1 + 2 + 4 * 248 ms of pauses, not a busy loop.
    EXPECT_GE(env.loop.now() - start, 995ms);
    running.reset();
  }
}

task<result<void>> run_server(http::server<test_handler>& srv, failing_listener& fl) {
  co_return co_await srv.run(fl);
}

TEST(http_server, a_listener_that_only_fails_ends_the_server_with_its_error) {
  http_env env;
  auto l = env.server_stack->listen(
      ip_endpoint{ip_addr::any(atl::net::ip_family::v4), atl::net::port(81)});
  ASSERT_TRUE(l);
  failing_listener fl{&*l, atl::errc::io_error, 1000};
  http::server<test_handler> srv(env.loop, env.handler, {});
  auto r = env.run(run_server(srv, fl));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), atl::errc::io_error);
  EXPECT_EQ(srv.stats().accept_errors, 100U);
  EXPECT_EQ(srv.stats().accept_pauses, 0U);
}

}  // namespace
