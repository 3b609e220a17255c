// tls::session, the sans-I/O core, driven directly: two sessions joined by
// the pump of tls_fixture.hpp, no engine.
#include "tls_fixture.hpp"
#include <atoll/core/buf.hpp>
#include <atoll/tls/session.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace atl::tls::test {
namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return atl::as_bytes(s); }

session make_server_session(const server_config& config) {
  result<session> s = session::server(config);
  EXPECT_TRUE(s);
  return std::move(*s);
}

session make_client_session(const client_config& config, std::string_view name,
                            const saved_session& resume = {}) {
  result<session> s = session::client(config, name, resume);
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return std::move(*s);
}

// Sends `data` from `from` to `to` through the pump; returns what `to` read.
std::vector<std::byte> transfer(session& from, session& to, std::span<const std::byte> data) {
  std::vector<std::byte> got;
  std::vector<std::byte> chunk(20000);
  std::size_t sent = 0;
  for (int guard = 0; guard < 100000 && got.size() < data.size(); ++guard) {
    if (sent < data.size()) {
      result<std::size_t> n = from.write(data.subspan(sent));
      EXPECT_TRUE(n);
      if (!n) break;
      sent += *n;
    }
    move(from, to);
    for (;;) {
      result<std::size_t> n = to.read(chunk);
      EXPECT_TRUE(n) << (n ? "" : n.error().message());
      if (!n || *n == 0) break;
      got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    move(to, from);  // anything the reader has to say (tickets, key updates)
  }
  return got;
}

TEST(tls_session, tls13_handshake_and_megabytes_both_ways) {
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  outcome o = handshake(c, s);
  ASSERT_TRUE(o.ok()) << (o.client ? "" : o.client.error().message())
                      << (o.server ? "" : o.server.error().message());
  EXPECT_EQ(c.protocol(), version::tls13);
  EXPECT_EQ(s.protocol(), version::tls13);
  EXPECT_EQ(c.cipher().substr(0, 4), "TLS_");
  EXPECT_EQ(s.server_name(), "atoll.test");
  EXPECT_FALSE(c.resumed());
  peer_certificate p = c.peer();
  EXPECT_TRUE(p.present);
  EXPECT_TRUE(p.verified);
  EXPECT_NE(p.subject.find("CN=server"), std::string::npos) << p.subject;

  const auto up = pattern(3 * mib + 17, 1);
  EXPECT_EQ(transfer(c, s, up), up);
  const auto down = pattern(2 * mib + 5, 2);
  EXPECT_EQ(transfer(s, c, down), down);
}

TEST(tls_session, tls12_forced_by_the_server_uses_an_ecdhe_aead_suite) {
  server_options so;
  so.max_version = version::tls12;
  server_config sc = make_server(certs().server, so);
  client_config cc = make_client();
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c, s).ok());
  EXPECT_EQ(c.protocol(), version::tls12);
  EXPECT_EQ(to_string(s.protocol()), "TLSv1.2");
  const std::string suite(c.cipher());
  EXPECT_EQ(suite.rfind("TLS_ECDHE_ECDSA_WITH_", 0), 0u) << suite;
  EXPECT_TRUE(suite.find("GCM") != std::string::npos || suite.find("CHACHA20") != std::string::npos)
      << suite;
  const auto data = pattern(mib, 3);
  EXPECT_EQ(transfer(c, s, data), data);
  EXPECT_EQ(transfer(s, c, data), data);
}

TEST(tls_session, tls13_only_client_and_tls12_only_server_share_no_version) {
  server_options so;
  so.max_version = version::tls12;
  server_config sc = make_server(certs().server, so);
  client_options co;
  co.min_version = version::tls13;
  client_config cc = make_client(co);
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  outcome o = handshake(c, s);
  ASSERT_FALSE(o.server);
  EXPECT_EQ(s.failure(), reason::protocol_version);
  EXPECT_EQ(o.server.error().code(), errc::refused);
  ASSERT_FALSE(o.client);
  EXPECT_EQ(c.failure(), reason::protocol_version);
}

TEST(tls_session, sni_picks_the_certificate_and_falls_back_to_the_default) {
  const pki& k = certs();
  const certificate_pem entries[] = {{"a.test", k.a.cert, k.a.key},
                                     {"", k.fallback.cert, k.fallback.key},
                                     {"B.Test", k.b.cert, k.b.key},
                                     {"*.wild.test", k.wild.cert, k.wild.key}};
  server_options so;
  so.certificates = entries;
  server_config sc = make_server(k.fallback, so);
  client_config cc = make_client();
  for (std::string_view name : {"a.test", "b.test", "default.test", "x.wild.test"}) {
    session s = make_server_session(sc);
    session c = make_client_session(cc, name);
    outcome o = handshake(c, s);
    ASSERT_TRUE(o.ok()) << name << ": " << (o.client ? "" : o.client.error().message());
    EXPECT_EQ(s.server_name(), name);
    const std::string want = name == "default.test"  ? "CN=default"
                             : name == "x.wild.test" ? "CN=wild"
                                                     : "CN=" + std::string(name.substr(0, 1));
    EXPECT_NE(c.peer().subject.find(want), std::string::npos) << c.peer().subject;
  }
  // An unknown name gets the default certificate, which is not valid for it.
  session s = make_server_session(sc);
  session c = make_client_session(cc, "unknown.test");
  outcome o = handshake(c, s);
  ASSERT_FALSE(o.client);
  EXPECT_EQ(c.failure(), reason::name_mismatch);
  EXPECT_NE(o.client.error().message().find("tls name_mismatch"), std::string_view::npos);
}

TEST(tls_session, alpn_server_preference_wins) {
  const std::string_view server_alpn[] = {"h2", "http/1.1"};
  const std::string_view client_alpn[] = {"http/1.1", "h2"};
  server_options so;
  so.alpn = server_alpn;
  server_config sc = make_server(certs().server, so);
  client_options co;
  co.alpn = client_alpn;
  client_config cc = make_client(co);
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c, s).ok());
  EXPECT_EQ(s.alpn(), "h2");
  EXPECT_EQ(c.alpn(), "h2");

  // A client offering nothing gets no protocol, and no failure.
  client_config plain = make_client();
  session s2 = make_server_session(sc);
  session c2 = make_client_session(plain, "atoll.test");
  ASSERT_TRUE(handshake(c2, s2).ok());
  EXPECT_EQ(s2.alpn(), "");
}

TEST(tls_session, alpn_without_overlap_is_refused_on_both_sides) {
  const std::string_view server_alpn[] = {"h2"};
  const std::string_view client_alpn[] = {"spdy/3"};
  server_options so;
  so.alpn = server_alpn;
  server_config sc = make_server(certs().server, so);
  client_options co;
  co.alpn = client_alpn;
  client_config cc = make_client(co);
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  outcome o = handshake(c, s);
  ASSERT_FALSE(o.server);
  ASSERT_FALSE(o.client);
  EXPECT_EQ(s.failure(), reason::no_application_protocol);
  EXPECT_EQ(c.failure(), reason::no_application_protocol);
}

struct client_cert_case {
  const char* label;
  const pem_pair* cert;  // null: the client has none
  reason server_reason;
};

std::string version_name(const ::testing::TestParamInfo<version>& p) {
  return p.param == version::tls12 ? "tls12" : "tls13";
}

class tls_client_certificates : public ::testing::TestWithParam<version> {};

TEST_P(tls_client_certificates, required_accepts_the_ca_signed_and_refuses_the_rest) {
  const pki& k = certs();
  server_options so;
  so.verify_clients = client_auth::required;
  so.client_ca_pem = k.ca.cert_pem();
  so.max_version = GetParam();
  server_config sc = make_server(k.server, so);

  {
    client_options co;
    co.chain_pem = k.alice.cert;
    co.key_pem = k.alice.key;
    client_config cc = make_client(co);
    session s = make_server_session(sc);
    session c = make_client_session(cc, "atoll.test");
    ASSERT_TRUE(handshake(c, s).ok());
    peer_certificate p = s.peer();
    EXPECT_TRUE(p.present);
    EXPECT_TRUE(p.verified);
    EXPECT_EQ(p.subject, "/O=atoll/CN=alice");
  }
  const client_cert_case cases[] = {{"self-signed", &k.self, reason::unknown_ca},
                                    {"other CA", &k.mallory, reason::unknown_ca},
                                    {"none", nullptr, reason::certificate_required}};
  for (const client_cert_case& t : cases) {
    client_options co;
    if (t.cert != nullptr) {
      co.chain_pem = t.cert->cert;
      co.key_pem = t.cert->key;
    }
    client_config cc = make_client(co);
    session s = make_server_session(sc);
    session c = make_client_session(cc, "atoll.test");
    outcome o = handshake(c, s);
    ASSERT_FALSE(o.server) << t.label;
    EXPECT_EQ(s.failure(), t.server_reason) << t.label << ": " << o.server.error().message();
    EXPECT_EQ(o.server.error().code(), errc::refused);
    // The client learns it from the alert: during its handshake (TLS 1.2), or
    // at its first read (TLS 1.3, where the client finishes first).
    std::byte buffer[64];
    result<std::size_t> r = o.client ? c.read(buffer) : result<std::size_t>(o.client.error());
    ASSERT_FALSE(r) << t.label;
    const reason expected =
        t.server_reason == reason::certificate_required && GetParam() == version::tls12
            ? reason::handshake_failure  // TLS 1.2 has no certificate_required alert
            : t.server_reason;
    EXPECT_EQ(c.failure(), expected) << t.label << ": " << r.error().message();
  }
}

TEST_P(tls_client_certificates, optional_accepts_none_and_exposes_it) {
  const pki& k = certs();
  server_options so;
  so.verify_clients = client_auth::optional;
  so.client_ca_pem = k.ca.cert_pem();
  so.max_version = GetParam();
  server_config sc = make_server(k.server, so);
  client_config cc = make_client();
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c, s).ok());
  EXPECT_FALSE(s.peer().present);
  EXPECT_FALSE(s.peer().verified);
}

INSTANTIATE_TEST_SUITE_P(versions, tls_client_certificates,
                         ::testing::Values(version::tls12, version::tls13), version_name);

TEST(tls_session, client_refuses_wrong_name_unknown_ca_self_signed_and_expired) {
  const pki& k = certs();
  client_config cc = make_client();
  struct server_case {
    const char* label;
    const pem_pair* cert;
    std::string_view name;
    reason want;
  } cases[] = {{"wrong name", &k.server, "evil.test", reason::name_mismatch},
               {"other CA", &k.other_server, "atoll.test", reason::unknown_ca},
               {"self-signed", &k.self, "atoll.test", reason::unknown_ca},
               {"expired", &k.expired, "atoll.test", reason::certificate_expired}};
  for (const server_case& t : cases) {
    server_config sc = make_server(*t.cert);
    session s = make_server_session(sc);
    session c = make_client_session(cc, t.name);
    outcome o = handshake(c, s);
    ASSERT_FALSE(o.client) << t.label;
    EXPECT_EQ(c.failure(), t.want) << t.label << ": " << o.client.error().message();
    EXPECT_EQ(o.client.error().code(), errc::refused);
    EXPECT_FALSE(o.server) << t.label;  // the client's alert reached it
  }
}

TEST(tls_session, certificates_are_checked_at_the_time_the_application_sets) {
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  const auto host_now = std::chrono::system_clock::now().time_since_epoch();
  const wall_time now{std::chrono::duration_cast<duration>(host_now)};
  const struct {
    wall_time at;
    bool ok;
  } cases[] = {{now, true},
               {now + std::chrono::hours(24 * 60), false},  // the certificates expired
               {now - std::chrono::hours(24 * 5), false}};  // not valid yet
  for (const auto& t : cases) {
    cc.set_time(t.at);
    session s = make_server_session(sc);
    session c = make_client_session(cc, "atoll.test");
    outcome o = handshake(c, s);
    EXPECT_EQ(o.ok(), t.ok);
    EXPECT_EQ(c.failure(), t.ok ? reason::none : reason::certificate_expired);
  }
}

class tls_resumption : public ::testing::TestWithParam<version> {};

// One connection: handshake, a little data each way (so a TLS 1.3 ticket
// reaches the client); returns whether it resumed and the session saved.
std::pair<bool, saved_session> connect(const server_config& sc, const client_config& cc,
                                       const saved_session& resume) {
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test", resume);
  outcome o = handshake(c, s);
  EXPECT_TRUE(o.ok());
  const auto hello = bytes_of("hello");
  EXPECT_EQ(transfer(s, c, hello).size(), hello.size());
  EXPECT_EQ(transfer(c, s, hello).size(), hello.size());
  EXPECT_EQ(c.resumed(), s.resumed());
  return {c.resumed(), c.saved()};
}

TEST_P(tls_resumption, tickets_resume_across_one_rotation_not_two) {
  server_options so;
  const auto key1 = random_ticket_key();
  so.ticket_key = key1;
  so.max_version = GetParam();
  so.verify_clients = client_auth::optional;  // resumption keeps the context
  so.client_ca_pem = certs().ca.cert_pem();
  server_config sc = make_server(certs().server, so);
  client_config cc = make_client();

  auto [first, ticket] = connect(sc, cc, {});
  EXPECT_FALSE(first);
  ASSERT_TRUE(ticket.valid());
  EXPECT_TRUE(connect(sc, cc, ticket).first);

  ASSERT_TRUE(sc.rotate_ticket_key(random_ticket_key()));
  EXPECT_TRUE(connect(sc, cc, ticket).first) << "the previous key still decrypts";

  ASSERT_TRUE(sc.rotate_ticket_key(random_ticket_key()));
  auto [after_two, fresh] = connect(sc, cc, ticket);
  EXPECT_FALSE(after_two) << "two rotations retire the key";
  ASSERT_TRUE(fresh.valid());
  EXPECT_TRUE(connect(sc, cc, fresh).first) << "a new ticket works again";
}

TEST_P(tls_resumption, no_ticket_key_means_no_resumption) {
  server_options so;
  so.max_version = GetParam();
  server_config sc = make_server(certs().server, so);
  client_config cc = make_client();
  auto [first, ticket] = connect(sc, cc, {});
  EXPECT_FALSE(first);
  EXPECT_FALSE(connect(sc, cc, ticket).first);
}

INSTANTIATE_TEST_SUITE_P(versions, tls_resumption,
                         ::testing::Values(version::tls12, version::tls13), version_name);

TEST(tls_session, close_notify_is_a_clean_eof_and_truncation_is_an_error) {
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c, s).ok());
  const auto data = pattern(1000, 4);
  EXPECT_EQ(transfer(c, s, data), data);
  ASSERT_TRUE(c.close_notify());
  ASSERT_TRUE(c.close_notify());  // once is enough; again does nothing
  EXPECT_EQ(c.write(data).error().code(), errc::closed);
  move(c, s);
  std::byte buffer[64];
  result<std::size_t> r = s.read(buffer);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0u);
  EXPECT_TRUE(s.peer_closed());
  s.feed_eof();  // the FIN after close_notify changes nothing
  EXPECT_TRUE(s.read(buffer));
  EXPECT_EQ(s.failure(), reason::none);
  // The other direction stays open: the server can still answer.
  EXPECT_EQ(transfer(s, c, data), data);

  session s2 = make_server_session(sc);
  session c2 = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c2, s2).ok());
  EXPECT_EQ(transfer(c2, s2, data), data);
  s2.feed_eof();  // the flow ends without close_notify
  result<std::size_t> t = s2.read(buffer);
  ASSERT_FALSE(t);
  EXPECT_EQ(s2.failure(), reason::truncated);
  EXPECT_EQ(t.error().code(), errc::connection_reset);
  EXPECT_FALSE(s2.read(buffer)) << "failures are sticky";
}

TEST(tls_session, eof_during_the_handshake_is_truncation) {
  server_config sc = make_server(certs().server);
  session s = make_server_session(sc);
  const auto part = bytes_of("\x16\x03\x01\x00\x40\x01");
  EXPECT_EQ(s.feed(part), part.size());
  result<bool> h = s.handshake();
  ASSERT_TRUE(h);
  EXPECT_FALSE(*h);
  EXPECT_TRUE(s.wants_input());
  s.feed_eof();
  EXPECT_FALSE(s.handshake());
  EXPECT_EQ(s.failure(), reason::truncated);
}

TEST(tls_session, garbage_is_an_error_with_a_reason_never_a_crash) {
  server_config sc = make_server(certs().server);
  struct garbage_case {
    std::string bytes;
    reason want;
  } cases[] = {
      {"GET / HTTP/1.1\r\nHost: atoll.test\r\n\r\n", reason::not_tls},
      {std::string("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10), reason::decode_error},
      {std::string("\x17\x03\x03\x00\x05hello", 10), reason::unexpected_message},
      {std::string(64, '\xff'), reason::protocol_version},
  };
  for (const garbage_case& t : cases) {
    session s = make_server_session(sc);
    EXPECT_EQ(s.feed(atl::as_bytes(t.bytes)), t.bytes.size());
    result<bool> h = s.handshake();
    ASSERT_FALSE(h) << t.bytes;
    EXPECT_EQ(s.failure(), t.want) << h.error().message();
  }
  // Random bytes: always an error, never a crash (the fuzzer does more).
  for (unsigned seed = 0; seed < 200; ++seed) {
    session s = make_server_session(sc);
    const auto noise = pattern(1 + seed * 37 % 3000, seed);
    (void)s.feed(noise);
    result<bool> h = s.handshake();
    if (h && !*h) {
      s.feed_eof();
      h = s.handshake();
    }
    EXPECT_FALSE(h) << seed;
    EXPECT_NE(s.failure(), reason::none);
  }
}

TEST(tls_session, buffers_stay_bounded_when_nobody_drains) {
  server_config sc = make_server(certs().server);
  client_config cc = make_client();
  session s = make_server_session(sc);
  session c = make_client_session(cc, "atoll.test");
  ASSERT_TRUE(handshake(c, s).ok());
  // The server writes and nobody takes its output: it stops accepting.
  const auto data = pattern(mib, 5);
  std::size_t accepted = 0;
  for (int i = 0; i < 1000; ++i) {
    result<std::size_t> n = s.write(std::span(data).subspan(accepted % data.size(), 16384));
    ASSERT_TRUE(n);
    if (*n == 0) break;
    accepted += *n;
  }
  EXPECT_LE(s.pending_output(), session::buffer_size);
  EXPECT_LT(accepted, session::buffer_size);
  EXPECT_GT(accepted, 0u);
  // The client is fed and never reads: feed stops taking bytes.
  std::vector<std::byte> out(s.pending_output());
  out.resize(s.take_output(out));
  std::size_t fed = 0;
  for (int i = 0; i < 10; ++i) fed += c.feed(out);
  EXPECT_LE(fed, session::buffer_size);
  EXPECT_EQ(c.input_space(), session::buffer_size - fed);
}

TEST(tls_config, loading_errors_are_values_with_clear_messages) {
  const pki& k = certs();
  auto server_error = [](const certificate_pem& entry) {
    server_options so;
    so.certificates = {&entry, 1};
    result<server_config> r = server_config::create(so);
    EXPECT_FALSE(r);
    return r ? std::string() : std::string(r.error().message());
  };
  EXPECT_NE(server_error({"", "not a pem", k.server.key}).find("no certificate"),
            std::string::npos);
  std::string broken = k.server.cert;
  broken[broken.size() / 2] = '*';
  EXPECT_NE(server_error({"", broken, k.server.key}).find("bad certificate PEM"),
            std::string::npos);
  EXPECT_NE(server_error({"www", k.server.cert, "junk"}).find("www: bad private key"),
            std::string::npos);
  EXPECT_NE(server_error({"", k.server.cert, k.a.key}).find("does not match"), std::string::npos);

  server_options none;
  EXPECT_EQ(server_config::create(none).error().code(), errc::invalid_argument);
  server_options bad_ticket;
  const certificate_pem entry{"", k.server.cert, k.server.key};
  bad_ticket.certificates = {&entry, 1};
  const std::byte short_key[10] = {};
  bad_ticket.ticket_key = short_key;
  EXPECT_FALSE(server_config::create(bad_ticket));
  server_options no_ca;
  no_ca.certificates = {&entry, 1};
  no_ca.verify_clients = client_auth::required;
  EXPECT_FALSE(server_config::create(no_ca));
  const std::string_view empty_alpn[] = {""};
  server_options bad_alpn;
  bad_alpn.certificates = {&entry, 1};
  bad_alpn.alpn = empty_alpn;
  EXPECT_FALSE(server_config::create(bad_alpn));

  EXPECT_FALSE(client_config::create({}));
  client_options half;
  half.ca_pem = k.ca.cert_pem();
  half.chain_pem = k.alice.cert;
  EXPECT_NE(std::string(client_config::create(half).error().message()).find("both"),
            std::string::npos);
  client_options bad_ca;
  bad_ca.ca_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_FALSE(client_config::create(bad_ca));
  client_options inverted;
  inverted.ca_pem = k.ca.cert_pem();
  inverted.min_version = version::tls13;
  inverted.max_version = version::tls12;
  EXPECT_FALSE(client_config::create(inverted));
  client_config cc = make_client();
  EXPECT_FALSE(session::client(cc, ""));
}

}  // namespace
}  // namespace atl::tls::test
