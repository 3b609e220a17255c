#include "x509.hpp"

#include <botan/data_src.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>
#include <botan/x509cert.h>

#include <arpa/inet.h>
#include <exception>
#include <memory>

namespace atl::tool::cert {

namespace {

using namespace std::chrono_literals;

constexpr const char* signature_hash = "SHA-256";

// subject_alt_name: the subjectAltName extension, encoded here because
// Botan 2's AlternativeName writes IPv4 addresses only. GeneralNames is a
// SEQUENCE of dNSName [2] IA5String and iPAddress [7] OCTET STRING (4 or 16
// bytes), RFC 5280 4.2.1.6. Only ever encoded: certificates read back are
// decoded by Botan's own class.
class subject_alt_name final : public Botan::Certificate_Extension {
public:
  explicit subject_alt_name(std::vector<std::uint8_t> der) : der_(std::move(der)) {}
  Botan::OID oid_of() const override { return Botan::OID({2, 5, 29, 17}); }
  // Empty like Botan's Unknown_Extension: get_extension_object_as never
  // casts this class to Botan's SAN type.
  std::string oid_name() const override { return ""; }
  Certificate_Extension* copy() const override { return new subject_alt_name(der_); }
  void contents_to(Botan::Data_Store&, Botan::Data_Store&) const override {}

private:
  std::vector<std::uint8_t> encode_inner() const override { return der_; }
  void decode_inner(const std::vector<std::uint8_t>&) override {}

  std::vector<std::uint8_t> der_;
};

// ip_bytes(text): the 4 or 16 bytes of an IPv4 or IPv6 address; empty if
// `text` is neither.
std::vector<std::uint8_t> ip_bytes(const std::string& text) {
  std::uint8_t bytes[16] = {};
  if (::inet_pton(AF_INET, text.c_str(), bytes) == 1) return {bytes, bytes + 4};
  if (::inet_pton(AF_INET6, text.c_str(), bytes) == 1) return {bytes, bytes + 16};
  return {};
}

result<std::vector<std::uint8_t>> encode_alt_names(const subject& s) {
  std::vector<std::uint8_t> der;
  Botan::DER_Encoder out(der);
  out.start_cons(Botan::SEQUENCE);
  for (const auto& name : s.dns) {
    if (!valid_dns_name(name))
      return atl::error(errc::invalid_argument, "bad DNS name '", name, "'");
    out.add_object(Botan::ASN1_Tag(2), Botan::CONTEXT_SPECIFIC, name);
  }
  for (const auto& ip : s.ips) {
    const auto bytes = ip_bytes(ip);
    if (bytes.empty()) return atl::error(errc::invalid_argument, "bad IP address '", ip, "'");
    out.add_object(Botan::ASN1_Tag(7), Botan::CONTEXT_SPECIFIC, bytes);
  }
  out.end_cons();
  return der;
}

std::unique_ptr<Botan::Private_Key> new_key(key_type type, Botan::RandomNumberGenerator& rng) {
  if (type == key_type::rsa2048) return std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
  return std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
}

Botan::X509_DN dn(const std::string& common_name) {
  Botan::X509_DN name;
  name.add_attribute("X520.CommonName", common_name);
  return name;
}

Botan::Key_Constraints usage(int bits) { return static_cast<Botan::Key_Constraints>(bits); }

// leaf_usage: digitalSignature for the handshake's signature; RSA keys
// also keyEncipherment (TLS 1.2 RSA key exchange, harmless otherwise).
Botan::Key_Constraints leaf_usage(const Botan::Private_Key& key) {
  int bits = Botan::DIGITAL_SIGNATURE;
  if (key.algo_name() == "RSA") bits |= Botan::KEY_ENCIPHERMENT;
  return usage(bits);
}

// sign(...): the certificate of `subject_key`, signed by `signer_key`, with
// a random positive 127-bit serial (16 bytes in DER), as PEM.
std::string sign(const Botan::Private_Key& signer_key, const Botan::Public_Key& subject_key,
                 const Botan::X509_DN& issuer, const Botan::X509_DN& subject_name,
                 const Botan::Extensions& extensions, const validity& v,
                 Botan::RandomNumberGenerator& rng) {
  Botan::AlgorithmIdentifier sig_algo;
  const std::unique_ptr<Botan::PK_Signer> signer(
      Botan::choose_sig_format(signer_key, rng, signature_hash, sig_algo));
  const Botan::BigInt serial(rng, 127);
  const Botan::X509_Time not_before(v.now - 1h);
  const Botan::X509_Time not_after(v.now + std::chrono::hours(24) * v.days);
  const auto cert = Botan::X509_CA::make_cert(signer.get(), rng, serial, sig_algo,
                                              subject_key.subject_public_key(), not_before,
                                              not_after, issuer, subject_name, extensions);
  return cert.PEM_encode();
}

result<void> check(const validity& v) {
  if (v.days < 1) return atl::error(errc::invalid_argument, "validity must be at least one day");
  return ok();
}

result<void> check_names(const subject& s) {
  if (s.common_name.empty()) return atl::error(errc::invalid_argument, "empty common name");
  return ok();
}

atl::error botan_error(const std::exception& e) {
  return atl::error(errc::io_error, "botan: ", e.what());
}

}  // namespace

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  std::string_view rest(name);
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  while (true) {
    const auto dot = rest.find('.');
    const auto label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      const bool ok_char =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok_char) return false;
    }
    if (dot == std::string_view::npos) return true;
    rest.remove_prefix(dot + 1);
  }
}

result<issued> make_ca(const std::string& common_name, const validity& v, key_type type) {
  ATOLL_TRYV(check(v));
  if (common_name.empty()) return atl::error(errc::invalid_argument, "empty common name");
  try {
    Botan::System_RNG rng;
    const auto key = new_key(type, rng);
    Botan::Extensions ext;
    ext.add(new Botan::Cert_Extension::Basic_Constraints(true, 0), true);
    ext.add(new Botan::Cert_Extension::Key_Usage(usage(Botan::KEY_CERT_SIGN | Botan::CRL_SIGN)),
            true);
    ext.add(new Botan::Cert_Extension::Subject_Key_ID(key->subject_public_key(), "SHA-1"));
    const auto name = dn(common_name);
    return issued{sign(*key, *key, name, name, ext, v, rng), Botan::PKCS8::PEM_encode(*key)};
  } catch (const std::exception& e) {
    return botan_error(e);
  }
}

result<issued> make_leaf(const std::string& ca_chain, const std::string& ca_key, leaf_kind kind,
                         const subject& s, const validity& v, key_type type) {
  ATOLL_TRYV(check(v));
  ATOLL_TRYV(check_names(s));
  ATOLL_TRY(const auto alt_names, encode_alt_names(s));
  try {
    Botan::System_RNG rng;
    std::unique_ptr<Botan::X509_Certificate> ca;
    try {
      Botan::DataSource_Memory in(ca_chain);
      ca = std::make_unique<Botan::X509_Certificate>(in);
    } catch (const std::exception&) {
      return atl::error(errc::invalid_argument, "the CA certificate cannot be read");
    }
    if (!ca->is_CA_cert())
      return atl::error(errc::invalid_argument, "the CA certificate is not a CA");
    std::unique_ptr<Botan::Private_Key> signer;
    try {
      Botan::DataSource_Memory in(ca_key);
      signer.reset(Botan::PKCS8::load_key(in, rng));
    } catch (const std::exception&) {
      return atl::error(errc::invalid_argument, "the CA key cannot be read (PKCS#8 PEM)");
    }
    if (signer->public_key_bits() != ca->subject_public_key_bitstring()) {
      return atl::error(errc::invalid_argument, "the CA key does not match the CA certificate");
    }
    const auto key = new_key(type, rng);
    Botan::Extensions ext;
    ext.add(new Botan::Cert_Extension::Basic_Constraints(false), true);
    ext.add(new Botan::Cert_Extension::Key_Usage(leaf_usage(*key)), true);
    ext.add(new Botan::Cert_Extension::Extended_Key_Usage({Botan::OID::from_string(
        kind == leaf_kind::server ? "PKIX.ServerAuth" : "PKIX.ClientAuth")}));
    if (!s.dns.empty() || !s.ips.empty()) ext.add(new subject_alt_name(alt_names));
    ext.add(new Botan::Cert_Extension::Subject_Key_ID(key->subject_public_key(), "SHA-1"));
    if (!ca->subject_key_id().empty()) {
      ext.add(new Botan::Cert_Extension::Authority_Key_ID(ca->subject_key_id()));
    }
    const auto leaf = sign(*signer, *key, ca->subject_dn(), dn(s.common_name), ext, v, rng);
    return issued{leaf + ca->PEM_encode(), Botan::PKCS8::PEM_encode(*key)};
  } catch (const std::exception& e) {
    return botan_error(e);
  }
}

result<issued> make_self_signed(const subject& s, const validity& v, key_type type) {
  ATOLL_TRYV(check(v));
  ATOLL_TRYV(check_names(s));
  if (s.dns.empty() && s.ips.empty()) {
    return atl::error(errc::invalid_argument,
                      "a server certificate needs a DNS name or an address");
  }
  ATOLL_TRY(const auto alt_names, encode_alt_names(s));
  try {
    Botan::System_RNG rng;
    const auto key = new_key(type, rng);
    Botan::Extensions ext;
    ext.add(new Botan::Cert_Extension::Basic_Constraints(false), true);
    ext.add(new Botan::Cert_Extension::Extended_Key_Usage(
        {Botan::OID::from_string("PKIX.ServerAuth")}));
    ext.add(new subject_alt_name(alt_names));
    ext.add(new Botan::Cert_Extension::Subject_Key_ID(key->subject_public_key(), "SHA-1"));
    const auto name = dn(s.common_name);
    return issued{sign(*key, *key, name, name, ext, v, rng), Botan::PKCS8::PEM_encode(*key)};
  } catch (const std::exception& e) {
    return botan_error(e);
  }
}

}  // namespace atl::tool::cert
