#include "test_pki.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace atl::tls::test {
namespace {

// A test helper cannot recover from a failing BoringSSL call: stop loudly.
void require(bool ok, const char* what) {
  if (!ok) {
    __builtin_printf("test_pki: %s failed\n", what);
    std::abort();
  }
}

bssl::UniquePtr<EVP_PKEY> p256_key() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  require(ec && key && EC_KEY_generate_key(ec.get()) == 1 &&
              EVP_PKEY_assign_EC_KEY(key.get(), ec.release()) == 1,
          "P-256 key");
  return key;
}

std::string bio_text(BIO* bio) {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  require(BIO_mem_contents(bio, &data, &length) == 1, "BIO_mem_contents");
  return std::string(reinterpret_cast<const char*>(data), length);
}

std::string to_cert_pem(X509* cert) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  require(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return bio_text(bio.get());
}

std::string to_key_pem(EVP_PKEY* key) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  require(
      bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
      "PEM_write_bio_PrivateKey");
  return bio_text(bio.get());
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  require(ext && X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

long next_serial = 1;

// A certificate for `key`, subject O=atoll/CN=cn, valid [from, to] seconds
// from now, issued by `issuer` (or itself); signed later by the caller.
bssl::UniquePtr<X509> make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, long from,
                                long to) {
  bssl::UniquePtr<X509> cert(X509_new());
  require(cert && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), next_serial++) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(cert.get()), from) != nullptr &&
              X509_gmtime_adj(X509_getm_notAfter(cert.get()), to) != nullptr,
          "certificate fields");
  X509_NAME* name = X509_get_subject_name(cert.get());
  require(
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const std::uint8_t*>("atoll"), -1, -1, 0) == 1 &&
          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const std::uint8_t*>(cn.c_str()), -1, -1,
                                     0) == 1,
      "subject");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  require(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1 &&
              X509_set_pubkey(cert.get(), key) == 1,
          "issuer and key");
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  require(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign");
}

std::string san(const std::vector<std::string>& dns) {
  std::string out;
  for (const std::string& name : dns) {
    if (!out.empty()) out += ",";
    out += "DNS:" + name;
  }
  return out;
}

constexpr long day = 24L * 3600;

}  // namespace

struct authority::impl {
  bssl::UniquePtr<EVP_PKEY> key;
  bssl::UniquePtr<X509> cert;
  std::string pem;

  pem_pair leaf(const std::string& cn, const std::vector<std::string>& dns, const char* usage,
                long from, long to) const {
    bssl::UniquePtr<EVP_PKEY> leaf_key = p256_key();
    bssl::UniquePtr<X509> c = make_cert(leaf_key.get(), cn, cert.get(), from, to);
    add_ext(c.get(), cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c.get(), cert.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(c.get(), cert.get(), NID_ext_key_usage, usage);
    if (!dns.empty()) add_ext(c.get(), cert.get(), NID_subject_alt_name, san(dns));
    sign(c.get(), key.get());
    return {to_cert_pem(c.get()), to_key_pem(leaf_key.get())};
  }
};

authority::authority(const std::string& cn) : impl_(new impl) {
  impl_->key = p256_key();
  impl_->cert = make_cert(impl_->key.get(), cn, nullptr, -day, 30 * day);
  add_ext(impl_->cert.get(), impl_->cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(impl_->cert.get(), impl_->cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  sign(impl_->cert.get(), impl_->key.get());
  impl_->pem = to_cert_pem(impl_->cert.get());
}
authority::authority(authority&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
authority& authority::operator=(authority&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}
authority::~authority() { delete impl_; }

const std::string& authority::cert_pem() const { return impl_->pem; }

pem_pair authority::server(const std::string& cn, const std::vector<std::string>& dns) const {
  return impl_->leaf(cn, dns, "serverAuth", -day, 30 * day);
}
pem_pair authority::client(const std::string& cn) const {
  return impl_->leaf(cn, {}, "clientAuth", -day, 30 * day);
}
pem_pair authority::expired_server(const std::string& cn,
                                   const std::vector<std::string>& dns) const {
  return impl_->leaf(cn, dns, "serverAuth", -10 * day, -day);
}

pem_pair self_signed(const std::string& cn, const std::vector<std::string>& dns) {
  bssl::UniquePtr<EVP_PKEY> key = p256_key();
  bssl::UniquePtr<X509> c = make_cert(key.get(), cn, nullptr, -day, 30 * day);
  add_ext(c.get(), c.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  if (!dns.empty()) add_ext(c.get(), c.get(), NID_subject_alt_name, san(dns));
  sign(c.get(), key.get());
  return {to_cert_pem(c.get()), to_key_pem(key.get())};
}

std::vector<std::byte> random_ticket_key() {
  std::vector<std::byte> out(80);
  require(RAND_bytes(reinterpret_cast<std::uint8_t*>(out.data()), out.size()) == 1, "RAND_bytes");
  return out;
}

}  // namespace atl::tls::test
