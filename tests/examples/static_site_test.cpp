// static-site over atoll's direct stack on virtual time: two direct stacks
// joined by the memory switch, the site on one (10.0.0.1), clients on the
// other. Pages over HTTP and HTTPS (atoll's own TLS client, the chain checked
// against the test CA), a body larger than one device slice, the redirect to
// HTTPS and HSTS by key, and HTTP alone when there is no certificate.
#include "../tls/test_pki.hpp"
#include "site.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/chacha_random.hpp>
#include <atoll/devices/engine_clock.hpp>
#include <atoll/devices/memory_console.hpp>
#include <atoll/devices/memory_kv.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>
#include <atoll/net/http/client.hpp>
#include <atoll/tls/stream.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using atl::result;
using atl::task;
using atl::net::ip_addr;
using atl::net::ip_endpoint;
namespace http = atl::net::http;
using direct = atl::net::direct_stack<atl::memory_switch::port>;
using flow = atl::net::direct_flow;
using kv = atl::memory_kv<atl::engine_wall_clock>;
using app_type = static_site::unikernel<atl::memory_console, direct, atl::chacha_random, kv, kv>;

struct site_keys {
  std::uint16_t http_port = 80;
  std::uint16_t https_port = 443;
  bool https_redirect = false;
  std::uint64_t hsts = 0;
  std::uint64_t max_connections = 64;
  atl::duration header_timeout = 10s;
  atl::duration idle_timeout = 60s;
};

atl::net::direct_config config_for(const char* address, std::uint64_t seed) {
  atl::net::direct_config c;
  auto a = atl::net::parse_ipv4_interface(address);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  c.seed = seed;
  return c;
}

std::string big_body() {
  std::string s(700 * 1024, '\0');
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 997) % 26);
  return s;
}

const std::string index_html = "<!DOCTYPE html><title>test</title><p>hello from the site</p>\n";

task<result<void>> put(kv& store, const char* key, std::string_view value) {
  auto k = atl::kv_key::parse(key);
  if (!k) co_return k.error();
  co_return co_await store.set(*k, atl::as_bytes(value));
}

task<void> run_app(app_type& app, const site_keys& keys, atl::memory_console& console,
                   direct& stack, atl::chacha_random& random, kv& htdocs, kv& tls, int& status) {
  status = co_await app.start(keys, console, stack, random, htdocs, tls);
}

struct site_env {
  explicit site_env(site_keys k, bool with_certificate) : keys(k) {
    auto pa = net_switch.add_port();
    auto pb = net_switch.add_port();
    EXPECT_TRUE(pa && pb);
    if (!pa || !pb) return;
    server = std::make_unique<direct>(loop, **pa, config_for("10.0.0.1/24", 1));
    client = std::make_unique<direct>(loop, **pb, config_for("10.0.0.2/24", 2));
    EXPECT_TRUE(server->start() && client->start());
    std::array<std::byte, 32> seed{};
    seed[0] = std::byte{7};
    auto r = atl::chacha_random::create(seed);
    EXPECT_TRUE(r);
    if (!r) return;
    random = std::make_unique<atl::chacha_random>(std::move(*r));
    EXPECT_TRUE(loop.run(put(htdocs, "index.html", index_html)));
    EXPECT_TRUE(loop.run(put(htdocs, "big.bin", big)));
    if (with_certificate) {
      const auto leaf = ca.server("site", {"site.test"});
      EXPECT_TRUE(loop.run(put(tls, "server.crt", leaf.cert + ca.cert_pem())));
      EXPECT_TRUE(loop.run(put(tls, "server.key", leaf.key)));
    }
    app = std::make_unique<app_type>(loop);
  }
  ~site_env() {
    background.reset();
    app.reset();
    client.reset();
    server.reset();
  }
  site_env(const site_env&) = delete;
  site_env& operator=(const site_env&) = delete;

  void boot() {
    ASSERT_TRUE(
        background->spawn(run_app(*app, keys, console, *server, *random, htdocs, tls, status)));
    ASSERT_TRUE(loop.run(pause(loop, 10ms)));
  }
  static task<result<void>> pause(atl::engine& e, atl::duration d) {
    co_await e.sleep_for(d);
    co_return atl::ok();
  }
  template <class T>
  result<T> run(task<result<T>> t, atl::duration limit = 120s) {
    return loop.run(atl::with_timeout(loop, limit, std::move(t)));
  }
  [[nodiscard]] ip_endpoint at(std::uint16_t port) const {
    return ip_endpoint{ip_addr(server->core().address()), atl::net::port(port)};
  }

  site_keys keys;
  atl::sim_platform platform;
  atl::engine loop{platform};
  atl::memory_switch net_switch{loop};
  atl::engine_wall_clock wall{loop, atl::wall_time(std::chrono::seconds(1'790'000'000))};
  kv htdocs{wall, 4 << 20};
  kv tls{wall, 64 << 10};
  atl::tls::test::authority ca{"static-site test CA"};
  std::string big = big_body();
  std::unique_ptr<direct> server;
  std::unique_ptr<direct> client;
  std::unique_ptr<atl::chacha_random> random;
  atl::memory_console console;
  std::unique_ptr<app_type> app;
  std::unique_ptr<atl::task_set> background = std::make_unique<atl::task_set>(loop, "test");
  int status = -1;
};

task<result<std::vector<http::client_response>>> over_http(direct& s, ip_endpoint at,
                                                           atl::engine& e) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  http::client<flow> c(e, *f, "site.test");
  std::vector<http::client_response> out;
  for (const char* target : {"/", "/big.bin", "/missing"}) {
    ATOLL_CO_TRY(auto r, co_await c.request(http::method::get, target));
    out.push_back(std::move(r));
  }
  co_return out;
}

struct tls_outcome {
  std::vector<http::client_response> responses;
  std::string alpn;
  bool resumed = false;
};

task<result<tls_outcome>> over_https(direct& s, ip_endpoint at, atl::engine& e,
                                     const atl::tls::client_config& cfg) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  ATOLL_CO_TRY(auto tls, atl::tls::client<flow>::create(e, std::move(*f), cfg, "site.test"));
  ATOLL_CO_TRYV(co_await tls.handshake());
  http::client<atl::tls::client<flow>> c(e, tls, "site.test");
  tls_outcome out;
  for (const char* target : {"/", "/big.bin"}) {
    ATOLL_CO_TRY(auto r, co_await c.request(http::method::get, target));
    out.responses.push_back(std::move(r));
  }
  out.alpn = std::string(tls.alpn());
  ATOLL_CO_TRYV(co_await tls.shutdown());
  co_return out;
}

TEST(static_site, serves_pages_over_http_and_https) {
  site_keys keys;
  keys.hsts = 3600;
  site_env env(keys, true);
  ASSERT_TRUE(env.app);
  env.boot();
  EXPECT_EQ(env.console.text(), "static-site: http://localhost:80/ and https://localhost:443/\n");

  auto plain = env.run(over_http(*env.client, env.at(80), env.loop));
  ASSERT_TRUE(plain) << plain.error().message();
  ASSERT_EQ(plain->size(), 3U);
  EXPECT_EQ((*plain)[0].code, 200);
  EXPECT_EQ((*plain)[0].text(), index_html);
  EXPECT_EQ((*plain)[0].get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_FALSE((*plain)[0].get("Strict-Transport-Security"));
  EXPECT_EQ((*plain)[1].code, 200);
  EXPECT_TRUE((*plain)[1].text() == env.big);  // several device slices
  EXPECT_EQ((*plain)[2].code, 404);

  const std::string alpn_offer = "http/1.1";
  const std::string_view alpn[] = {alpn_offer};
  atl::tls::client_options options;
  options.ca_pem = env.ca.cert_pem();
  options.alpn = alpn;
  auto cfg = atl::tls::client_config::create(options);
  ASSERT_TRUE(cfg) << cfg.error().message();
  auto secure = env.run(over_https(*env.client, env.at(443), env.loop, *cfg));
  ASSERT_TRUE(secure) << secure.error().message();
  ASSERT_EQ(secure->responses.size(), 2U);
  EXPECT_EQ(secure->responses[0].text(), index_html);
  EXPECT_EQ(secure->responses[0].get("Strict-Transport-Security"), "max-age=3600");
  EXPECT_TRUE(secure->responses[1].text() == env.big);
  EXPECT_EQ(secure->alpn, "http/1.1");

  ASSERT_NE(env.app->http_server(), nullptr);
  ASSERT_NE(env.app->https_server(), nullptr);
  EXPECT_EQ(env.app->http_server()->stats().requests, 3U);
  EXPECT_EQ(env.app->https_server()->stats().requests, 2U);
  EXPECT_EQ(env.status, -1);  // still serving
}

task<result<http::client_response>> get_one(direct& s, ip_endpoint at, atl::engine& e,
                                            const char* target) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  http::client<flow> c(e, *f, "site.test");
  co_return co_await c.request(http::method::get, target);
}

TEST(static_site, redirects_http_to_https_by_key) {
  site_keys keys;
  keys.https_redirect = true;
  site_env env(keys, true);
  ASSERT_TRUE(env.app);
  env.boot();
  auto r = env.run(get_one(*env.client, env.at(80), env.loop, "/big.bin"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->code, 301);
  EXPECT_EQ(r->get("Location"), "https://site.test/big.bin");
}

TEST(static_site, serves_http_alone_without_a_certificate) {
  site_keys keys;
  keys.https_redirect = true;  // meaningless without HTTPS: ignored
  site_env env(keys, false);
  ASSERT_TRUE(env.app);
  env.boot();
  EXPECT_EQ(env.console.text(), "static-site: http://localhost:80/\n");
  EXPECT_EQ(env.app->https_server(), nullptr);
  auto r = env.run(get_one(*env.client, env.at(80), env.loop, "/"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(r->text(), index_html);
}

}  // namespace
