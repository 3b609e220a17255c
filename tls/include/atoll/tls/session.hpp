// session: one TLS connection as a sans-I/O core. Ciphertext goes in and
// plaintext comes out, plaintext goes in and ciphertext comes out; the
// session does no I/O, reads no clock of atoll's and never waits. The caller
// (tls::stream over a flow, a test, a fuzzer) moves the bytes.
//
// Buffers are bounded: the session holds at most `buffer_size` bytes of
// ciphertext received and not yet processed (feed() takes only what fits) and
// at most `buffer_size` bytes of ciphertext to send (write() accepts a record
// only when its ciphertext fits). So a peer that sends without reading, or a
// caller that writes without draining, cannot make a session grow.
//
// Driving it:
//   1. Loop: handshake(); send everything take_output() gives; if it returned
//      false, feed() more ciphertext (feed_eof() when the flow ended).
//   2. read(out): plaintext into `out`; 0 bytes means "feed me" unless
//      peer_closed() (a clean close_notify: EOF). write(p): accepted bytes;
//      0 means "drain take_output() first, then call again with the same
//      bytes". After every call, send what take_output() gives.
//   3. close_notify() queues the close_notify alert.
// A failure is sticky: every later call returns the same error, and
// failure() names its reason. The alert describing it (if any) is queued in
// the output: send it before closing the flow so the peer learns why.
//
// Not thread-safe; one session per connection. The configuration must
// outlive the session.
#pragma once

#include <atoll/core/result.hpp>
#include <atoll/tls/config.hpp>
#include <atoll/tls/reason.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct ssl_session_st;

namespace atl::tls {

/// saved_session: a session the server gave a client (a ticket and its
/// secrets), to resume with on a later connection to the same server. Copies
/// share it (reference-counted). Empty by default.
class saved_session {
public:
  saved_session() noexcept = default;
  /// adopt(s): takes one reference to `s` (may be null).
  static saved_session adopt(ssl_session_st* s) noexcept;
  saved_session(const saved_session& other) noexcept;
  saved_session& operator=(const saved_session& other) noexcept;
  saved_session(saved_session&& other) noexcept;
  saved_session& operator=(saved_session&& other) noexcept;
  ~saved_session();

  [[nodiscard]] bool valid() const noexcept { return session_ != nullptr; }
  [[nodiscard]] ssl_session_st* native() const noexcept { return session_; }

private:
  ssl_session_st* session_ = nullptr;
};

/// peer_certificate: what the peer's certificate said, after the handshake.
struct peer_certificate {
  bool present = false;   ///< the peer sent one
  bool verified = false;  ///< it chained to the configured CA (and name, for servers)
  std::string subject;    ///< its subject, one line: "/O=atoll/CN=client"
};

class session {
public:
  /// Ciphertext held in each direction, at most.
  static constexpr std::size_t buffer_size = std::size_t{48} * 1024;

  /// server(config): the server side of a new connection.
  static result<session> server(const server_config& config) noexcept;
  /// client(config, name, resume): the client side; `name` is sent as SNI
  /// and the server certificate must be valid for it; `resume`, when valid,
  /// offers that session for resumption.
  static result<session> client(const client_config& config, std::string_view name,
                                const saved_session& resume = {}) noexcept;

  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  ~session();

  // Ciphertext in.
  /// feed(bytes): takes as many of `bytes` as fit; returns how many.
  std::size_t feed(std::span<const std::byte> ciphertext) noexcept;
  /// input_space: how many bytes feed() would take now.
  [[nodiscard]] std::size_t input_space() const noexcept;
  /// feed_eof: the flow ended. Without a close_notify first, the next
  /// read() or handshake() fails with reason::truncated.
  void feed_eof() noexcept;

  // Ciphertext out.
  [[nodiscard]] std::size_t pending_output() const noexcept;
  /// take_output(out): moves up to out.size() bytes of ciphertext into `out`.
  std::size_t take_output(std::span<std::byte> out) noexcept;

  /// handshake: advances the handshake; true once it is complete, false
  /// while it needs more input (send the output, then feed).
  result<bool> handshake() noexcept;
  /// read(out): decrypted bytes into `out` (completing the handshake first
  /// if needed); 0 when more input is needed or the peer closed cleanly
  /// (peer_closed()). errc::closed-style errors: see reason.hpp.
  result<std::size_t> read(std::span<std::byte> out) noexcept;
  /// write(plaintext): encrypts a prefix of `plaintext` (at most one record)
  /// and returns its length; 0 when the output has no room for a record
  /// (drain, then call again with the same bytes). The handshake must be
  /// complete. errc::closed after close_notify().
  result<std::size_t> write(std::span<const std::byte> plaintext) noexcept;
  /// close_notify: queues the close_notify alert (once; later calls do
  /// nothing). Writing afterwards fails with errc::closed; reading goes on.
  result<void> close_notify() noexcept;

  [[nodiscard]] bool handshake_done() const noexcept;
  /// wants_input: the last handshake()/read() stopped for want of
  /// ciphertext (rather than for room to write output).
  [[nodiscard]] bool wants_input() const noexcept;
  /// peer_closed: the peer's close_notify was read (clean EOF).
  [[nodiscard]] bool peer_closed() const noexcept;
  /// failure: the reason of the sticky failure, reason::none if none.
  [[nodiscard]] reason failure() const noexcept;

  // After the handshake (empty/false before).
  [[nodiscard]] std::string_view alpn() const noexcept;
  /// server_name: the SNI name the client sent (server) or asked for (client).
  [[nodiscard]] std::string_view server_name() const noexcept;
  [[nodiscard]] bool resumed() const noexcept;
  [[nodiscard]] version protocol() const noexcept;
  /// cipher: the suite's standard name ("TLS_AES_128_GCM_SHA256").
  [[nodiscard]] std::string_view cipher() const noexcept;
  [[nodiscard]] peer_certificate peer() const noexcept;
  /// saved: client only: the latest session the server sent (a TLS 1.3
  /// ticket arrives after the handshake, with the first data read), to
  /// resume with later; empty if none came.
  [[nodiscard]] saved_session saved() const noexcept;

  struct impl;

private:
  explicit session(std::unique_ptr<impl> i) noexcept;
  std::unique_ptr<impl> impl_;
};

}  // namespace atl::tls
