// atoll cert (tools/atoll/cert): Base58Check, WIF and P2PKH addresses against
// published vectors; the certificates read back and checked with Botan
// (names, extensions, chains that verify and ones that must not); the
// options; the files.
#include "bitcoin.hpp"
#include "cert_command.hpp"
#include "files.hpp"
#include "x509.hpp"

#include <botan/certstor.h>
#include <botan/data_src.h>
#include <botan/ecdsa.h>
#include <botan/hex.h>
#include <botan/pkcs8.h>
#include <botan/system_rng.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace atl::tool::cert {
namespace {

using namespace std::chrono_literals;

std::vector<std::uint8_t> hex(const std::string& text) { return Botan::hex_decode(text); }

bitcoin_key key_from_hex(const std::string& text, bool compressed) {
  bitcoin_key key;
  const auto bytes = hex(text);
  std::copy(bytes.begin(), bytes.end(), key.secret.begin());
  key.compressed = compressed;
  return key;
}

bitcoin_key key_one(bool compressed) {
  bitcoin_key key;
  key.secret[31] = 1;
  key.compressed = compressed;
  return key;
}

// --- Base58Check, WIF, addresses ---------------------------------------------

// Bitcoin wiki, "Technical background of version 1 Bitcoin addresses": the
// RIPEMD-160 of the example key's public key, with version 0x00.
TEST(CertBase58, EncodesThePublishedAddressPayload) {
  auto payload = hex("00010966776006953D5567439E5E39F86A0D273BEE");
  auto text = base58check_encode(payload);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM");
  auto back = base58check_decode(*text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, payload);
}

TEST(CertBase58, LeadingZeroBytesAreOnes) {
  const std::vector<std::uint8_t> zeros(3, 0);
  auto text = base58check_encode(zeros);
  ASSERT_TRUE(text);
  EXPECT_TRUE(text->starts_with("111"));
  EXPECT_NE((*text)[3], '1');
  auto back = base58check_decode(*text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, zeros);
}

TEST(CertBase58, RejectsBadChecksumAndAlphabet) {
  // One character changed in the address above: the checksum fails.
  auto bad = base58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvN");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::corrupt);
  // '0', 'O', 'I' and 'l' are not in the alphabet.
  auto alien = base58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjv0");
  ASSERT_FALSE(alien);
  EXPECT_EQ(alien.error(), errc::invalid_argument);
  auto tiny = base58check_decode("1");
  ASSERT_FALSE(tiny);
}

TEST(CertBitcoin, PrivateKeyOneCompressed) {
  const auto key = key_one(true);
  auto wif = wif_encode(key);
  ASSERT_TRUE(wif);
  EXPECT_EQ(*wif, "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn");
  auto pub = public_key_bytes(key);
  ASSERT_TRUE(pub);
  // 1*G: the generator, x = 79BE667E...
  EXPECT_EQ(Botan::hex_encode(*pub),
            "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798");
  auto address = p2pkh_address(key);
  ASSERT_TRUE(address);
  EXPECT_EQ(*address, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
}

TEST(CertBitcoin, PrivateKeyOneUncompressed) {
  const auto key = key_one(false);
  auto wif = wif_encode(key);
  ASSERT_TRUE(wif);
  EXPECT_EQ(*wif, "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf");
  auto address = p2pkh_address(key);
  ASSERT_TRUE(address);
  EXPECT_EQ(*address, "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm");
}

// Bitcoin wiki, "Wallet import format": the example WIF and its key.
TEST(CertBitcoin, WikiWifExample) {
  auto key = wif_decode("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ\n");
  ASSERT_TRUE(key);
  EXPECT_FALSE(key->compressed);
  EXPECT_EQ(Botan::hex_encode(key->secret.data(), key->secret.size()),
            "0C28FCA386C7A227600B2FE50B7CAE11EC86D3BF1FBE471BE89827E19D72AA1D");
  auto again = wif_encode(*key);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ");
}

// Bitcoin wiki, "Technical background of version 1 Bitcoin addresses": the
// whole chain from the private key to the address (uncompressed key).
TEST(CertBitcoin, WikiTechnicalBackgroundExample) {
  const auto key =
      key_from_hex("18E14A7B6A307F426A94F8114701E7C8E774E7F9A47E2C2035DB29A206321725", false);
  auto pub = public_key_bytes(key);
  ASSERT_TRUE(pub);
  EXPECT_EQ(Botan::hex_encode(*pub),
            "0450863AD64A87AE8A2FE83C1AF1A8403CB53F53E486D8511DAD8A04887E5B2352"
            "2CD470243453A299FA9E77237716103ABC11A1DF38855ED6F2EE187E9C582BA6");
  auto address = p2pkh_address(key);
  ASSERT_TRUE(address);
  EXPECT_EQ(*address, "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM");
}

TEST(CertBitcoin, CompressedWifRoundTrips) {
  auto key = wif_decode("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn");
  ASSERT_TRUE(key);
  EXPECT_TRUE(key->compressed);
  EXPECT_EQ(key->secret, key_one(true).secret);
}

TEST(CertBitcoin, RejectsBadWif) {
  // A checksum error (one character changed).
  auto bad = wif_decode("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWo");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::corrupt);
  // A testnet key (version 0xEF) and a key of zero are refused.
  std::vector<std::uint8_t> testnet(33, 0);
  testnet[0] = 0xEF;
  testnet[32] = 1;
  auto testnet_text = base58check_encode(testnet);
  ASSERT_TRUE(testnet_text);
  EXPECT_FALSE(wif_decode(*testnet_text));
  std::vector<std::uint8_t> zero(34, 0);
  zero[0] = 0x80;
  zero[33] = 1;
  auto zero_text = base58check_encode(zero);
  ASSERT_TRUE(zero_text);
  auto zero_key = wif_decode(*zero_text);
  ASSERT_FALSE(zero_key);
  EXPECT_EQ(zero_key.error(), errc::invalid_argument);
  // A payload of the wrong length.
  std::vector<std::uint8_t> short_key(20, 0x80);
  auto short_text = base58check_encode(short_key);
  ASSERT_TRUE(short_text);
  EXPECT_FALSE(wif_decode(*short_text));
  EXPECT_FALSE(wif_decode(""));
}

TEST(CertBitcoin, FreshKeysDifferAndRoundTrip) {
  auto a = make_bitcoin_key();
  auto b = make_bitcoin_key();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(a->secret, b->secret);
  EXPECT_TRUE(a->compressed);
  auto wif = wif_encode(*a);
  ASSERT_TRUE(wif);
  EXPECT_TRUE(wif->starts_with("K") || wif->starts_with("L")) << "a compressed mainnet WIF";
  auto back = wif_decode(*wif);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->secret, a->secret);
  auto address = p2pkh_address(*a);
  ASSERT_TRUE(address);
  EXPECT_TRUE(address->starts_with("1"));
  EXPECT_EQ(wif->find(*address), std::string::npos);
  // The address is the compressed key's: an uncompressed view differs.
  bitcoin_key uncompressed = *a;
  uncompressed.compressed = false;
  auto other = p2pkh_address(uncompressed);
  ASSERT_TRUE(other);
  EXPECT_NE(*other, *address);
}

// --- certificates -------------------------------------------------------------

const Botan::OID basic_constraints_oid({2, 5, 29, 19});
const Botan::OID key_usage_oid({2, 5, 29, 15});
const Botan::OID alt_name_oid({2, 5, 29, 17});

validity now_for(int days) { return validity{std::chrono::system_clock::now(), days}; }

// certificates(pem): every certificate of a PEM text, in order.
std::vector<Botan::X509_Certificate> certificates(const std::string& pem) {
  std::vector<Botan::X509_Certificate> out;
  Botan::DataSource_Memory in(pem);
  while (!in.end_of_data()) {
    try {
      out.emplace_back(in);
    } catch (const std::exception&) {
      break;
    }
  }
  return out;
}

Botan::X509_Certificate first(const std::string& pem) {
  auto all = certificates(pem);
  EXPECT_FALSE(all.empty());
  return all.empty() ? Botan::X509_Certificate() : all.front();
}

std::unique_ptr<Botan::Private_Key> load(const std::string& pem) {
  Botan::DataSource_Memory in(pem);
  return std::unique_ptr<Botan::Private_Key>(Botan::PKCS8::load_key(in, Botan::system_rng()));
}

std::string cn(const Botan::X509_DN& dn) { return dn.get_first_attribute("X520.CommonName"); }

// validate(leaf, ca, host, usage): Botan's path validation of leaf against a
// store holding only `ca`.
Botan::Path_Validation_Result validate(const Botan::X509_Certificate& leaf,
                                       const Botan::X509_Certificate& ca, const std::string& host,
                                       Botan::Usage_Type usage) {
  Botan::Certificate_Store_In_Memory store;
  store.add_certificate(ca);
  return Botan::x509_path_validate(leaf, Botan::Path_Validation_Restrictions(), store, host, usage);
}

TEST(CertX509, CertificateAuthority) {
  const auto now = std::chrono::system_clock::now();
  auto ca = make_ca("Test CA", validity{now, 10}, key_type::ecdsa_p256);
  ASSERT_TRUE(ca) << ca.error().message();
  const auto all = certificates(ca->chain);
  ASSERT_EQ(all.size(), 1u);
  const auto& cert = all[0];
  EXPECT_EQ(cn(cert.subject_dn()), "Test CA");
  EXPECT_EQ(cert.subject_dn(), cert.issuer_dn());
  EXPECT_TRUE(cert.is_CA_cert());
  EXPECT_EQ(cert.path_limit(), 0u);
  EXPECT_TRUE(cert.v3_extensions().critical_extension_set(basic_constraints_oid));
  EXPECT_TRUE(cert.v3_extensions().critical_extension_set(key_usage_oid));
  EXPECT_EQ(cert.constraints(), Botan::KEY_CERT_SIGN | Botan::CRL_SIGN);
  EXPECT_FALSE(cert.subject_key_id().empty());
  EXPECT_TRUE(cert.check_signature(*cert.load_subject_public_key()));
  // Valid from an hour before now, for ten days.
  const auto from = cert.not_before().to_std_timepoint();
  const auto until = cert.not_after().to_std_timepoint();
  EXPECT_LE(std::chrono::abs(from - (now - 1h)), 2s);
  EXPECT_LE(std::chrono::abs(until - (now + 240h)), 2s);
  // The key is PKCS#8 PEM, ECDSA on P-256, and it is the certificate's.
  EXPECT_TRUE(ca->private_key.starts_with("-----BEGIN PRIVATE KEY-----"));
  auto key = load(ca->private_key);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->algo_name(), "ECDSA");
  const auto* ec = dynamic_cast<const Botan::ECDSA_PrivateKey*>(key.get());
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->domain().get_curve_oid(), Botan::OID::from_string("secp256r1"));
  EXPECT_EQ(key->public_key_bits(), cert.subject_public_key_bitstring());
  EXPECT_EQ(cert.signature_algorithm().get_oid(), Botan::OID::from_string("ECDSA/EMSA1(SHA-256)"));
}

TEST(CertX509, SerialsAreRandom) {
  auto a = make_ca("A", now_for(1), key_type::ecdsa_p256);
  auto b = make_ca("A", now_for(1), key_type::ecdsa_p256);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  const auto sa = first(a->chain).serial_number();
  const auto sb = first(b->chain).serial_number();
  EXPECT_EQ(sa.size(), 16u);
  EXPECT_NE(sa, sb);
}

TEST(CertX509, RsaKeys) {
  auto ca = make_ca("RSA CA", now_for(1), key_type::rsa2048);
  ASSERT_TRUE(ca) << ca.error().message();
  auto key = load(ca->private_key);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->algo_name(), "RSA");
  EXPECT_EQ(key->key_length(), 2048u);
  auto leaf = make_leaf(ca->chain, ca->private_key, leaf_kind::server,
                        {"rsa.test", {"rsa.test"}, {}}, now_for(1), key_type::rsa2048);
  ASSERT_TRUE(leaf) << leaf.error().message();
  const auto cert = first(leaf->chain);
  EXPECT_EQ(cert.constraints(), Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT);
  EXPECT_TRUE(validate(cert, first(ca->chain), "rsa.test", Botan::Usage_Type::TLS_SERVER_AUTH)
                  .successful_validation());
}

TEST(CertX509, ServerLeafVerifiesAgainstItsCaOnly) {
  auto ca = make_ca("Test CA", now_for(30), key_type::ecdsa_p256);
  auto other = make_ca("Test CA", now_for(30), key_type::ecdsa_p256);  // same name, other key
  ASSERT_TRUE(ca);
  ASSERT_TRUE(other);
  const subject s{"www.example.test", {"www.example.test", "example.test"}, {"127.0.0.1", "::1"}};
  auto leaf =
      make_leaf(ca->chain, ca->private_key, leaf_kind::server, s, now_for(7), key_type::ecdsa_p256);
  ASSERT_TRUE(leaf) << leaf.error().message();

  // The chain: the leaf, then the CA.
  const auto chain = certificates(leaf->chain);
  ASSERT_EQ(chain.size(), 2u);
  const auto& cert = chain[0];
  const auto ca_cert = first(ca->chain);
  EXPECT_EQ(chain[1], ca_cert);

  EXPECT_EQ(cn(cert.subject_dn()), "www.example.test");
  EXPECT_EQ(cert.issuer_dn(), ca_cert.subject_dn());
  EXPECT_FALSE(cert.is_CA_cert());
  EXPECT_TRUE(cert.v3_extensions().critical_extension_set(basic_constraints_oid));
  EXPECT_EQ(cert.constraints(), Botan::DIGITAL_SIGNATURE);
  EXPECT_EQ(cert.extended_key_usage(),
            std::vector<Botan::OID>{Botan::OID::from_string("PKIX.ServerAuth")});
  EXPECT_EQ(cert.authority_key_id(), ca_cert.subject_key_id());
  EXPECT_NE(cert.serial_number(), ca_cert.serial_number());

  const auto names = cert.subject_alt_name();
  auto dns = names.get_attribute("DNS");
  std::sort(dns.begin(), dns.end());
  EXPECT_EQ(dns, (std::vector<std::string>{"example.test", "www.example.test"}));
  EXPECT_EQ(names.get_attribute("IP"), std::vector<std::string>{"127.0.0.1"});
  // Botan 2 does not decode IPv6 names: find ::1's 16 bytes (tag [7]) in the
  // extension itself.
  const auto san = cert.v3_extensions().get_extension_bits(alt_name_oid);
  std::vector<std::uint8_t> v6{0x87, 16};
  v6.resize(18, 0);
  v6.back() = 1;
  EXPECT_NE(std::search(san.begin(), san.end(), v6.begin(), v6.end()), san.end());

  using Botan::Usage_Type;
  const auto good = validate(cert, ca_cert, "www.example.test", Usage_Type::TLS_SERVER_AUTH);
  EXPECT_TRUE(good.successful_validation()) << good.result_string();
  EXPECT_TRUE(
      validate(cert, ca_cert, "example.test", Usage_Type::TLS_SERVER_AUTH).successful_validation());
  // Another host name, another CA (even with the same name), a client's use.
  EXPECT_FALSE(
      validate(cert, ca_cert, "evil.test", Usage_Type::TLS_SERVER_AUTH).successful_validation());
  const auto foreign =
      validate(cert, first(other->chain), "www.example.test", Usage_Type::TLS_SERVER_AUTH);
  EXPECT_FALSE(foreign.successful_validation());
  EXPECT_FALSE(validate(cert, ca_cert, "", Usage_Type::TLS_CLIENT_AUTH).successful_validation());
}

TEST(CertX509, ClientLeaf) {
  auto ca = make_ca("Client CA", now_for(30), key_type::ecdsa_p256);
  ASSERT_TRUE(ca);
  auto leaf = make_leaf(ca->chain, ca->private_key, leaf_kind::client, {"alice", {}, {}},
                        now_for(7), key_type::ecdsa_p256);
  ASSERT_TRUE(leaf) << leaf.error().message();
  const auto cert = first(leaf->chain);
  EXPECT_EQ(cn(cert.subject_dn()), "alice");
  EXPECT_EQ(cert.extended_key_usage(),
            std::vector<Botan::OID>{Botan::OID::from_string("PKIX.ClientAuth")});
  EXPECT_FALSE(cert.v3_extensions().extension_set(alt_name_oid));
  const auto ca_cert = first(ca->chain);
  EXPECT_TRUE(
      validate(cert, ca_cert, "", Botan::Usage_Type::TLS_CLIENT_AUTH).successful_validation());
  EXPECT_FALSE(
      validate(cert, ca_cert, "", Botan::Usage_Type::TLS_SERVER_AUTH).successful_validation());
}

TEST(CertX509, LeafRefusesABadCa) {
  auto ca = make_ca("CA", now_for(30), key_type::ecdsa_p256);
  auto other = make_ca("Other", now_for(30), key_type::ecdsa_p256);
  ASSERT_TRUE(ca);
  ASSERT_TRUE(other);
  const subject s{"a.test", {"a.test"}, {}};
  // The key of another CA.
  auto mismatch = make_leaf(ca->chain, other->private_key, leaf_kind::server, s, now_for(1),
                            key_type::ecdsa_p256);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error(), errc::invalid_argument);
  EXPECT_NE(mismatch.error().message().find("does not match"), std::string_view::npos);
  // A leaf used as a CA.
  auto leaf =
      make_leaf(ca->chain, ca->private_key, leaf_kind::server, s, now_for(1), key_type::ecdsa_p256);
  ASSERT_TRUE(leaf);
  auto not_ca = make_leaf(leaf->chain, leaf->private_key, leaf_kind::server, s, now_for(1),
                          key_type::ecdsa_p256);
  ASSERT_FALSE(not_ca);
  EXPECT_NE(not_ca.error().message().find("not a CA"), std::string_view::npos);
  // Garbage.
  EXPECT_FALSE(
      make_leaf("junk", ca->private_key, leaf_kind::server, s, now_for(1), key_type::ecdsa_p256));
  EXPECT_FALSE(
      make_leaf(ca->chain, "junk", leaf_kind::server, s, now_for(1), key_type::ecdsa_p256));
  // Bad names and addresses.
  EXPECT_FALSE(make_leaf(ca->chain, ca->private_key, leaf_kind::server, {"x", {"bad name"}, {}},
                         now_for(1), key_type::ecdsa_p256));
  EXPECT_FALSE(make_leaf(ca->chain, ca->private_key, leaf_kind::server, {"x", {}, {"300.1.1.1"}},
                         now_for(1), key_type::ecdsa_p256));
  EXPECT_FALSE(make_leaf(ca->chain, ca->private_key, leaf_kind::server, s, now_for(0),
                         key_type::ecdsa_p256));
}

TEST(CertX509, SelfSigned) {
  auto self = make_self_signed({"localhost", {"localhost"}, {"127.0.0.1"}}, now_for(30),
                               key_type::ecdsa_p256);
  ASSERT_TRUE(self) << self.error().message();
  const auto all = certificates(self->chain);
  ASSERT_EQ(all.size(), 1u);
  const auto& cert = all[0];
  EXPECT_EQ(cert.subject_dn(), cert.issuer_dn());
  EXPECT_FALSE(cert.is_CA_cert());
  EXPECT_TRUE(cert.check_signature(*cert.load_subject_public_key()));
  EXPECT_EQ(cert.subject_alt_name().get_attribute("DNS"), std::vector<std::string>{"localhost"});
  EXPECT_EQ(cert.extended_key_usage(),
            std::vector<Botan::OID>{Botan::OID::from_string("PKIX.ServerAuth")});
  EXPECT_FALSE(make_self_signed({"x", {}, {}}, now_for(1), key_type::ecdsa_p256));
}

TEST(CertX509, DnsNames) {
  EXPECT_TRUE(valid_dns_name("localhost"));
  EXPECT_TRUE(valid_dns_name("a-b.example.test"));
  EXPECT_TRUE(valid_dns_name("*.example.test"));
  EXPECT_FALSE(valid_dns_name(""));
  EXPECT_FALSE(valid_dns_name("a..b"));
  EXPECT_FALSE(valid_dns_name("-a.test"));
  EXPECT_FALSE(valid_dns_name("a_b.test"));
  EXPECT_FALSE(valid_dns_name("a.*.test"));
  EXPECT_FALSE(valid_dns_name(std::string(64, 'a')));
}

// --- options -----------------------------------------------------------------

TEST(CertOptions, DefaultsAndForms) {
  auto ca = parse_cert_args({"ca", "--out", "d/ca"});
  ASSERT_TRUE(ca) << ca.error().message();
  EXPECT_EQ(ca->action, cert_action::ca);
  EXPECT_EQ(ca->out, "d/ca");
  EXPECT_EQ(ca->name, "atoll development CA");
  EXPECT_EQ(ca->days, 3650);
  EXPECT_EQ(ca->type, key_type::ecdsa_p256);
  EXPECT_FALSE(ca->force);

  auto server =
      parse_cert_args({"server", "--ca=d/ca", "--out", "d/s", "--dns", "a.test", "--dns=b.test",
                       "--ip", "::1", "--days", "2", "--key", "rsa2048", "--force"});
  ASSERT_TRUE(server) << server.error().message();
  EXPECT_EQ(server->ca, "d/ca");
  EXPECT_EQ(server->name, "a.test");
  EXPECT_EQ(server->dns, (std::vector<std::string>{"a.test", "b.test"}));
  EXPECT_EQ(server->ips, std::vector<std::string>{"::1"});
  EXPECT_EQ(server->days, 2);
  EXPECT_EQ(server->type, key_type::rsa2048);
  EXPECT_TRUE(server->force);

  auto address = parse_cert_args({"bitcoin-address", "--key", "p.key"});
  ASSERT_TRUE(address);
  EXPECT_EQ(address->wif_file, "p.key");
}

TEST(CertOptions, Errors) {
  const auto message = [](const std::vector<std::string>& args) {
    auto r = parse_cert_args(args);
    return r ? std::string("(accepted)") : std::string(r.error().message());
  };
  EXPECT_EQ(message({"ca"}), "cert ca needs --out PREFIX");
  EXPECT_EQ(message({"ca", "--out"}), "--out needs a value");
  EXPECT_EQ(message({"ca", "--out", "x", "--days", "0"}), "bad --days '0' (1 to 36500)");
  EXPECT_EQ(message({"ca", "--out", "x", "--days", "ten"}), "bad --days 'ten' (1 to 36500)");
  EXPECT_EQ(message({"ca", "--out", "x", "--days", "36501"}), "bad --days '36501' (1 to 36500)");
  EXPECT_EQ(message({"ca", "--out", "x", "--dns", "a"}), "cert ca takes no --dns");
  EXPECT_EQ(message({"ca", "--out", "x", "--colour", "red"}), "unknown option '--colour'");
  EXPECT_EQ(message({"ca", "--out", "x", "--out", "y"}), "--out given twice");
  EXPECT_EQ(message({"ca", "--out name", "x"}), "unknown option '--out name'");
  EXPECT_EQ(message({"ca", "--", "x"}), "unknown option '--'");
  EXPECT_EQ(message({"ca", "--force=yes", "--out", "x"}), "--force takes no value");
  EXPECT_EQ(message({"ca", "--out", "x", "--key", "dsa"}), "bad --key 'dsa' (ecdsa, rsa2048)");
  EXPECT_EQ(message({"ca", "stray"}), "unexpected argument 'stray'");
  EXPECT_EQ(message({"server", "--out", "x", "--dns", "a"}), "cert server needs --ca PREFIX");
  EXPECT_EQ(message({"server", "--ca", "c", "--out", "x"}),
            "cert server needs --dns NAME or --ip ADDR");
  EXPECT_EQ(message({"client", "--ca", "c", "--out", "x"}), "cert client needs --name CN");
  EXPECT_EQ(message({"self-signed", "--out", "x"}),
            "cert self-signed needs --dns NAME or --ip ADDR");
  EXPECT_EQ(message({"bitcoin"}), "cert bitcoin needs --out PREFIX");
  EXPECT_EQ(message({"bitcoin-address"}), "cert bitcoin-address needs --key FILE");
  EXPECT_EQ(message({"frob"}).substr(0, 22), "unknown action 'frob' ");
  EXPECT_NE(message({}), "(accepted)");
}

// --- files -------------------------------------------------------------------

struct temp_dir {
  std::string path;
  temp_dir() {
    char name[] = "/tmp/atoll-cert-test-XXXXXX";
    path = ::mkdtemp(name) != nullptr ? name : "";
  }
  ~temp_dir() {
    if (!path.empty()) std::system(("rm -rf '" + path + "'").c_str());
  }
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<unsigned>(st.st_mode & 07777) : 0u;
}

TEST(CertFiles, KeysAreOwnerOnlyAndNotReplacedWithoutForce) {
  temp_dir dir;
  ASSERT_FALSE(dir.path.empty());
  const output_file files[] = {{dir.path + "/k.key", "secret\n", true},
                               {dir.path + "/k.crt", "cert\n", false}};
  ASSERT_TRUE(write_outputs(files, false));
  EXPECT_EQ(mode_of(dir.path + "/k.key"), 0600u);
  auto text = read_input(dir.path + "/k.key");
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "secret\n");

  const output_file again[] = {{dir.path + "/k.key", "other\n", true}};
  auto refused = write_outputs(again, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), errc::exists);
  EXPECT_EQ(*read_input(dir.path + "/k.key"), "secret\n");
  ASSERT_TRUE(write_outputs(again, true));
  EXPECT_EQ(*read_input(dir.path + "/k.key"), "other\n");
  EXPECT_EQ(mode_of(dir.path + "/k.key"), 0600u);

  // A folder that is a file: nothing can be written beneath it.
  const output_file beneath[] = {{dir.path + "/k.crt/x.key", "s", true}};
  auto failed = write_outputs(beneath, false);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("cannot write"), std::string_view::npos);
  // All or nothing: the key written before the certificate that failed goes.
  const output_file pair[] = {{dir.path + "/p.key", "s", true},
                              {dir.path + "/k.crt/p.crt", "c", false}};
  ASSERT_FALSE(write_outputs(pair, false));
  EXPECT_EQ(mode_of(dir.path + "/p.key"), 0u) << "p.key was left behind";
  auto missing = read_input(dir.path + "/none.crt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), errc::not_found);
}

}  // namespace
}  // namespace atl::tool::cert
