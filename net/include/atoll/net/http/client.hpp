// client: an HTTP/1.1 client over any byte flow, with the same parsers as
// the server (response_parser, body_decoder). For tests, tools and the
// store's sync.
//
// One client drives one connection: requests go one after the other, each
// response read whole (bounded by limits.body) before the next request, and
// the connection is reused while both sides keep it alive. Every read has a
// deadline (client_config::timeout from the request being sent). A response
// that breaks HTTP is an errc::protocol_error; one whose body is larger than
// the limit is errc::limit_exceeded; after either, or after the server
// closes, alive() is false and further requests fail with errc::closed.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/http/body_decoder.hpp>
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/limits.hpp>
#include <atoll/net/http/method.hpp>
#include <atoll/net/http/response_parser.hpp>
#include <atoll/net/stack.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::net::http {

struct client_config {
  http::limits limits{.request_line = 8192,
                      .header_bytes = 65536,
                      .header_count = 200,
                      .body = std::uint64_t{64} << 20,
                      .chunk_line = 1024};
  duration timeout = std::chrono::seconds(30);
};

/// client_response: a whole response, owning its bytes.
struct client_response {
  std::uint16_t code = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::byte> body;

  /// get(name): the first field of that name (case-insensitive).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
  [[nodiscard]] std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(body.data()), body.size()};
  }
};

/// request_text(verb, target, host, fields, body_size): a request head; the
/// client adds Host and Content-Length. errc::invalid_argument for CR, LF or
/// NUL in any part, or a target that is not origin-form.
result<buf> request_text(method verb, std::string_view target, std::string_view host,
                         std::span<const field> fields, std::size_t body_size) noexcept;

/// to_response(head): the owned copy of a parsed head.
client_response to_response(const response& head);

template <byte_flow Flow>
class client {
public:
  client(engine& e, Flow& flow, std::string host, client_config cfg = {}) noexcept
      : engine_(&e), flow_(&flow), host_(std::move(host)), config_(cfg), parser_(cfg.limits) {}

  /// request(verb, target, fields, body): sends one request, returns the
  /// response once it has been read whole.
  task<result<client_response>> request(method verb, std::string_view target,
                                        std::span<const field> fields = {},
                                        std::span<const std::byte> body = {}) noexcept {
    if (!alive_) co_return error(errc::closed, "http client: the connection is closed");
    alive_ = false;  // until this exchange completes
    ATOLL_CO_TRY(buf head, request_text(verb, target, host_, fields, body.size()));
    bufs out(std::move(head));
    if (!body.empty()) {
      ATOLL_CO_TRY(buf b, buf::copy_of(body));
      ATOLL_CO_TRYV(out.push_back(std::move(b)));
    }
    const mono_time deadline = engine_->now() + config_.timeout;
    ATOLL_CO_TRYV(co_await with_deadline(*engine_, deadline, flow_->write(std::move(out))));

    parser_.reset();
    if (verb == method::head) parser_.expect_no_body();
    for (;;) {
      while (parser_.state() == parse_state::need_more) {
        if (unread_.empty()) {
          ATOLL_CO_TRY(buf got, co_await with_deadline(*engine_, deadline, flow_->read()));
          if (got.empty()) {
            co_return error(errc::protocol_error,
                            "http client: connection closed before a response");
          }
          unread_ = std::move(got);
        }
        (void)unread_.shift(parser_.feed(unread_.bytes()));
      }
      if (parser_.state() == parse_state::failed) {
        co_return error(errc::protocol_error,
                        "http client: bad response: ", parser_.error_reason());
      }
      if (parser_.head().code >= 200) break;
      parser_.reset();  // an interim 1xx: the real answer follows
      if (verb == method::head) parser_.expect_no_body();
    }
    client_response out_response = to_response(parser_.head());
    const bool keep = parser_.head().keep_alive;
    const bool until_close = parser_.head().body == framing::until_close;

    body_decoder decoder = body_decoder::for_response(parser_.head(), config_.limits);
    while (!decoder.done()) {
      if (unread_.empty()) {
        ATOLL_CO_TRY(buf got, co_await with_deadline(*engine_, deadline, flow_->read()));
        if (got.empty()) {
          if (until_close) break;
          co_return error(errc::protocol_error, "http client: response body cut short");
        }
        unread_ = std::move(got);
      }
      const auto step = decoder.feed(unread_.bytes());
      out_response.body.insert(out_response.body.end(), step.data.begin(), step.data.end());
      (void)unread_.shift(step.consumed);
      if (decoder.failed()) {
        co_return error(code(decoder.error()) == 413 ? errc::limit_exceeded : errc::protocol_error,
                        "http client: bad response body");
      }
    }
    alive_ = keep && !until_close;
    co_return out_response;
  }

  /// alive: the connection can carry another request.
  [[nodiscard]] bool alive() const noexcept { return alive_; }

private:
  engine* engine_;
  Flow* flow_;
  std::string host_;
  client_config config_;
  response_parser parser_;
  buf unread_;
  bool alive_ = true;
};

}  // namespace atl::net::http
