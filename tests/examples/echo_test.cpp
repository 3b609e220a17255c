// echo over atoll's direct stack on virtual time: two direct stacks joined by
// the memory switch, the application on one (10.0.0.1), clients on the other
// (10.0.0.2). Bulk TCP both ways at once, several connections, the
// connection limit, UDP datagrams of several sizes, a port already taken.
#include "echo.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/memory_console.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;
using atl::bufs;
using atl::result;
using atl::task;
using atl::net::ip_addr;
using atl::net::ip_endpoint;
using direct = atl::net::direct_stack<atl::memory_switch::port>;
using app_type = echo::unikernel<atl::memory_console, direct>;

struct echo_keys {
  std::uint16_t port = 7007;
  std::uint64_t max_connections = 64;
};

atl::net::direct_config config_for(const char* address, std::uint64_t seed) {
  atl::net::direct_config c;
  auto a = atl::net::parse_ipv4_interface(address);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  c.seed = seed;
  return c;
}

std::vector<std::byte> pattern(std::size_t size, unsigned salt) {
  std::vector<std::byte> out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::byte>((i * 131 + i / 251 + salt) & 0xff);
  }
  return out;
}

task<void> run_app(app_type& app, const echo_keys& keys, atl::memory_console& console,
                   direct& stack, int& status) {
  status = co_await app.start(keys, console, stack);
}

// send_all: `data` in writes of varied sizes, then FIN.
task<result<void>> send_all(atl::net::direct_flow& f, std::span<const std::byte> data) {
  std::size_t offset = 0;
  for (std::size_t step = 1; offset < data.size(); ++step) {
    const std::size_t n = std::min(data.size() - offset, 1 + (step * 7919) % 20000);
    auto piece = atl::buf::copy_of(data.subspan(offset, n));
    if (!piece) co_return piece.error();
    auto wrote = co_await f.write(bufs(std::move(*piece)));
    if (!wrote) co_return wrote.error();
    offset += n;
  }
  co_return co_await f.shutdown();
}

// receive_all: every byte until EOF.
task<result<void>> receive_all(atl::net::direct_flow& f, std::vector<std::byte>& out) {
  for (;;) {
    auto got = co_await f.read();
    if (!got) co_return got.error();
    if (got->empty()) co_return atl::ok();
    const auto bytes = got->bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
}

// echo_round: one connection sends `data` while it reads the echo into `got`.
task<result<void>> echo_round(direct& client, ip_endpoint server, std::span<const std::byte> data,
                              std::vector<std::byte>& got) {
  auto f = co_await client.connect(server);
  if (!f) co_return f.error();
  auto [sent, received] = co_await atl::all(send_all(*f, data), receive_all(*f, got));
  if (!sent) co_return sent.error();
  co_return received;
}

// Three connections at once, each its own data.
task<result<void>> three_rounds(direct& client, ip_endpoint server,
                                const std::vector<std::vector<std::byte>>& data,
                                std::vector<std::vector<std::byte>>& got) {
  auto [a, b, c] = co_await atl::all(echo_round(client, server, data[0], got[0]),
                                     echo_round(client, server, data[1], got[1]),
                                     echo_round(client, server, data[2], got[2]));
  if (!a) co_return a.error();
  if (!b) co_return b.error();
  co_return c;
}

task<result<void>> pause(atl::engine& e, atl::duration d) {
  co_await e.sleep_for(d);
  co_return atl::ok();
}

/// echo_env: the switch, the server stack with echo on it, the client stack.
struct echo_env {
  explicit echo_env(echo_keys k = {}) : keys(k) {
    auto pa = net_switch.add_port();
    auto pb = net_switch.add_port();
    EXPECT_TRUE(pa && pb);
    if (!pa || !pb) return;
    server = std::make_unique<direct>(loop, **pa, config_for("10.0.0.1/24", 1));
    client = std::make_unique<direct>(loop, **pb, config_for("10.0.0.2/24", 2));
    EXPECT_TRUE(server->start() && client->start());
    app = std::make_unique<app_type>(loop);
  }
  ~echo_env() {
    // The application's start task first (it holds the listener), then the
    // application (its connections), then the stacks.
    background.reset();
    app.reset();
    client.reset();
    server.reset();
  }
  echo_env(const echo_env&) = delete;
  echo_env& operator=(const echo_env&) = delete;

  void boot() {
    ASSERT_TRUE(background->spawn(run_app(*app, keys, console, *server, status)));
    ASSERT_TRUE(loop.run(pause(loop, 10ms)));
  }
  template <class T>
  result<T> run(task<result<T>> t, atl::duration limit = 60s) {
    return loop.run(atl::with_timeout(loop, limit, std::move(t)));
  }
  [[nodiscard]] ip_endpoint at() const {
    return ip_endpoint{ip_addr(server->core().address()), atl::net::port(keys.port)};
  }

  echo_keys keys;
  atl::sim_platform platform;
  atl::engine loop{platform};
  atl::memory_switch net_switch{loop};
  std::unique_ptr<direct> server;
  std::unique_ptr<direct> client;
  atl::memory_console console;
  std::unique_ptr<app_type> app;
  std::unique_ptr<atl::task_set> background = std::make_unique<atl::task_set>(loop, "test");
  int status = -1;
};

TEST(echo, tcp_echoes_hundreds_of_kib_byte_exact) {
  echo_env env;
  ASSERT_TRUE(env.app);
  env.boot();
  EXPECT_EQ(env.console.text(), "echo: TCP and UDP port 7007\n");
  const auto data = pattern(std::size_t{384} * 1024, 1);
  std::vector<std::byte> got;
  auto r = env.run(echo_round(*env.client, env.at(), data, got));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  ASSERT_TRUE(env.run(pause(env.loop, 1s)));
  EXPECT_EQ(env.app->counters().accepted, 1U);
  EXPECT_EQ(env.app->counters().bytes, data.size());
  EXPECT_EQ(env.app->counters().live, 0U);  // the connection's task ended at EOF
  EXPECT_EQ(env.status, -1);                // still serving
}

TEST(echo, serves_connections_concurrently) {
  echo_env env;
  ASSERT_TRUE(env.app);
  env.boot();
  const std::vector<std::vector<std::byte>> data = {pattern(100'000, 2), pattern(1, 3),
                                                    pattern(65'536, 4)};
  std::vector<std::vector<std::byte>> got(3);
  auto r = env.run(three_rounds(*env.client, env.at(), data, got));
  ASSERT_TRUE(r) << r.error().message();
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(got[i] == data[i]) << i;
  EXPECT_EQ(env.app->counters().accepted, 3U);
  EXPECT_EQ(env.app->counters().bytes, 100'000U + 1U + 65'536U);
}

task<result<void>> over_the_limit(direct& client, ip_endpoint server,
                                  echo::unikernel<atl::memory_console, direct>& app,
                                  atl::engine& e) {
  auto first = co_await client.connect(server);
  if (!first) co_return first.error();
  auto second = co_await client.connect(server);
  if (!second) co_return second.error();
  co_await e.sleep_for(100ms);
  if (app.counters().live != 2) co_return atl::error(atl::errc::invalid_argument, "not 2 live");
  // A third connection is reset at once.
  auto third = co_await client.connect(server);
  if (!third) co_return third.error();
  auto refused = co_await third->read();
  if (refused || refused.error().code() != atl::errc::connection_reset) {
    co_return atl::error(atl::errc::invalid_argument, "the third connection was not reset");
  }
  // The first two are still served.
  auto wrote = co_await first->write(bufs(*atl::buf::copy_of("still here")));
  if (!wrote) co_return wrote.error();
  auto back = co_await first->read();
  if (!back) co_return back.error();
  if (back->text() != "still here") co_return atl::error(atl::errc::invalid_argument, "bad echo");
  // Once they go, there is room again.
  first->close();
  second->close();
  co_await e.sleep_for(1s);
  std::vector<std::byte> got;
  const auto data = pattern(1000, 5);
  auto again = co_await echo_round(client, server, data, got);
  if (!again) co_return again.error();
  if (got != data) co_return atl::error(atl::errc::invalid_argument, "bad echo after the limit");
  co_return atl::ok();
}

TEST(echo, resets_connections_past_max_connections) {
  echo_env env(echo_keys{7007, 2});
  ASSERT_TRUE(env.app);
  env.boot();
  auto r = env.run(over_the_limit(*env.client, env.at(), *env.app, env.loop));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(env.app->counters().refused, 1U);
  EXPECT_EQ(env.app->counters().accepted, 3U);
  EXPECT_EQ(env.app->counters().live, 0U);
}

task<result<void>> datagrams(direct& client, ip_endpoint server, std::size_t& echoed) {
  auto u = client.udp_bind(ip_endpoint{ip_addr::any(atl::net::ip_family::v4), {}});
  if (!u) co_return u.error();
  for (const std::size_t size :
       {std::size_t{1}, std::size_t{100}, std::size_t{1400}, std::size_t{8000}}) {
    const auto data = pattern(size, static_cast<unsigned>(size));
    auto sent = co_await u->send_to(server, bufs(*atl::buf::copy_of(data)));
    if (!sent) co_return sent.error();
    auto back = co_await u->receive();
    if (!back) co_return back.error();
    if (!(back->from == server)) co_return atl::error(atl::errc::invalid_argument, "wrong sender");
    const auto bytes = back->payload.bytes();
    if (!std::equal(bytes.begin(), bytes.end(), data.begin(), data.end())) {
      co_return atl::error(atl::errc::invalid_argument, "bad datagram echo");
    }
    ++echoed;
  }
  co_return atl::ok();
}

TEST(echo, udp_datagrams_come_back_to_their_sender) {
  echo_env env;
  ASSERT_TRUE(env.app);
  env.boot();
  std::size_t echoed = 0;
  auto r = env.run(datagrams(*env.client, env.at(), echoed));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(echoed, 4U);  // 8000 bytes: fragmented and reassembled both ways
  EXPECT_EQ(env.app->counters().datagrams, 4U);
}

TEST(echo, port_0_takes_one_free_port_for_tcp_and_udp) {
  echo_env env(echo_keys{0, 64});
  ASSERT_TRUE(env.app);
  env.boot();
  const std::string_view prefix = "echo: TCP and UDP port ";
  const std::string_view text = env.console.text();
  ASSERT_EQ(text.substr(0, prefix.size()), prefix);
  std::uint16_t chosen = 0;
  const auto digits = text.substr(prefix.size());
  ASSERT_EQ(std::from_chars(digits.data(), digits.data() + digits.size(), chosen).ec, std::errc{});
  ASSERT_NE(chosen, 0U);
  const ip_endpoint at{ip_addr(env.server->core().address()), atl::net::port(chosen)};
  const auto data = pattern(5000, 6);
  std::vector<std::byte> got;
  auto r = env.run(echo_round(*env.client, at, data, got));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(got == data);
  std::size_t echoed = 0;
  auto u = env.run(datagrams(*env.client, at, echoed));
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(echoed, 4U);
}

TEST(echo, a_port_in_use_ends_start_with_1) {
  echo_env env;
  ASSERT_TRUE(env.app);
  auto taken =
      env.server->listen(ip_endpoint{ip_addr::any(atl::net::ip_family::v4), atl::net::port(7007)});
  ASSERT_TRUE(taken);
  env.boot();
  EXPECT_EQ(env.status, 1);
  EXPECT_EQ(env.console.text(), "");
}

}  // namespace
