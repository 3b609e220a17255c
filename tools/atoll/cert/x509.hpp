// Development certificates (issue 4): a CA, server and client leaves it
// signs, and self-signed server certificates, made with Botan.
//
// Host code: Botan's exceptions stop at these functions, which report every
// failure as an atl::result error. Nothing is read or written here (the
// command does the files), and the time is an argument, so tests fix it.
#pragma once

#include <atoll/core/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace atl::tool::cert {

/// key_type: the new certificate's key. ECDSA P-256 signs with SHA-256;
/// RSA 2048 (PKCS#1 v1.5, SHA-256) for peers without ECDSA.
enum class key_type { ecdsa_p256, rsa2048 };

/// leaf_kind: what a leaf is for (its extendedKeyUsage).
enum class leaf_kind { server, client };

/// issued: a new certificate and its key, both PEM. `chain` is the
/// certificate followed by its issuer's (the CA's), for a server to send;
/// for a CA or a self-signed certificate it is the certificate alone.
/// `private_key` is PKCS#8, unencrypted: the caller writes it mode 0600.
struct issued {
  std::string chain;
  std::string private_key;
};

/// subject: the names of a leaf. `dns` and `ips` become its
/// subjectAltName (IPv4 and IPv6 text addresses).
struct subject {
  std::string common_name;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
};

/// validity: the certificate is valid from now - 1 hour (clocks of peers
/// differ) for `days` days after now.
struct validity {
  std::chrono::system_clock::time_point now;
  int days = 365;
};

/// make_ca(common_name, v, type): a self-signed CA: basicConstraints CA:TRUE
/// (critical, path length 0: it signs leaves only), keyUsage keyCertSign and
/// cRLSign (critical), a subject key identifier, a random 128-bit serial.
result<issued> make_ca(const std::string& common_name, const validity& v, key_type type);

/// make_leaf(ca_chain, ca_key, kind, s, v, type): a leaf signed by the CA
/// whose certificate is the first in `ca_chain` (PEM) and whose PKCS#8 key
/// is `ca_key`: CA:FALSE, keyUsage digitalSignature (and keyEncipherment
/// for RSA), extendedKeyUsage serverAuth or clientAuth, the subjectAltName
/// of `s` (none for a client without names), authority and subject key
/// identifiers. Errors: invalid_argument for an unreadable CA certificate
/// or key, a certificate that is not a CA, a key that is not the
/// certificate's, a bad name or address.
result<issued> make_leaf(const std::string& ca_chain, const std::string& ca_key, leaf_kind kind,
                         const subject& s, const validity& v, key_type type);

/// make_self_signed(s, v, type): a server certificate that signs itself
/// (for `make run`'s https://localhost): CA:FALSE, serverAuth, the
/// subjectAltName of `s`; it is its own trust anchor. No keyUsage, so that
/// OpenSSL takes it as self-signed.
result<issued> make_self_signed(const subject& s, const validity& v, key_type type);

/// valid_dns_name(name): letters, digits, '-', '.' labels of 1-63 bytes, at
/// most 253 bytes; "*." allowed as the first label.
bool valid_dns_name(const std::string& name);

}  // namespace atl::tool::cert
