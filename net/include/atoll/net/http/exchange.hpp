// exchange: one request and its response, as a handler of the HTTP server
// (server.hpp) sees them.
//
// The server has read and checked the request head and its whole body
// (bounded by limits.body) before the handler runs. The handler answers with
// either
//   co_await x.respond(status, fields, body)        a whole, small response
// or
//   co_await x.start(status, fields, length)        the head (length: the body's
//   co_await x.write(bufs) ...                      size, or nullopt for a chunked
//   co_await x.finish()                             body), body pieces, the end
//
// The exchange owns the framing: it adds Content-Length or
// Transfer-Encoding: chunked, and Connection: close when the connection ends
// after this response; it sends no body for HEAD or for 1xx/204/304, and it
// refuses to send more body bytes than the length announced (a handler bug
// must not desynchronise a persistent connection). The head is held back and
// leaves with the first body piece, so a small response is one write.
// A handler that returns without answering gets a 500 from the server.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/request_parser.hpp>
#include <atoll/net/http/response_writer.hpp>
#include <atoll/net/http/status.hpp>
#include <atoll/net/stack.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace atl::net::http {

/// response_framing: what the body of a response looks like on the wire.
/// Pure function of the request and the response status (RFC 9112 6.3),
/// shared by the server and tested alone.
struct response_plan {
  bool send_body = true;  ///< body bytes go on the wire (not for HEAD, 1xx, 204, 304)
  bool chunked = false;   ///< Transfer-Encoding: chunked
  bool close = false;     ///< Connection: close, and the connection ends after it
};

/// plan_response(verb, minor_version, keep_alive, s, length): how to frame a
/// response. A response of unknown length is chunked for HTTP/1.1 and
/// delimited by closing the connection for HTTP/1.0.
response_plan plan_response(method verb, std::uint8_t minor_version, bool keep_alive, status s,
                            std::optional<std::uint64_t> length) noexcept;

/// head_text(plan, s, minor_version, fields, length): the response head with
/// the framing fields added; errc::invalid_argument for a field with CR, LF
/// or NUL, errc::limit_exceeded past the head's bound.
result<buf> head_text(const response_plan& plan, status s, std::uint8_t minor_version,
                      std::span<const field> fields, std::optional<std::uint64_t> length) noexcept;

template <byte_flow Flow>
class exchange {
public:
  exchange(engine& e, Flow& flow, const request& head, std::span<const std::byte> body,
           duration send_timeout) noexcept
      : engine_(&e), flow_(&flow), head_(&head), body_(body), send_timeout_(send_timeout) {}
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  /// head, body: the request. Views valid while the handler runs.
  [[nodiscard]] const request& head() const noexcept { return *head_; }
  [[nodiscard]] std::span<const std::byte> body() const noexcept { return body_; }

  /// start(s, fields, length): answers with status `s` and the fields; the
  /// body follows with write() and finish(). Once only.
  task<result<void>> start(status s, std::span<const field> fields,
                           std::optional<std::uint64_t> length) noexcept {
    if (started_) co_return error(errc::invalid_argument, "http: response already started");
    plan_ =
        plan_response(head_->verb, head_->minor_version, head_->keep_alive && !close_, s, length);
    auto text = head_text(plan_, s, head_->minor_version, fields, length);
    if (!text) co_return text.error();
    started_ = true;
    status_ = s;
    remaining_ = length;
    pending_head_ = std::move(*text);
    co_return ok();
  }

  /// write(data): body bytes. For HEAD (and 204/304) they are dropped; past
  /// the announced length: errc::invalid_argument and the connection closes.
  task<result<void>> write(bufs data) noexcept {
    if (!started_ || finished_)
      co_return error(errc::invalid_argument, "http: write outside a body");
    if (remaining_) {
      if (data.size() > *remaining_) {
        failed_ = true;
        co_return error(errc::invalid_argument, "http: body longer than its Content-Length");
      }
      *remaining_ -= data.size();
    }
    if (!plan_.send_body || data.empty()) co_return ok();
    if (plan_.chunked) {
      chunked_encoder encoder;
      ATOLL_CO_TRY(buf chunk_head, buf::copy_of(encoder.header(data.size())));
      ATOLL_CO_TRYV(data.push_front(std::move(chunk_head)));
      ATOLL_CO_TRYV(data.push_back(buf::borrow(as_bytes(chunked_encoder::trailer()))));
    }
    co_return co_await send(std::move(data));
  }

  /// finish: ends the body (the last chunk when chunked); errc::invalid_argument
  /// when fewer bytes than announced were written.
  task<result<void>> finish() noexcept {
    if (!started_) co_return error(errc::invalid_argument, "http: finish before start");
    if (finished_) co_return ok();
    finished_ = true;
    if (remaining_ && *remaining_ != 0 && plan_.send_body) {
      failed_ = true;
      co_return error(errc::invalid_argument, "http: body shorter than its Content-Length");
    }
    bufs tail;
    if (plan_.send_body && plan_.chunked) {
      ATOLL_CO_TRYV(tail.push_back(buf::borrow(as_bytes(chunked_encoder::last()))));
    }
    if (tail.empty() && pending_head_.empty()) co_return ok();
    co_return co_await send(std::move(tail));
  }

  /// respond(s, fields, body): start + write + finish for a body in memory.
  task<result<void>> respond(status s, std::span<const field> fields,
                             std::string_view body) noexcept {
    ATOLL_CO_TRYV(co_await start(s, fields, body.size()));
    if (!body.empty()) {
      ATOLL_CO_TRY(buf b, buf::copy_of(body));
      ATOLL_CO_TRYV(co_await write(bufs(std::move(b))));
    }
    co_return co_await finish();
  }

  /// close_after: the connection ends after this response (call before start).
  void close_after() noexcept { close_ = true; }

  // For the server.
  [[nodiscard]] bool started() const noexcept { return started_; }
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  [[nodiscard]] bool reusable() const noexcept {
    return started_ && finished_ && !failed_ && !plan_.close;
  }
  [[nodiscard]] status response_status() const noexcept { return status_; }

private:
  task<result<void>> send(bufs data) noexcept {
    if (!pending_head_.empty()) {
      ATOLL_CO_TRYV(data.push_front(std::move(pending_head_)));
      pending_head_ = buf{};
    }
    auto sent = co_await with_timeout(*engine_, send_timeout_, flow_->write(std::move(data)));
    if (!sent) failed_ = true;
    co_return sent;
  }

  engine* engine_;
  Flow* flow_;
  const request* head_;
  std::span<const std::byte> body_;
  duration send_timeout_;
  response_plan plan_{};
  std::optional<std::uint64_t> remaining_;
  buf pending_head_;
  status status_ = status::internal_server_error;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
  bool close_ = false;
};

}  // namespace atl::net::http
