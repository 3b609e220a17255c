// BoringSSL as third_party/boringssl builds it: published known answers through the
// prefixed API (SHA-1, SHA-256, AES-256-GCM, X25519, Ed25519), a TLS 1.3 handshake in
// memory through libssl, and proof that the headers name the prefixed symbols.
#include <gtest/gtest.h>
#include <openssl/aead.h>
#include <openssl/bio.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atl {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

std::string to_hex(const std::uint8_t* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

const std::uint8_t* bytes_of(std::string_view s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

#define ATOLL_TEST_STR(x) #x
#define ATOLL_TEST_XSTR(x) ATOLL_TEST_STR(x)

// The consumer side of the prefix: BORINGSSL_PREFIX comes from the target's interface
// and boringssl_prefix_symbols.h renames every C function, C++ code sits in an inline
// namespace. Linking against an unprefixed libcrypto would fail on these names.
TEST(boringssl, headers_name_prefixed_symbols) {
  EXPECT_STREQ(ATOLL_TEST_XSTR(BORINGSSL_PREFIX), "atl_bssl");
  EXPECT_STREQ(ATOLL_TEST_XSTR(SHA256), "atl_bssl_SHA256");
  EXPECT_STREQ(ATOLL_TEST_XSTR(SSL_CTX_new), "atl_bssl_SSL_CTX_new");
  EXPECT_STREQ(ATOLL_TEST_XSTR(EVP_aead_aes_256_gcm), "atl_bssl_EVP_aead_aes_256_gcm");
  EXPECT_STREQ(ATOLL_TEST_XSTR(BSSL_NAMESPACE_BEGIN),
               "namespace bssl { inline namespace atl_bssl {");
}

// FIPS 180-2 appendix A/B vectors.
TEST(boringssl, sha1_known_answers) {
  std::array<std::uint8_t, SHA_DIGEST_LENGTH> d{};
  SHA1(bytes_of("abc"), 3, d.data());
  EXPECT_EQ(to_hex(d.data(), d.size()), "a9993e364706816aba3e25717850c26c9cd0d89d");

  std::string_view two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  SHA1(bytes_of(two_blocks), two_blocks.size(), d.data());
  EXPECT_EQ(to_hex(d.data(), d.size()), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(boringssl, sha256_known_answers_one_shot_and_streamed) {
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> d{};
  SHA256(bytes_of("abc"), 3, d.data());
  EXPECT_EQ(to_hex(d.data(), d.size()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  std::string_view two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  SHA256_CTX ctx;
  ASSERT_EQ(SHA256_Init(&ctx), 1);
  ASSERT_EQ(SHA256_Update(&ctx, two_blocks.data(), 10), 1);
  ASSERT_EQ(SHA256_Update(&ctx, two_blocks.data() + 10, two_blocks.size() - 10), 1);
  ASSERT_EQ(SHA256_Final(d.data(), &ctx), 1);
  EXPECT_EQ(to_hex(d.data(), d.size()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// The GCM specification's test case 16 (McGrew and Viega): AES-256, 96-bit IV, AAD.
struct gcm_case {
  std::vector<std::uint8_t> key =
      from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  std::vector<std::uint8_t> iv = from_hex("cafebabefacedbaddecaf888");
  std::vector<std::uint8_t> aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::vector<std::uint8_t> plain = from_hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::string cipher_and_tag =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b";
};

TEST(boringssl, aes_256_gcm_seal_known_answer) {
  gcm_case t;
  bssl::ScopedEVP_AEAD_CTX ctx;
  ASSERT_EQ(EVP_AEAD_CTX_init(ctx.get(), EVP_aead_aes_256_gcm(), t.key.data(), t.key.size(),
                              EVP_AEAD_DEFAULT_TAG_LENGTH, nullptr),
            1);
  std::vector<std::uint8_t> out(t.plain.size() + EVP_AEAD_max_overhead(EVP_aead_aes_256_gcm()));
  std::size_t out_len = 0;
  ASSERT_EQ(EVP_AEAD_CTX_seal(ctx.get(), out.data(), &out_len, out.size(), t.iv.data(), t.iv.size(),
                              t.plain.data(), t.plain.size(), t.aad.data(), t.aad.size()),
            1);
  EXPECT_EQ(to_hex(out.data(), out_len), t.cipher_and_tag);
}

TEST(boringssl, aes_256_gcm_open_known_answer_and_reject_tampering) {
  gcm_case t;
  bssl::ScopedEVP_AEAD_CTX ctx;
  ASSERT_EQ(EVP_AEAD_CTX_init(ctx.get(), EVP_aead_aes_256_gcm(), t.key.data(), t.key.size(),
                              EVP_AEAD_DEFAULT_TAG_LENGTH, nullptr),
            1);
  std::vector<std::uint8_t> sealed = from_hex(t.cipher_and_tag);
  std::vector<std::uint8_t> out(sealed.size());
  std::size_t out_len = 0;
  ASSERT_EQ(EVP_AEAD_CTX_open(ctx.get(), out.data(), &out_len, out.size(), t.iv.data(), t.iv.size(),
                              sealed.data(), sealed.size(), t.aad.data(), t.aad.size()),
            1);
  out.resize(out_len);
  EXPECT_EQ(out, t.plain);

  std::vector<std::uint8_t> bad_tag = sealed;
  bad_tag.back() ^= 1;
  EXPECT_EQ(
      EVP_AEAD_CTX_open(ctx.get(), out.data(), &out_len, sealed.size(), t.iv.data(), t.iv.size(),
                        bad_tag.data(), bad_tag.size(), t.aad.data(), t.aad.size()),
      0);
  std::vector<std::uint8_t> bad_aad = t.aad;
  bad_aad[0] ^= 0x80;
  EXPECT_EQ(
      EVP_AEAD_CTX_open(ctx.get(), out.data(), &out_len, sealed.size(), t.iv.data(), t.iv.size(),
                        sealed.data(), sealed.size(), bad_aad.data(), bad_aad.size()),
      0);
}

// RFC 7748 sections 5.2 and 6.1.
TEST(boringssl, x25519_known_answers) {
  auto scalar = from_hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
  auto u = from_hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
  std::array<std::uint8_t, X25519_SHARED_KEY_LEN> out{};
  ASSERT_EQ(X25519(out.data(), scalar.data(), u.data()), 1);
  EXPECT_EQ(to_hex(out.data(), out.size()),
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

  auto alice = from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto bob = from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  std::array<std::uint8_t, X25519_PUBLIC_VALUE_LEN> alice_public{};
  X25519_public_from_private(alice_public.data(), alice.data());
  EXPECT_EQ(to_hex(alice_public.data(), alice_public.size()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  std::array<std::uint8_t, X25519_PUBLIC_VALUE_LEN> bob_public{};
  X25519_public_from_private(bob_public.data(), bob.data());
  ASSERT_EQ(X25519(out.data(), alice.data(), bob_public.data()), 1);
  EXPECT_EQ(to_hex(out.data(), out.size()),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

// RFC 8032 section 7.1, test 1 (empty message).
TEST(boringssl, ed25519_known_answer_and_verify) {
  auto seed = from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::array<std::uint8_t, ED25519_PUBLIC_KEY_LEN> pub{};
  std::array<std::uint8_t, ED25519_PRIVATE_KEY_LEN> priv{};
  ED25519_keypair_from_seed(pub.data(), priv.data(), seed.data());
  EXPECT_EQ(to_hex(pub.data(), pub.size()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  std::array<std::uint8_t, ED25519_SIGNATURE_LEN> sig{};
  ASSERT_EQ(ED25519_sign(sig.data(), nullptr, 0, priv.data()), 1);
  EXPECT_EQ(to_hex(sig.data(), sig.size()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_EQ(ED25519_verify(nullptr, 0, sig.data(), pub.data()), 1);
  sig[0] ^= 1;
  EXPECT_EQ(ED25519_verify(nullptr, 0, sig.data(), pub.data()), 0);
}

// A fresh ECDSA P-256 key (the clients' default signature algorithms include it).
bssl::UniquePtr<EVP_PKEY> p256_key() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (!ec || !key || !EC_KEY_generate_key(ec.get()) ||
      !EVP_PKEY_assign_EC_KEY(key.get(), ec.release())) {
    return nullptr;
  }
  return key;
}

// A self-signed certificate for the handshake tests.
bssl::UniquePtr<X509> self_signed(EVP_PKEY* key) {
  bssl::UniquePtr<X509> cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3) ||
      !ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600)) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, bytes_of("atoll.test"), -1, -1, 0) ||
      !X509_set_issuer_name(cert.get(), name) || !X509_set_pubkey(cert.get(), key) ||
      !X509_sign(cert.get(), key, EVP_sha256())) {
    return nullptr;
  }
  return cert;
}

// Moves bytes until both ends finished the handshake (or nothing moves any more).
bool handshake(SSL* client, SSL* server) {
  for (int round = 0; round < 32; ++round) {
    int c = SSL_do_handshake(client);
    int s = SSL_do_handshake(server);
    if (c == 1 && s == 1) return true;
    if (c != 1 && SSL_get_error(client, c) != SSL_ERROR_WANT_READ) return false;
    if (s != 1 && SSL_get_error(server, s) != SSL_ERROR_WANT_READ) return false;
  }
  return false;
}

TEST(boringssl, tls13_handshake_and_data_in_memory) {
  bssl::UniquePtr<EVP_PKEY> key = p256_key();
  ASSERT_TRUE(key);
  bssl::UniquePtr<X509> cert = self_signed(key.get());
  ASSERT_TRUE(cert);

  bssl::UniquePtr<SSL_CTX> server_ctx(SSL_CTX_new(TLS_method()));
  bssl::UniquePtr<SSL_CTX> client_ctx(SSL_CTX_new(TLS_method()));
  ASSERT_TRUE(server_ctx && client_ctx);
  ASSERT_EQ(SSL_CTX_use_certificate(server_ctx.get(), cert.get()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(server_ctx.get(), key.get()), 1);
  ASSERT_EQ(SSL_CTX_set_min_proto_version(client_ctx.get(), TLS1_3_VERSION), 1);
  // Trust exactly the test certificate.
  ASSERT_EQ(X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.get()), cert.get()), 1);
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);

  bssl::UniquePtr<SSL> client(SSL_new(client_ctx.get()));
  bssl::UniquePtr<SSL> server(SSL_new(server_ctx.get()));
  ASSERT_TRUE(client && server);
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  ASSERT_EQ(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0), 1);
  SSL_set_bio(client.get(), client_bio, client_bio);  // each SSL owns its end
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  ASSERT_EQ(SSL_set_tlsext_host_name(client.get(), "atoll.test"), 1);

  ASSERT_TRUE(handshake(client.get(), server.get()));
  EXPECT_EQ(SSL_version(client.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_get_verify_result(client.get()), X509_V_OK);
  EXPECT_STREQ(SSL_get_servername(server.get(), TLSEXT_NAMETYPE_host_name), "atoll.test");

  std::string_view hello = "hello over TLS";
  ASSERT_EQ(SSL_write(client.get(), hello.data(), static_cast<int>(hello.size())),
            static_cast<int>(hello.size()));
  std::array<char, 64> got{};
  int n = SSL_read(server.get(), got.data(), static_cast<int>(got.size()));
  ASSERT_EQ(n, static_cast<int>(hello.size()));
  EXPECT_EQ(std::string_view(got.data(), static_cast<std::size_t>(n)), hello);
}

TEST(boringssl, tls_rejects_an_untrusted_server) {
  bssl::UniquePtr<EVP_PKEY> key = p256_key();
  ASSERT_TRUE(key);
  bssl::UniquePtr<X509> cert = self_signed(key.get());
  ASSERT_TRUE(cert);
  bssl::UniquePtr<SSL_CTX> server_ctx(SSL_CTX_new(TLS_method()));
  bssl::UniquePtr<SSL_CTX> client_ctx(SSL_CTX_new(TLS_method()));
  ASSERT_TRUE(server_ctx && client_ctx);
  ASSERT_EQ(SSL_CTX_use_certificate(server_ctx.get(), cert.get()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(server_ctx.get(), key.get()), 1);
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);  // empty trust store

  bssl::UniquePtr<SSL> client(SSL_new(client_ctx.get()));
  bssl::UniquePtr<SSL> server(SSL_new(server_ctx.get()));
  ASSERT_TRUE(client && server);
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  ASSERT_EQ(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0), 1);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  EXPECT_FALSE(handshake(client.get(), server.get()));
  EXPECT_EQ(SSL_get_verify_result(client.get()), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

}  // namespace
}  // namespace atl
