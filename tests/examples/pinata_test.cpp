// pinata over atoll's direct stack on virtual time: two direct stacks joined
// by the memory switch, the piñata on one (10.0.0.1), clients (and, for the
// client mode, servers) on the other (10.0.0.2). Certificates come from the
// test PKI of tests/tls: the piñata's CA, another CA, self-signed ones.
#include "../tls/test_pki.hpp"
#include "page.hpp"
#include "pinata.hpp"
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
#include <atoll/tls/config.hpp>
#include <atoll/tls/reason.hpp>
#include <atoll/tls/stream.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using atl::result;
using atl::task;
using atl::net::ip_addr;
using atl::net::ip_endpoint;
using atl::tls::reason;
namespace http = atl::net::http;
using direct = atl::net::direct_stack<atl::memory_switch::port>;
using flow = atl::net::direct_flow;
using kv = atl::memory_kv<atl::engine_wall_clock>;
using app_type = pinata::unikernel<atl::memory_console, direct, atl::chacha_random, kv>;

const std::string secret = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ\n";
const std::string address = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";

struct pinata_keys {
  std::uint16_t tls_port = 10443;
  std::uint16_t http_port = 8081;
  std::string_view client;
  std::string_view server_name = "pinata.test";
  std::uint64_t max_connections = 16;
};

atl::net::direct_config config_for(const char* text, std::uint64_t seed) {
  atl::net::direct_config c;
  auto a = atl::net::parse_ipv4_interface(text);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  c.seed = seed;
  return c;
}

task<result<void>> put(kv& store, const char* key, std::string_view value) {
  auto k = atl::kv_key::parse(key);
  if (!k) co_return k.error();
  co_return co_await store.set(*k, atl::as_bytes(value));
}

task<void> run_app(app_type& app, const pinata_keys& keys, atl::memory_console& console,
                   direct& stack, atl::chacha_random& random, kv& secrets, int& status) {
  status = co_await app.start(keys, console, stack, random, secrets);
}

task<result<void>> pause(atl::engine& e, atl::duration d) {
  co_await e.sleep_for(d);
  co_return atl::ok();
}

struct pinata_env {
  explicit pinata_env(pinata_keys k = {}) : keys(k) {
    auto pa = net_switch.add_port();
    auto pb = net_switch.add_port();
    EXPECT_TRUE(pa && pb);
    if (!pa || !pb) return;
    server = std::make_unique<direct>(loop, **pa, config_for("10.0.0.1/24", 1));
    client = std::make_unique<direct>(loop, **pb, config_for("10.0.0.2/24", 2));
    EXPECT_TRUE(server->start() && client->start());
    std::array<std::byte, 32> seed{};
    seed[0] = std::byte{9};
    auto r = atl::chacha_random::create(seed);
    EXPECT_TRUE(r);
    if (!r) return;
    random = std::make_unique<atl::chacha_random>(std::move(*r));
    const auto leaf = ca.server("pinata", {"pinata.test"});
    EXPECT_TRUE(loop.run(put(secrets, "ca.crt", ca.cert_pem())));
    EXPECT_TRUE(loop.run(put(secrets, "server.crt", leaf.cert)));
    EXPECT_TRUE(loop.run(put(secrets, "server.key", leaf.key)));
    EXPECT_TRUE(loop.run(put(secrets, "bitcoin.key", secret)));
    EXPECT_TRUE(loop.run(put(secrets, "bitcoin.address", address + "\n")));
    app = std::make_unique<app_type>(loop);
  }
  ~pinata_env() {
    background.reset();
    app.reset();
    client.reset();
    server.reset();
  }
  pinata_env(const pinata_env&) = delete;
  pinata_env& operator=(const pinata_env&) = delete;

  void boot() {
    ASSERT_TRUE(background->spawn(run_app(*app, keys, console, *server, *random, secrets, status)));
    ASSERT_TRUE(loop.run(pause(loop, 10ms)));
  }
  template <class T>
  result<T> run(task<result<T>> t, atl::duration limit = 60s) {
    return loop.run(atl::with_timeout(loop, limit, std::move(t)));
  }
  [[nodiscard]] ip_endpoint at(std::uint16_t port) const {
    return ip_endpoint{ip_addr(server->core().address()), atl::net::port(port)};
  }

  pinata_keys keys;
  atl::sim_platform platform;
  atl::engine loop{platform};
  atl::memory_switch net_switch{loop};
  atl::engine_wall_clock wall{loop, atl::wall_time(std::chrono::seconds(1'790'000'000))};
  kv secrets{wall, 64 << 10};
  atl::tls::test::authority ca{"pinata test CA"};
  std::unique_ptr<direct> server;
  std::unique_ptr<direct> client;
  std::unique_ptr<atl::chacha_random> random;
  atl::memory_console console;
  std::unique_ptr<app_type> app;
  std::unique_ptr<atl::task_set> background = std::make_unique<atl::task_set>(loop, "test");
  int status = -1;
};

/// attempt: a TLS client (trusting the piñata's CA) with `cert` (none when
/// empty); what it read until EOF or failure.
struct attempt_outcome {
  bool handshake = false;
  std::string got;
  reason failure = reason::none;
};

task<result<attempt_outcome>> attempt(direct& s, ip_endpoint at, atl::engine& e,
                                      const atl::tls::client_config& cfg) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  ATOLL_CO_TRY(auto tls, atl::tls::client<flow>::create(e, std::move(*f), cfg, "pinata.test"));
  attempt_outcome out;
  out.handshake = static_cast<bool>(co_await tls.handshake());
  for (;;) {
    auto got = co_await tls.read();
    if (!got) break;
    if (got->empty()) break;
    out.got.append(got->text());
  }
  out.failure = tls.failure();
  tls.close();
  co_return out;
}

atl::tls::client_config client_config(const std::string& ca_pem,
                                      const atl::tls::test::pem_pair* cert) {
  atl::tls::client_options o;
  o.ca_pem = ca_pem;
  if (cert) {
    o.chain_pem = cert->cert;
    o.key_pem = cert->key;
  }
  auto c = atl::tls::client_config::create(o);
  EXPECT_TRUE(c) << c.error().message();
  return std::move(*c);
}

task<result<http::client_response>> get_page(direct& s, ip_endpoint at, atl::engine& e) {
  auto f = co_await s.connect(at);
  if (!f) co_return f.error();
  http::client<flow> c(e, *f, "pinata.test");
  co_return co_await c.request(http::method::get, "/");
}

TEST(pinata, gives_the_secret_to_a_client_certified_by_its_ca) {
  pinata_env env;
  ASSERT_TRUE(env.app);
  env.boot();
  EXPECT_EQ(env.console.text(),
            "pinata: the secret on TLS port 10443, the page on http://localhost:8081/\n");
  const auto mine = env.ca.client("bounty hunter");
  const auto cfg = client_config(env.ca.cert_pem(), &mine);
  auto r = env.run(attempt(*env.client, env.at(10443), env.loop, cfg));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->handshake);
  EXPECT_EQ(r->got, secret);
  EXPECT_EQ(env.app->seen().connections, 1U);
  EXPECT_EQ(env.app->seen().secrets_given, 1U);
  EXPECT_EQ(env.app->seen().failed_total(), 0U);
}

TEST(pinata, refuses_other_clients_and_counts_them_by_reason) {
  pinata_env env;
  ASSERT_TRUE(env.app);
  env.boot();
  atl::tls::test::authority other("another CA");
  const auto self_signed = atl::tls::test::self_signed("hunter");
  const auto foreign = other.client("hunter");
  const atl::tls::test::pem_pair* const certs[] = {&self_signed, &foreign, nullptr};
  for (const auto* cert : certs) {
    const auto cfg = client_config(env.ca.cert_pem(), cert);
    auto r = env.run(attempt(*env.client, env.at(10443), env.loop, cfg));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(r->got.empty()) << "secret leaked to a client";
    EXPECT_NE(r->failure, reason::none);
  }
  ASSERT_TRUE(env.run(pause(env.loop, 100ms)));
  const auto& seen = env.app->seen();
  EXPECT_EQ(seen.connections, 3U);
  EXPECT_EQ(seen.secrets_given, 0U);
  EXPECT_EQ(seen.failed_total(), 3U);
  EXPECT_EQ(seen.failed[static_cast<std::size_t>(reason::certificate_required)], 1U);
  // A chain to a CA it does not trust: BoringSSL's reason for both kinds.
  EXPECT_EQ(seen.failed[static_cast<std::size_t>(reason::unknown_ca)] +
                seen.failed[static_cast<std::size_t>(reason::bad_certificate)],
            2U);

  // The page shows the counters and the address, never the key.
  auto page = env.run(get_page(*env.client, env.at(8081), env.loop));
  ASSERT_TRUE(page) << page.error().message();
  EXPECT_EQ(page->code, 200);
  EXPECT_EQ(page->get("Content-Type"), "text/html; charset=utf-8");
  const std::string text(page->text());
  EXPECT_NE(text.find(address), std::string::npos);
  EXPECT_NE(text.find("<tr><td>connections</td><td>3</td></tr>"), std::string::npos) << text;
  EXPECT_NE(text.find("<tr><td>failed handshakes</td><td>3</td></tr>"), std::string::npos);
  EXPECT_NE(text.find("<tr><td>successful handshakes (secret given)</td><td>0</td></tr>"),
            std::string::npos);
  EXPECT_NE(text.find("<tr><td>failed: certificate_required</td><td>1</td></tr>"),
            std::string::npos);
  EXPECT_EQ(text.find(secret.substr(0, 20)), std::string::npos);
  EXPECT_EQ(env.console.text().find(secret.substr(0, 20)), std::string::npos);
}

TEST(pinata, page_escapes_and_lists_every_reason) {
  pinata::counters c;
  c.connections = 7;
  c.fail(reason::unknown_ca);
  c.fail(reason::unknown_ca);
  ++c.timeouts;
  pinata::page_text out;
  pinata::render_page(out, "1<b>&", 443, c);
  const std::string_view text = out.view();
  EXPECT_NE(text.find("1&lt;b&gt;&amp;"), std::string_view::npos);
  EXPECT_EQ(text.find("1<b>"), std::string_view::npos);
  EXPECT_NE(text.find("<tr><td>failed handshakes</td><td>3</td></tr>"), std::string_view::npos);
  EXPECT_NE(text.find("<tr><td>failed: unknown_ca</td><td>2</td></tr>"), std::string_view::npos);
  EXPECT_NE(text.find("<tr><td>failed: other</td><td>0</td></tr>"), std::string_view::npos);
  EXPECT_NE(text.find("TLS port 443"), std::string_view::npos);
  EXPECT_TRUE(text.ends_with("</html>\n"));
}

/// receive: a TLS server on the client stack's port 4433 with `leaf`; what
/// one connection sent before EOF.
task<result<std::string>> receive(direct& s, atl::engine& e, const atl::tls::server_config& cfg) {
  auto l = s.listen(ip_endpoint{ip_addr::any(atl::net::ip_family::v4), atl::net::port(4433)});
  if (!l) co_return l.error();
  ATOLL_CO_TRY(auto f, co_await l->accept());
  ATOLL_CO_TRY(auto tls, atl::tls::server<flow>::create(e, std::move(f), cfg));
  std::string got;
  for (;;) {
    auto piece = co_await tls.read();
    if (!piece || piece->empty()) break;
    got.append(piece->text());
  }
  tls.close();
  co_return got;
}

task<result<void>> start_app(app_type& app, const pinata_keys& keys, atl::memory_console& console,
                             direct& stack, atl::chacha_random& random, kv& secrets, int& status) {
  status = co_await app.start(keys, console, stack, random, secrets);
  co_return atl::ok();
}

task<result<std::string>> client_mode(app_type& app, const pinata_keys& keys,
                                      atl::memory_console& console, direct& stack,
                                      atl::chacha_random& random, kv& secrets, direct& peer,
                                      atl::engine& e, const atl::tls::server_config& cfg,
                                      int& status) {
  auto [got, done] = co_await atl::all(
      receive(peer, e, cfg), start_app(app, keys, console, stack, random, secrets, status));
  (void)done;
  co_return got;
}

atl::tls::server_config server_config(const atl::tls::test::pem_pair& leaf) {
  const atl::tls::certificate_pem certs[] = {{"", leaf.cert, leaf.key}};
  atl::tls::server_options o;
  o.certificates = certs;
  auto c = atl::tls::server_config::create(o);
  EXPECT_TRUE(c) << c.error().message();
  return std::move(*c);
}

TEST(pinata, client_mode_sends_the_secret_only_to_a_server_of_its_ca) {
  pinata_keys keys;
  keys.client = "10.0.0.2:4433";
  {
    pinata_env env(keys);
    ASSERT_TRUE(env.app);
    const auto cfg = server_config(env.ca.server("good", {"pinata.test"}));
    auto got = env.run(client_mode(*env.app, env.keys, env.console, *env.server, *env.random,
                                   env.secrets, *env.client, env.loop, cfg, env.status));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, secret);
    EXPECT_EQ(env.status, 0);
    EXPECT_EQ(env.console.text(), "pinata: sent the secret to 10.0.0.2:4433\n");
  }
  {
    pinata_env env(keys);
    ASSERT_TRUE(env.app);
    atl::tls::test::authority other("another CA");
    const auto cfg = server_config(other.server("evil", {"pinata.test"}));
    auto got = env.run(client_mode(*env.app, env.keys, env.console, *env.server, *env.random,
                                   env.secrets, *env.client, env.loop, cfg, env.status));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(got->empty());
    EXPECT_EQ(env.status, 1);
    EXPECT_TRUE(env.console.text().starts_with("pinata: did not send the secret to 10.0.0.2:4433"))
        << env.console.text();
    EXPECT_EQ(env.console.text().find(secret.substr(0, 20)), std::string::npos);
  }
}

}  // namespace
