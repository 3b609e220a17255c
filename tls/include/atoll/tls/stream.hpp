// stream: TLS over any byte flow, itself a byte flow (net/stack.hpp), so that
// HTTP and other protocols run over TCP or TLS alike. tls::server<Flow> and
// tls::client<Flow> make one; everything TLS is done by tls::session, the
// sans-I/O core: this template only moves ciphertext between the session and
// the flow below.
//
//   handshake()  runs the handshake; read() and write() run it first when
//                it has not been done (do not start both at once then).
//                Errors carry a tls::reason (failure()); the alert telling
//                the peer why is sent before the error is returned.
//   read()       the next plaintext bytes, at most read_chunk; an empty buf
//                after the peer's close_notify (EOF, and again on every later
//                read). The flow ending without close_notify is an error
//                with reason::truncated, never an EOF.
//   write(b)     completes when the flow below has taken the ciphertext of
//                all of b; a peer that does not read makes it wait, the
//                session's buffers do not grow.
//   shutdown()   sends close_notify, then shuts the flow below down: the
//                peer reads EOF. Reading goes on. write afterwards:
//                errc::closed; a second shutdown does nothing.
//   close()      closes the flow below at once (no close_notify).
// One read and one write may be pending at a time, together; they take
// turns writing to the flow below. The stream must outlive its pending
// operations; moving it while one is pending is allowed (its state lives on
// the heap). The engine must outlive the stream.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/net/stack.hpp>
#include <atoll/tls/config.hpp>
#include <atoll/tls/session.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <utility>

namespace atl::tls {

/// stream_read_chunk: the most plaintext one stream read() returns.
inline constexpr std::size_t stream_read_chunk = std::size_t{16} * 1024;

namespace detail {

/// The state of a stream, on the heap so that pending operations survive a
/// move of the stream.
template <class Flow>
struct stream_state {
  stream_state(engine& e, Flow f, session s) noexcept
      : flow(std::move(f)), tls(std::move(s)), output_idle(e) {}

  Flow flow;
  session tls;
  event output_idle;      // set when a flush ends, for a coroutine waiting to flush
  bool flushing = false;  // a coroutine is writing to the flow
  bool flow_eof = false;
  bool closed = false;
  bool shut = false;
  bool broken = false;  // a flush was cancelled: the record stream has a gap
  buf input;            // read from the flow, not yet taken by the session
  std::array<std::byte, stream_read_chunk> plain{};
};

/// flush_turn: the turn of one coroutine writing to the flow. Ends in its
/// destructor, so that a flush cancelled mid-write (its task destroyed)
/// still hands the turn on; the ciphertext it had taken is then lost, and
/// the stream is marked broken.
template <class Flow>
struct flush_turn {
  explicit flush_turn(stream_state<Flow>& state) noexcept : s(state) { s.flushing = true; }
  flush_turn(const flush_turn&) = delete;
  flush_turn& operator=(const flush_turn&) = delete;
  ~flush_turn() {
    s.flushing = false;
    if (!completed) s.broken = true;
    s.output_idle.set();
  }
  stream_state<Flow>& s;
  bool completed = false;
};

/// usable: errc::closed after close(), errc::cancelled after a cancelled write.
template <class Flow>
result<void> usable(const stream_state<Flow>& s) noexcept {
  if (s.closed) return error(errc::closed, "tls: stream closed");
  if (s.broken) return error(errc::cancelled, "tls: a write to the flow was cancelled midway");
  return ok();
}

/// flush: sends all ciphertext the session holds to the flow. If another
/// coroutine is sending, waits for it and sends what is left after.
template <class Flow>
task<result<void>> flush(stream_state<Flow>& s) {
  ATOLL_CO_TRYV(usable(s));
  while (s.tls.pending_output() > 0) {
    if (s.flushing) {
      co_await s.output_idle.wait();
      continue;
    }
    result<buf> out = buf::allocate_uninit(s.tls.pending_output());
    if (!out) co_return out.error();
    const std::size_t n = s.tls.take_output(out->mutable_bytes());
    (void)out->truncate(n);
    flush_turn turn(s);
    result<void> sent = co_await s.flow.write(bufs(std::move(*out)));
    turn.completed = true;
    if (!sent) co_return sent.error();
  }
  co_return ok();
}

/// fill: gives the session more ciphertext, reading the flow when nothing is
/// left over from the last read; the flow's EOF becomes the session's.
template <class Flow>
task<result<void>> fill(stream_state<Flow>& s) {
  if (s.input.empty() && !s.flow_eof) {
    result<buf> got = co_await s.flow.read();
    if (!got) co_return got.error();
    if (got->empty()) {
      s.flow_eof = true;
    } else {
      s.input = std::move(*got);
    }
  }
  if (!s.input.empty()) {
    const std::size_t taken = s.tls.feed(s.input.bytes());
    (void)s.input.shift(taken);
  } else if (s.flow_eof) {
    s.tls.feed_eof();
  }
  co_return ok();
}

template <class Flow>
task<result<void>> handshake(stream_state<Flow>& s) {
  ATOLL_CO_TRYV(usable(s));
  for (;;) {
    result<bool> step = s.tls.handshake();
    result<void> sent = co_await flush(s);  // the flight, or the alert of a failure
    if (!step) co_return step.error();
    if (!sent) co_return sent.error();
    if (*step) co_return ok();
    if (s.tls.wants_input()) {
      result<void> got = co_await fill(s);
      if (!got) co_return got.error();
    }
  }
}

template <class Flow>
task<result<buf>> read(stream_state<Flow>& s) {
  ATOLL_CO_TRYV(usable(s));
  if (!s.tls.handshake_done()) {
    result<void> done = co_await handshake(s);
    if (!done) co_return done.error();
  }
  for (;;) {
    result<std::size_t> n = s.tls.read(s.plain);
    if (s.tls.pending_output() > 0) {
      result<void> sent = co_await flush(s);
      if (n && !sent) co_return sent.error();
    }
    if (!n) co_return n.error();
    if (*n > 0) co_return buf::copy_of(std::span<const std::byte>(s.plain.data(), *n));
    if (s.tls.peer_closed()) co_return buf{};
    if (s.tls.wants_input()) {
      result<void> got = co_await fill(s);
      if (!got) co_return got.error();
    }
  }
}

template <class Flow>
task<result<void>> write(stream_state<Flow>& s, bufs data) {
  ATOLL_CO_TRYV(usable(s));
  if (s.shut) co_return error(errc::closed, "tls: write after shutdown");
  if (!s.tls.handshake_done()) {
    result<void> done = co_await handshake(s);
    if (!done) co_return done.error();
  }
  for (const buf& segment : data) {
    std::span<const std::byte> rest = segment.bytes();
    while (!rest.empty()) {
      result<std::size_t> n = s.tls.write(rest);
      if (!n) {
        result<void> alert = co_await flush(s);
        (void)alert;  // the write's own error is what matters
        co_return n.error();
      }
      if (*n == 0) {
        if (s.tls.pending_output() == 0 && !s.flushing) {
          co_return error(errc::io_error, "tls: the session took no data with room to write");
        }
        result<void> sent = co_await flush(s);
        if (!sent) co_return sent.error();
        continue;
      }
      rest = rest.subspan(*n);
    }
  }
  result<void> sent = co_await flush(s);
  co_return sent;
}

template <class Flow>
task<result<void>> shutdown(stream_state<Flow>& s) {
  ATOLL_CO_TRYV(usable(s));
  if (s.shut) co_return ok();
  s.shut = true;
  result<void> notified = s.tls.close_notify();
  result<void> sent = co_await flush(s);
  result<void> down = co_await s.flow.shutdown();
  if (!notified) co_return notified;
  if (!sent) co_return sent;
  co_return down;
}

}  // namespace detail

/// stream<Flow>: the byte flow both tls::server and tls::client are.
template <net::byte_flow Flow>
class stream {
public:
  static constexpr std::size_t read_chunk = stream_read_chunk;

  stream(stream&&) noexcept = default;
  stream& operator=(stream&&) noexcept = default;
  ~stream() = default;

  /// handshake: runs the TLS handshake (once; again: succeeds at once).
  task<result<void>> handshake() { return detail::handshake(*state_); }
  task<result<buf>> read() { return detail::read(*state_); }
  task<result<void>> write(bufs data) { return detail::write(*state_, std::move(data)); }
  task<result<void>> shutdown() { return detail::shutdown(*state_); }
  void close() {
    state_->closed = true;
    state_->flow.close();
  }

  [[nodiscard]] std::string_view alpn() const noexcept { return state_->tls.alpn(); }
  [[nodiscard]] std::string_view server_name() const noexcept { return state_->tls.server_name(); }
  [[nodiscard]] bool resumed() const noexcept { return state_->tls.resumed(); }
  [[nodiscard]] version protocol() const noexcept { return state_->tls.protocol(); }
  [[nodiscard]] std::string_view cipher() const noexcept { return state_->tls.cipher(); }
  [[nodiscard]] peer_certificate peer() const noexcept { return state_->tls.peer(); }
  [[nodiscard]] reason failure() const noexcept { return state_->tls.failure(); }
  /// tls: the session (buffers, state), for statistics and tests.
  [[nodiscard]] const session& tls() const noexcept { return state_->tls; }
  /// lower: the flow below (tests use it to cut a connection short).
  [[nodiscard]] Flow& lower() noexcept { return state_->flow; }

protected:
  stream(engine& e, Flow flow, session s) noexcept
      : state_(new(std::nothrow) detail::stream_state<Flow>(e, std::move(flow), std::move(s))) {}
  [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }

private:
  std::unique_ptr<detail::stream_state<Flow>> state_;
};

/// server<Flow>: the server side of TLS over `Flow`.
template <net::byte_flow Flow>
class server : public stream<Flow> {
public:
  /// create(e, flow, config): wraps `flow`; the handshake runs at the first
  /// handshake(), read() or write(). `config` and `e` must outlive it.
  static result<server> create(engine& e, Flow flow, const server_config& config) noexcept {
    ATOLL_TRY(session s, session::server(config));
    server out(e, std::move(flow), std::move(s));
    if (!out.valid()) return error(errc::no_memory, "tls: no memory for a stream");
    return out;
  }

private:
  server(engine& e, Flow flow, session s) noexcept
      : stream<Flow>(e, std::move(flow), std::move(s)) {}
};

/// client<Flow>: the client side of TLS over `Flow`.
template <net::byte_flow Flow>
class client : public stream<Flow> {
public:
  /// create(e, flow, config, name, resume): wraps `flow`; `name` is sent as
  /// SNI and checked against the server's certificate; a valid `resume`
  /// offers that earlier session.
  static result<client> create(engine& e, Flow flow, const client_config& config,
                               std::string_view name, const saved_session& resume = {}) noexcept {
    ATOLL_TRY(session s, session::client(config, name, resume));
    client out(e, std::move(flow), std::move(s));
    if (!out.valid()) return error(errc::no_memory, "tls: no memory for a stream");
    return out;
  }

  /// saved: the latest session the server sent, to resume with later (a
  /// TLS 1.3 ticket arrives with the first data read).
  [[nodiscard]] saved_session saved() const noexcept { return this->tls().saved(); }

private:
  client(engine& e, Flow flow, session s) noexcept
      : stream<Flow>(e, std::move(flow), std::move(s)) {}
};

}  // namespace atl::tls
