// tls_fixture: the certificates every TLS test uses (made once per test
// binary), configurations built from them, and a pump that moves ciphertext
// between two sessions.
#pragma once

#include "test_pki.hpp"
#include <atoll/tls/config.hpp>
#include <atoll/tls/session.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atl::tls::test {

inline constexpr std::size_t kib = 1024;
inline constexpr std::size_t mib = kib * kib;

struct pki {
  authority ca{"atoll test CA"};
  authority other_ca{"unrelated CA"};
  pem_pair server = ca.server("server", {"atoll.test", "www.atoll.test"});
  pem_pair a = ca.server("a", {"a.test"});
  pem_pair b = ca.server("b", {"b.test"});
  pem_pair fallback = ca.server("default", {"default.test"});
  pem_pair wild = ca.server("wild", {"*.wild.test"});
  pem_pair expired = ca.expired_server("expired", {"atoll.test"});
  pem_pair alice = ca.client("alice");
  pem_pair mallory = other_ca.client("mallory");
  pem_pair other_server = other_ca.server("other", {"atoll.test"});
  pem_pair self = self_signed("self", {"atoll.test"});
};

/// The binary's PKI, made at first use.
inline const pki& certs() {
  // NOLINTNEXTLINE(bugprone-dynamic-static-initializers): one PKI per binary, at first use
  static const pki* p = new pki;
  return *p;
}

inline server_config make_server(const pem_pair& cert, server_options options = {}) {
  const certificate_pem entry{"", cert.cert, cert.key};
  if (options.certificates.empty()) options.certificates = {&entry, 1};
  result<server_config> config = server_config::create(options);
  EXPECT_TRUE(config) << (config ? "" : config.error().message());
  return std::move(*config);
}

inline client_config make_client(client_options options = {}) {
  if (options.ca_pem.empty()) options.ca_pem = certs().ca.cert_pem();
  result<client_config> config = client_config::create(options);
  EXPECT_TRUE(config) << (config ? "" : config.error().message());
  return std::move(*config);
}

/// move(from, to): every byte of ciphertext `from` holds, into `to` (as far
/// as it takes them); returns how many moved.
inline std::size_t move(session& from, session& to) {
  std::vector<std::byte> chunk(session::buffer_size);
  std::size_t moved = 0;
  while (from.pending_output() > 0 && to.input_space() > 0) {
    const std::size_t n =
        from.take_output({chunk.data(), std::min(chunk.size(), to.input_space())});
    if (n == 0) break;
    EXPECT_EQ(to.feed({chunk.data(), n}), n);
    moved += n;
  }
  return moved;
}

/// The outcome of a handshake between two sessions.
struct outcome {
  result<bool> client = false;
  result<bool> server = false;
  [[nodiscard]] bool ok() const { return client && *client && server && *server; }
};

/// handshake(c, s): drives both sessions until both finished, one failed
/// or nothing moves; failures' alerts are delivered to the other side.
inline outcome handshake(session& c, session& s) {
  outcome out;
  for (int round = 0; round < 64; ++round) {
    out.client = c.handshake();
    out.server = s.handshake();
    const std::size_t moved = move(c, s) + move(s, c);
    if (!out.client || !out.server) {
      // Let the side that did not fail read the alert.
      if (out.client) out.client = c.handshake();
      if (out.server) out.server = s.handshake();
      return out;
    }
    if (*out.client && *out.server && moved == 0) return out;
  }
  return out;
}

inline std::vector<std::byte> pattern(std::size_t n, unsigned seed) {
  std::vector<std::byte> out(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::byte>(x >> 24);
  }
  return out;
}

}  // namespace atl::tls::test
