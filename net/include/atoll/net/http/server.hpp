// server: an HTTP/1.1 server (RFC 9112) over any byte flow: a TCP flow of
// either stack, or TLS over one.
//
// One task per connection, owned by the server. A connection carries many
// requests (persistent connections); requests pipelined in one read are
// answered in order. For each request the server reads the head with
// request_parser and the body with body_decoder, then runs the handler
// (exchange.hpp), which answers.
//
// Limits (server_config), each answered with its status, counted in
// server_stats and logged, after which the connection closes:
//   request line too long            414
//   head too large, too many fields  431
//   body larger than limits.body     413
//   malformed, smuggling shapes      400   (request_parser's rules)
//   unknown transfer coding          501
//   HTTP version other than 1.0/1.1  505
//   head not complete header_timeout after its first byte, or a body not
//   complete body_timeout after its head (slowloris)          408
// A connection idle for idle_timeout between requests is closed without an
// answer; a peer that stops reading is cut off after send_timeout; more
// than max_connections at once are refused (the flow is aborted at once).
// Memory per connection is bounded: the parser's head buffer, one read
// chunk, and the body (limits.body).
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/log.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/task_set.hpp>
#include <atoll/core/time.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/exchange.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/status.hpp>
#include <atoll/net/stack.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::net::http {

using namespace std::chrono_literals;

struct server_config {
  http::limits limits;
  duration header_timeout = 10s;  ///< first byte of a request to the end of its head
  duration body_timeout = 30s;    ///< end of the head to the end of the body
  duration idle_timeout = 60s;    ///< between requests on a persistent connection
  duration send_timeout = 30s;    ///< each write of a response
  std::size_t max_connections = 1024;
  /// After an accept fails for want of resources (descriptors, memory),
  /// accepting pauses this long, doubling while it keeps failing up to
  /// accept_pause_max: the waiting connections stay in the listener's queue
  /// until connections end and give their resources back.
  duration accept_pause = 10ms;
  duration accept_pause_max = 1s;
};

/// server_stats: what the server did. responses(code) counts by status.
struct server_stats {
  std::uint64_t accepted = 0;        ///< connections served
  std::uint64_t refused = 0;         ///< connections aborted: max_connections were live
  std::uint64_t accept_errors = 0;   ///< accepts that failed (the server went on)
  std::uint64_t accept_pauses = 0;   ///< pauses after resource errors (no descriptors, memory)
  std::uint64_t requests = 0;        ///< complete request heads
  std::uint64_t idle_closed = 0;     ///< connections closed after idle_timeout
  std::uint64_t timeouts = 0;        ///< requests cut off by header_timeout/body_timeout (408)
  std::uint64_t send_timeouts = 0;   ///< peers cut off for not reading
  std::uint64_t truncated = 0;       ///< peers that closed in the middle of a request
  std::uint64_t handler_errors = 0;  ///< handlers that failed or did not answer
  std::size_t live = 0;              ///< connections being served now
  std::array<std::uint64_t, 500> by_code{};  ///< responses, index code-100

  [[nodiscard]] std::uint64_t responses(std::uint16_t code) const noexcept {
    return code >= 100 && code < 600 ? by_code[code - 100] : 0;
  }
  void count(status s) noexcept {
    const auto c = static_cast<std::uint16_t>(s);
    if (c >= 100 && c < 600) ++by_code[c - 100];
  }
};

/// handler: what the server calls for each request.
template <class H, class Flow>
concept handler = requires(H& h, exchange<Flow>& x) {
  { h.handle(x) } -> std::same_as<task<result<void>>>;
};

namespace detail {

/// error_response(s, minor): the complete answer to a request the server
/// refuses: a short text body and Connection: close.
result<buf> error_response(status s) noexcept;

}  // namespace detail

/// refuse(e, flow, s, cfg, stats): answers `s` with Connection: close and
/// shuts the connection down; counts the status.
template <byte_flow Flow>
task<result<void>> refuse(engine& e, Flow& flow, status s, const server_config& cfg,
                          server_stats& stats) noexcept {
  stats.count(s);
  auto answer = detail::error_response(s);
  if (!answer) co_return answer.error();
  auto sent = co_await with_timeout(e, cfg.send_timeout, flow.write(bufs(std::move(*answer))));
  if (!sent) {
    if (sent.error().code() == errc::timed_out) ++stats.send_timeouts;
    co_return ok();
  }
  (void)co_await with_timeout(e, cfg.send_timeout, flow.shutdown());
  co_return ok();
}

/// serve_connection(e, flow, h, cfg, stats): serves one connection until it
/// ends. Returns ok for every ending that is the peer's doing or a limit
/// (those are counted); an error only for local failures (no memory).
template <byte_flow Flow, class Handler>
  requires handler<Handler, Flow>
task<result<void>> serve_connection(engine& e, Flow& flow, Handler& h, const server_config& cfg,
                                    server_stats& stats) noexcept {
  static const log_source log{"http"};
  request_parser parser(cfg.limits);
  buf unread;
  std::vector<std::byte> body;
  for (;;) {
    // The head: idle_timeout until its first byte, header_timeout after.
    bool seen = unread.size() > 0 || parser.buffered() > 0;
    mono_time deadline = e.now() + (seen ? cfg.header_timeout : cfg.idle_timeout);
    while (parser.state() == parse_state::need_more) {
      if (unread.empty()) {
        auto got = co_await with_deadline(e, deadline, flow.read());
        if (!got) {
          if (got.error().code() != errc::timed_out) co_return ok();  // reset or closed
          if (!seen) {
            ++stats.idle_closed;
            co_return ok();
          }
          ++stats.timeouts;
          log.info("request head not complete after the header timeout: 408");
          co_return co_await refuse(e, flow, status::request_timeout, cfg, stats);
        }
        if (got->empty()) {  // EOF
          if (seen) ++stats.truncated;
          co_return ok();
        }
        unread = std::move(*got);
        if (!seen) {
          seen = true;
          deadline = e.now() + cfg.header_timeout;
        }
      }
      const std::size_t used = parser.feed(unread.bytes());
      (void)unread.shift(used);
    }
    if (parser.state() == parse_state::failed) {
      log.info("bad request: ", parser.error_reason(), ": ",
               static_cast<std::uint16_t>(parser.error()));
      co_return co_await refuse(e, flow, parser.error(), cfg, stats);
    }
    const request& head = parser.head();
    ++stats.requests;

    // The body, whole, bounded by limits.body.
    body.clear();
    if (head.body != framing::none) {
      if (head.expect_continue && unread.empty()) {
        auto cont = co_await with_timeout(
            e, cfg.send_timeout,
            flow.write(bufs(buf::borrow(as_bytes("HTTP/1.1 100 Continue\r\n\r\n")))));
        if (!cont) co_return ok();
      }
      body_decoder decoder = body_decoder::for_request(head, cfg.limits);
      const mono_time body_deadline = e.now() + cfg.body_timeout;
      while (!decoder.done()) {
        if (unread.empty()) {
          auto got = co_await with_deadline(e, body_deadline, flow.read());
          if (!got) {
            if (got.error().code() != errc::timed_out) co_return ok();
            ++stats.timeouts;
            log.info("request body not complete after the body timeout: 408");
            co_return co_await refuse(e, flow, status::request_timeout, cfg, stats);
          }
          if (got->empty()) {
            ++stats.truncated;
            co_return ok();
          }
          unread = std::move(*got);
        }
        const auto step = decoder.feed(unread.bytes());
        body.insert(body.end(), step.data.begin(), step.data.end());
        (void)unread.shift(step.consumed);
        if (decoder.failed()) {
          log.info("bad request body: ", static_cast<std::uint16_t>(decoder.error()));
          co_return co_await refuse(e, flow, decoder.error(), cfg, stats);
        }
      }
    }

    // The answer.
    exchange<Flow> x(e, flow, head, body, cfg.send_timeout);
    auto handled = co_await h.handle(x);
    if (!x.started()) {
      ++stats.handler_errors;
      if (!handled) log.warn("handler failed: ", handled.error().message());
      co_return co_await refuse(e, flow, status::internal_server_error, cfg, stats);
    }
    if (handled) handled = co_await x.finish();
    stats.count(x.response_status());
    if (!handled) {
      if (handled.error().code() == errc::timed_out) ++stats.send_timeouts;
      if (handled.error().code() != errc::timed_out &&
          handled.error().code() != errc::connection_reset &&
          handled.error().code() != errc::closed) {
        ++stats.handler_errors;
        log.warn("response failed: ", handled.error().message());
      }
      co_return ok();
    }
    if (!x.reusable()) {
      (void)co_await with_timeout(e, cfg.send_timeout, flow.shutdown());
      co_return ok();
    }
    parser.reset();
  }
}

/// server<Handler>: accepts connections from listeners and serves each with
/// serve_connection in a task of its own, owned by the server (destroying
/// the server ends them).
template <class Handler>
class server {
public:
  server(engine& e, Handler& h, server_config cfg) noexcept
      : engine_(&e), handler_(&h), config_(cfg), connections_(e, "http") {}

  /// run(listener): accepts until the listener is closed; each flow is
  /// served as it is.
  template <class Listener>
  task<result<void>> run(Listener& listener) noexcept {
    return run(listener, plain{});
  }

  /// run(listener, wrap): each accepted flow first goes through
  /// `co_await wrap(std::move(flow))` (a TLS handshake, say), inside the
  /// connection's task; a wrap that fails ends that connection only.
  template <class Listener, class Wrap>
  task<result<void>> run(Listener& listener, Wrap wrap) noexcept {
    // Running out of descriptors or memory is the load, not the listener:
    // pause and retry, for as long as it lasts. Any other failure a hundred
    // times in a row is a listener that only fails, and ends the server.
    std::uint64_t failures = 0;
    duration pause = config_.accept_pause;
    for (;;) {
      auto flow = co_await listener.accept();
      if (!flow) {
        const errc code = flow.error().code();
        if (code == errc::closed) co_return ok();
        ++stats_.accept_errors;
        if (code == errc::limit_exceeded || code == errc::no_memory || code == errc::busy) {
          static const log_source log{"http"};
          if (pause == config_.accept_pause) {  // once per run of failures
            log.warn(flow.error().message(), ": accepting paused until resources come back");
          }
          ++stats_.accept_pauses;
          co_await engine_->sleep_for(pause);
          pause = std::min(pause * 2, config_.accept_pause_max);
          continue;
        }
        if (++failures == max_failures_in_a_row) co_return flow.error();
        continue;
      }
      failures = 0;
      pause = config_.accept_pause;
      if (stats_.live >= config_.max_connections) {
        ++stats_.refused;
        flow->abort();
        continue;
      }
      ++stats_.accepted;
      (void)connections_.spawn(connection(*this, std::move(*flow), wrap, live_slot(stats_)));
    }
  }

  [[nodiscard]] const server_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const server_config& config() const noexcept { return config_; }

  /// plain: the wrap that keeps the flow as it is.
  struct plain {
    template <class F>
    task<result<F>> operator()(F f) const noexcept {
      co_return std::move(f);
    }
  };

private:
  static constexpr std::uint64_t max_failures_in_a_row = 100;

  /// live_slot: a connection's place in stats.live, given back however its
  /// task ends.
  class live_slot {
  public:
    explicit live_slot(server_stats& s) noexcept : stats_(&s) { ++s.live; }
    live_slot(live_slot&& other) noexcept : stats_(std::exchange(other.stats_, nullptr)) {}
    live_slot& operator=(live_slot&&) = delete;
    ~live_slot() {
      if (stats_ != nullptr) --stats_->live;
    }

  private:
    server_stats* stats_;
  };

  template <class F, class Wrap>
  static task<result<void>> connection(server& self, F tcp, Wrap wrap,
                                       [[maybe_unused]] live_slot slot) noexcept {
    auto flow = co_await wrap(std::move(tcp));
    if (!flow) co_return ok();  // the wrap counts its own failures
    auto served =
        co_await serve_connection(*self.engine_, *flow, *self.handler_, self.config_, self.stats_);
    flow->close();
    co_return served;
  }

  engine* engine_;
  Handler* handler_;
  server_config config_;
  server_stats stats_;  // before connections_: the tasks use it until they go
  task_set connections_;
};

}  // namespace atl::net::http
