// Fuzzes the TLS record path of tls::session: arbitrary bytes as the
// ciphertext a peer sends. Any input must give progress or an error value
// with a reason, never a crash, and the session's buffers stay bounded.
//
// Input: byte 0 picks the side (even: a server reading a client's records;
// odd: a client that sent its ClientHello reading a server's records);
// byte 1 sets the size of the pieces the rest is fed in (1..256; 0 means all
// at once), so record boundaries fall anywhere. The certificates are made
// once (tests/tls/test_pki). Seeds: tests/fuzz/corpus/tls_record/ (docs/tls.md).
#include "../tls/test_pki.hpp"
#include <atoll/core/assert.hpp>
#include <atoll/tls/config.hpp>
#include <atoll/tls/session.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace {

using namespace atl::tls;

struct configs {
  test::pem_pair cert = test::self_signed("fuzz", {"fuzz.test"});
  std::vector<std::byte> ticket_key = test::random_ticket_key();
  server_config server = make_server();
  client_config client = make_client();

  server_config make_server() const {
    const certificate_pem entry{"", cert.cert, cert.key};
    const std::string_view alpn[] = {"h2", "http/1.1"};
    server_options o;
    o.certificates = {&entry, 1};
    o.alpn = alpn;
    o.verify_clients = client_auth::optional;
    o.client_ca_pem = cert.cert;
    o.ticket_key = ticket_key;
    atl::result<server_config> c = server_config::create(o);
    ATOLL_ASSERT(c.has_value());
    return std::move(*c);
  }
  client_config make_client() const {
    const std::string_view alpn[] = {"http/1.1"};
    client_options o;
    o.ca_pem = cert.cert;
    o.alpn = alpn;
    atl::result<client_config> c = client_config::create(o);
    ATOLL_ASSERT(c.has_value());
    return std::move(*c);
  }
};

const configs& shared() {
  static const configs* c = new configs;
  return *c;
}

// Drains the output (the peer never answers) and checks the bounds.
void drain(session& s) {
  ATOLL_ASSERT(s.pending_output() <= session::buffer_size);
  std::byte out[4096];
  while (s.take_output(out) > 0) {
  }
}

// One step of the session; false once it failed (the failure is sticky).
bool step(session& s) {
  std::byte plain[2048];
  for (int i = 0; i < 64; ++i) {
    atl::result<std::size_t> n = s.read(plain);
    drain(s);
    if (!n) {
      ATOLL_ASSERT(s.failure() != reason::none);
      ATOLL_ASSERT(n.error().message().substr(0, 4) == "tls ");
      return false;
    }
    ATOLL_ASSERT(*n <= sizeof plain);
    if (*n == 0) break;
  }
  ATOLL_ASSERT(s.failure() == reason::none);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const configs& c = shared();
  const bool as_client = (data[0] & 1) != 0;
  const std::size_t piece = data[1] == 0 ? size : data[1];
  const auto* bytes = reinterpret_cast<const std::byte*>(data + 2);
  std::span<const std::byte> rest(bytes, size - 2);

  atl::result<session> made =
      as_client ? session::client(c.client, "fuzz.test") : session::server(c.server);
  ATOLL_ASSERT(made.has_value());
  session& s = *made;
  if (as_client) {
    atl::result<bool> hello = s.handshake();  // queues the ClientHello
    ATOLL_ASSERT(hello.has_value() && !*hello);
    drain(s);
  }
  bool alive = true;
  while (alive && !rest.empty()) {
    const std::size_t n = s.feed(rest.first(std::min(piece, rest.size())));
    rest = rest.subspan(n);
    alive = step(s);
    if (n == 0 && alive && s.input_space() == 0) break;  // a record larger than the buffer
  }
  if (alive) {
    s.feed_eof();
    alive = step(s);
    // The peer's close_notify is the only clean end; anything else is an error.
    ATOLL_ASSERT(alive == s.peer_closed() || !s.handshake_done());
  }
  ATOLL_ASSERT(s.input_space() <= session::buffer_size);
  return 0;
}
