// pinata: a TLS bug bounty, after MirageOS's Bitcoin piñata.
//
// The `secrets` device holds the piñata's CA (ca.crt), its server
// certificate and key (server.crt, server.key, signed by that CA), a Bitcoin
// private key (bitcoin.key, WIF: the secret) and its address
// (bitcoin.address). Two modes:
//   server (default)  on tls-port, TLS that requires a client certificate
//                     verifying against ca.crt: a client that has one is
//                     sent the secret, then the connection closes; any other
//                     gets the TLS alert and nothing else. On http-port, a
//                     page about the bounty with the address (never the key)
//                     and live counters (page.hpp).
//   client (--client=IP:PORT)  connects as a TLS client that trusts only
//                     ca.crt (chain, and the name server-name), sends the
//                     secret only after a verified handshake, reports on the
//                     console and ends: 0 sent, 1 not sent.
// The secret is held in one buffer and copied only into TLS writes: it is
// never logged, printed or put on the page.
#pragma once

#include "counters.hpp"
#include "page.hpp"
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
#include <atoll/net/stack.hpp>
#include <atoll/tls/config.hpp>
#include <atoll/tls/reason.hpp>
#include <atoll/tls/stream.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pinata {

using namespace std::chrono_literals;

template <atl::console Console, atl::net::stack Stack, atl::random Random, atl::kv_ro Secrets>
class unikernel {
public:
  /// How long a TLS handshake, a connect, or sending the secret may take.
  static constexpr atl::duration handshake_timeout = 10s;
  static constexpr atl::duration connect_timeout = 10s;
  static constexpr atl::duration send_timeout = 10s;
  /// How often the session-ticket key changes.
  static constexpr atl::duration ticket_rotation = 1h;
  /// The largest file read from the secrets device.
  static constexpr std::size_t max_file = std::size_t{256} * 1024;

  explicit unikernel(atl::engine& e) noexcept : engine_(&e), tasks_(e, "pinata") {}

  template <class Keys>
  atl::task<int> start(const Keys& keys, Console& console, Stack& stack, Random& random,
                       Secrets& secrets) {
    auto loaded = co_await load(secrets);
    if (!loaded) {
      log_.error("cannot read the secrets: ", loaded.error().message());
      co_return 1;
    }
    if (!keys.client.empty()) {
      co_return co_await run_client(keys.client, keys.server_name, console, stack);
    }
    co_return co_await run_server(keys, console, stack, random);
  }

  using page_server = atl::net::http::server<page_handler>;

  /// seen: the counters (the page shows them), for tests.
  [[nodiscard]] const counters& seen() const noexcept { return seen_; }

private:
  using flow_type = typename Stack::flow_type;
  using listener_type = typename Stack::listener_type;

  /// load: the files of the `secrets` device into this object.
  atl::task<atl::result<void>> load(Secrets& secrets) {
    static constexpr const char* names[] = {"ca.crt", "server.crt", "server.key", "bitcoin.key",
                                            "bitcoin.address"};
    std::string* const into[] = {&ca_, &chain_, &key_, &secret_, &address_};
    for (std::size_t i = 0; i < std::size(names); ++i) {
      auto got = co_await secrets.get(*atl::kv_key::parse(names[i]));
      if (!got) co_return atl::error(got.error().code(), names[i], ": ", got.error().message());
      if (got->size() > max_file) {
        co_return atl::error(atl::errc::limit_exceeded, names[i], " is too large");
      }
      into[i]->assign(got->text());
    }
    // The address is shown on one line of the page: no surrounding space.
    while (!address_.empty() &&
           (address_.back() == '\n' || address_.back() == '\r' || address_.back() == ' ')) {
      address_.pop_back();
    }
    if (secret_.empty()) co_return atl::error(atl::errc::invalid_argument, "bitcoin.key is empty");
    co_return atl::ok();
  }

  template <class Keys>
  atl::task<int> run_server(const Keys& keys, Console& console, Stack& stack, Random& random) {
    std::array<std::byte, atl::tls::ticket_key_size> ticket{};
    random.fill(ticket);
    const atl::tls::certificate_pem certs[] = {{"", chain_, key_}};
    atl::tls::server_options options;
    options.certificates = certs;
    options.verify_clients = atl::tls::client_auth::required;
    options.client_ca_pem = ca_;
    options.ticket_key = ticket;
    auto config = atl::tls::server_config::create(options);
    if (!config) {
      log_.error("bad TLS certificate or key: ", config.error().message());
      co_return 1;
    }
    server_config_ = std::make_unique<atl::tls::server_config>(std::move(*config));

    auto tls_listener = listen(stack, keys.tls_port);
    auto http_listener = listen(stack, keys.http_port);
    if (!tls_listener || !http_listener) co_return 1;
    page_ = std::make_unique<page_handler>(page_handler{&seen_, address_, keys.tls_port});
    atl::net::http::server_config http;
    http.max_connections = keys.max_connections;
    http_ = std::make_unique<page_server>(*engine_, *page_, http);

    if (!spawn(serve_page(*http_, std::move(*http_listener))) ||
        !spawn(serve_tls(*this, std::move(*tls_listener), keys.max_connections)) ||
        !spawn(rotate_tickets(*engine_, *server_config_, random))) {
      co_return 1;
    }
    atl::text_buffer<160> line("pinata: the secret on TLS port ", keys.tls_port,
                               ", the page on http://localhost:", keys.http_port, "/\n");
    (void)console.write(line.view());
    co_await tasks_.join();
    co_return 0;
  }

  atl::result<listener_type> listen(Stack& stack, std::uint16_t port) noexcept {
    auto l = stack.listen(atl::net::ip_endpoint{atl::net::ip_addr::any(atl::net::ip_family::v4),
                                                atl::net::port(port)});
    if (!l) log_.error("cannot listen on TCP port ", port, ": ", l.error().message());
    return l;
  }

  bool spawn(atl::task<atl::result<void>> t) noexcept {
    auto spawned = tasks_.spawn(std::move(t));
    if (!spawned) log_.error("cannot start a task: ", spawned.error().message());
    return static_cast<bool>(spawned);
  }

  static atl::task<atl::result<void>> serve_page(page_server& s, listener_type l) noexcept {
    co_return co_await s.run(l);
  }

  /// serve_tls: accepts connections on the TLS port, each served by its own
  /// task, at most `limit` at once (more are closed at once and counted).
  static atl::task<atl::result<void>> serve_tls(unikernel& self, listener_type l,
                                                std::uint64_t limit) noexcept {
    for (;;) {
      auto f = co_await l.accept();
      if (!f) {
        if (f.error().code() == atl::errc::closed) co_return atl::ok();
        self.log_.warn("accept: ", f.error().message());
        co_await self.engine_->sleep_for(100ms);  // e.g. out of descriptors: let some go
        continue;
      }
      ++self.seen_.connections;
      if (self.active_ >= limit) {
        ++self.seen_.busy;
        f->close();
        continue;
      }
      ++self.active_;
      if (!self.tasks_.spawn(give(self, std::move(*f)))) {
        --self.active_;
        ++self.seen_.busy;
      }
    }
  }

  /// give: one connection to the TLS port: the handshake, and the secret to
  /// a client whose certificate verified.
  static atl::task<atl::result<void>> give(unikernel& self, flow_type f) noexcept {
    struct release {
      std::uint64_t* active;
      ~release() { --*active; }
    } const done{&self.active_};
    auto tls =
        atl::tls::server<flow_type>::create(*self.engine_, std::move(f), *self.server_config_);
    if (!tls) {
      self.seen_.fail(atl::tls::reason::internal_error);
      co_return atl::ok();
    }
    auto shaken = co_await atl::with_timeout(*self.engine_, handshake_timeout, tls->handshake());
    if (!shaken) {
      if (tls->failure() != atl::tls::reason::none) {
        self.seen_.fail(tls->failure());
      } else if (shaken.error().code() == atl::errc::timed_out) {
        ++self.seen_.timeouts;
      } else {
        self.seen_.fail(atl::tls::reason::truncated);  // the flow failed under the handshake
      }
      tls->close();
      co_return atl::ok();
    }
    // BoringSSL refused unverified clients already (client_auth::required);
    // checked again here, as nothing else guards the secret.
    if (const auto peer = tls->peer(); !peer.present || !peer.verified) {
      self.seen_.fail(atl::tls::reason::bad_certificate);
      tls->close();
      co_return atl::ok();
    }
    auto secret = atl::buf::copy_of(self.secret_);
    if (!secret) {
      tls->close();
      co_return atl::ok();
    }
    auto sent = co_await atl::with_timeout(*self.engine_, send_timeout,
                                           tls->write(atl::bufs(std::move(*secret))));
    if (sent) {
      ++self.seen_.secrets_given;
      if (tls->resumed()) ++self.seen_.resumed;
      (void)co_await atl::with_timeout(*self.engine_, send_timeout, tls->shutdown());
    }
    tls->close();
    co_return atl::ok();
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

  /// run_client: the secret to the server at `target` if, and only if, its
  /// certificate verifies against ca.crt for `name`. 0 sent, 1 not.
  atl::task<int> run_client(std::string_view target, std::string_view name, Console& console,
                            Stack& stack) {
    auto sent = co_await send_to(target, name, stack);
    atl::text_buffer<512> line("pinata: ");
    if (sent) {
      line.append("sent the secret to ").append(target).append("\n");
    } else {
      line.append("did not send the secret to ")
          .append(target)
          .append(": ")
          .append(sent.error().message())
          .append("\n");
    }
    (void)console.write(line.view());
    co_return sent ? 0 : 1;
  }

  atl::task<atl::result<void>> send_to(std::string_view target, std::string_view name,
                                       Stack& stack) {
    auto at = atl::net::ip_endpoint::parse(target);
    if (!at) co_return atl::error(atl::errc::invalid_argument, "--client wants IP:PORT");
    atl::tls::client_options options;
    options.ca_pem = ca_;
    ATOLL_CO_TRY(auto config, atl::tls::client_config::create(options));
    ATOLL_CO_TRY(auto f, co_await atl::with_timeout(*engine_, connect_timeout, stack.connect(*at)));
    ATOLL_CO_TRY(auto tls,
                 atl::tls::client<flow_type>::create(*engine_, std::move(f), config, name));
    auto shaken = co_await atl::with_timeout(*engine_, handshake_timeout, tls.handshake());
    if (!shaken || !tls.peer().verified) {
      tls.close();
      if (!shaken) co_return shaken.error();
      co_return atl::error(atl::errc::refused, "the server's certificate did not verify");
    }
    ATOLL_CO_TRY(auto secret, atl::buf::copy_of(secret_));
    auto wrote =
        co_await atl::with_timeout(*engine_, send_timeout, tls.write(atl::bufs(std::move(secret))));
    if (wrote) (void)co_await atl::with_timeout(*engine_, send_timeout, tls.shutdown());
    tls.close();
    co_return wrote;
  }

  atl::engine* engine_;
  atl::log_source log_{"pinata"};
  std::string ca_;
  std::string chain_;
  std::string key_;
  std::string secret_;
  std::string address_;
  counters seen_;
  std::uint64_t active_ = 0;
  std::unique_ptr<atl::tls::server_config> server_config_;
  std::unique_ptr<page_handler> page_;
  std::unique_ptr<page_server> http_;
  atl::task_set tasks_;  // last: its tasks use everything above
};

}  // namespace pinata
