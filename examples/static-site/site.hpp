// static-site: a static website over HTTP and HTTPS, from a KvRo device.
//
// Two HTTP servers (net/http/server.hpp) share one static-files handler
// each, on IPv4 and (when the stack has it) IPv6: one on http-port over
// plain TCP, one on https-port over TLS
// (tls/stream.hpp), both over whatever stack the target hands in. The site
// is the `htdocs` device (crunched into the program by default); the
// certificate and key come from the `tls` device (server.crt: the chain,
// server.key), and without them only HTTP is served. Session tickets are
// on, their key made from the random device and rotated every
// ticket_rotation, so a resumed handshake needs a ticket at most two
// rotations old.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/log.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/console.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/random.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/http/server.hpp>
#include <atoll/net/http/static_files.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/tls/config.hpp>
#include <atoll/tls/stream.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace static_site {

using namespace std::chrono_literals;

template <atl::console Console, atl::net::stack Stack, atl::random Random, atl::kv_ro Htdocs,
          atl::kv_ro Tls>
class unikernel {
public:
  /// How often the session-ticket key changes.
  static constexpr atl::duration ticket_rotation = 1h;
  /// How long a TLS handshake may take.
  static constexpr atl::duration handshake_timeout = 10s;

  explicit unikernel(atl::engine& e) noexcept : engine_(&e), tasks_(e, "static-site") {}

  template <class Keys>
  atl::task<int> start(const Keys& keys, Console& console, Stack& stack, Random& random,
                       Htdocs& htdocs, Tls& tls) {
    atl::net::site_config site;
    site.redirect_to_https = keys.https_redirect;
    site.https_port = keys.https_port;
    if (keys.hsts > 0) site.hsts_max_age = static_cast<std::uint32_t>(keys.hsts);
    atl::net::http::server_config http;
    http.max_connections = keys.max_connections;
    http.header_timeout = keys.header_timeout;
    http.idle_timeout = keys.idle_timeout;

    // HTTPS first: whether it is on decides what HTTP redirects to.
    auto tls_config = co_await load_tls(tls, random);
    if (!tls_config) {
      log_.warn("HTTPS is off: ", tls_config.error().message());
      site.redirect_to_https = false;
    }

    plain_files_ = std::make_unique<files_type>(htdocs, site, false);
    plain_ = std::make_unique<server_type>(*engine_, *plain_files_, http);
    auto plain_listener = listen(stack, keys.http_port);
    if (!plain_listener) co_return 1;
    if (!co_await spawn(serve_plain(*plain_, std::move(*plain_listener)))) co_return 1;
    if (auto v6 = listen_v6(stack, keys.http_port)) {
      if (!co_await spawn(serve_plain(*plain_, std::move(*v6)))) co_return 1;
    }

    if (tls_config) {
      tls_ = std::make_unique<atl::tls::server_config>(std::move(*tls_config));
      tls_files_ = std::make_unique<files_type>(htdocs, site, true);
      tls_server_ = std::make_unique<server_type>(*engine_, *tls_files_, http);
      auto tls_listener = listen(stack, keys.https_port);
      if (!tls_listener) co_return 1;
      if (!co_await spawn(serve_tls(*engine_, *tls_server_, std::move(*tls_listener), *tls_)))
        co_return 1;
      if (auto v6 = listen_v6(stack, keys.https_port)) {
        if (!co_await spawn(serve_tls(*engine_, *tls_server_, std::move(*v6), *tls_))) co_return 1;
      }
      if (!co_await spawn(rotate_tickets(*engine_, *tls_, random))) co_return 1;
    }

    atl::text_buffer<128> line("static-site: http://localhost:", keys.http_port, "/");
    if (tls_) line.append(" and https://localhost:").append(keys.https_port).append("/");
    line.append("\n");
    (void)console.write(line.view());
    co_await tasks_.join();
    co_return 0;
  }

  using files_type = atl::net::http::static_files<Htdocs>;
  using server_type = atl::net::http::server<files_type>;

  /// servers: the HTTP and HTTPS servers (HTTPS null when off), for tests.
  [[nodiscard]] const server_type* http_server() const noexcept { return plain_.get(); }
  [[nodiscard]] const server_type* https_server() const noexcept { return tls_server_.get(); }

private:
  using flow_type = typename Stack::flow_type;
  using listener_type = typename Stack::listener_type;

  atl::result<listener_type> listen(Stack& stack, std::uint16_t port) noexcept {
    auto l = stack.listen(atl::net::ip_endpoint{atl::net::ip_addr::any(atl::net::ip_family::v4),
                                                atl::net::port(port)});
    if (!l) log_.error("cannot listen on TCP port ", port, ": ", l.error().message());
    return l;
  }

  /// listen_v6: the same port over IPv6 too, when the stack has IPv6 (the
  /// socket stack on a host with it; the direct stack with --ipv6).
  std::optional<listener_type> listen_v6(Stack& stack, std::uint16_t port) noexcept {
    auto l = stack.listen(atl::net::ip_endpoint{atl::net::ip_addr::any(atl::net::ip_family::v6),
                                                atl::net::port(port)});
    if (!l) {
      log_.info("not on IPv6 port ", port, ": ", l.error().message());
      return std::nullopt;
    }
    return std::move(*l);
  }

  atl::task<bool> spawn(atl::task<atl::result<void>> t) noexcept {
    auto spawned = tasks_.spawn(std::move(t));
    if (!spawned) log_.error("cannot start a server: ", spawned.error().message());
    co_return static_cast<bool>(spawned);
  }

  /// tls_wrap: a TLS server over each accepted flow, its handshake bounded
  /// by handshake_timeout (a client that stalls in it holds nothing long).
  struct tls_wrap {
    atl::engine* engine;
    const atl::tls::server_config* config;
    atl::task<atl::result<atl::tls::server<flow_type>>> operator()(flow_type f) const noexcept {
      auto tls = atl::tls::server<flow_type>::create(*engine, std::move(f), *config);
      if (!tls) co_return tls.error();
      auto done = co_await atl::with_timeout(*engine, handshake_timeout, tls->handshake());
      if (!done) {
        tls->close();
        co_return done.error();
      }
      co_return std::move(*tls);
    }
  };

  static atl::task<atl::result<void>> serve_plain(server_type& s, listener_type l) noexcept {
    co_return co_await s.run(l);
  }

  static atl::task<atl::result<void>> serve_tls(atl::engine& e, server_type& s, listener_type l,
                                                atl::tls::server_config& cfg) noexcept {
    co_return co_await s.run(l, tls_wrap{&e, &cfg});
  }

  /// load_tls: the server configuration from tls's server.crt and server.key,
  /// with a first ticket key.
  static atl::task<atl::result<atl::tls::server_config>> load_tls(Tls& tls, Random& random) {
    auto chain = co_await tls.get(*atl::kv_key::parse("server.crt"));
    if (!chain) co_return chain.error();
    auto key = co_await tls.get(*atl::kv_key::parse("server.key"));
    if (!key) co_return key.error();
    std::array<std::byte, atl::tls::ticket_key_size> ticket{};
    random.fill(ticket);
    const atl::tls::certificate_pem certs[] = {{"", chain->text(), key->text()}};
    const std::string_view alpn[] = {"http/1.1"};
    atl::tls::server_options options;
    options.certificates = certs;
    options.alpn = alpn;
    options.ticket_key = ticket;
    co_return atl::tls::server_config::create(options);
  }

  static atl::task<atl::result<void>> rotate_tickets(atl::engine& e, atl::tls::server_config& cfg,
                                                     Random& random) noexcept {
    for (;;) {
      co_await e.sleep_for(ticket_rotation);
      std::array<std::byte, atl::tls::ticket_key_size> ticket{};
      random.fill(ticket);
      if (auto r = cfg.rotate_ticket_key(ticket); !r) co_return r.error();
    }
  }

  atl::engine* engine_;
  atl::log_source log_{"static-site"};
  std::unique_ptr<atl::tls::server_config> tls_;
  std::unique_ptr<files_type> plain_files_;
  std::unique_ptr<files_type> tls_files_;
  std::unique_ptr<server_type> plain_;
  std::unique_ptr<server_type> tls_server_;
  atl::task_set tasks_;  // last: its tasks use everything above
};

}  // namespace static_site
