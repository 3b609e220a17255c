// test_pki: certificates made at test time with BoringSSL's X509 API, so no
// key material lives in the tree. Every key is ECDSA P-256.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atl::tls::test {

/// A certificate (PEM; a leaf issued by an intermediate holds the chain) and
/// its private key (PEM).
struct pem_pair {
  std::string cert;
  std::string key;
};

/// authority: a CA that issues leaf certificates.
class authority {
public:
  /// authority(cn): a fresh self-signed CA named `cn`.
  explicit authority(const std::string& cn);
  authority(authority&&) noexcept;
  authority& operator=(authority&&) noexcept;
  ~authority();

  /// The CA certificate, for trust stores.
  [[nodiscard]] const std::string& cert_pem() const;
  /// server(cn, dns): a server certificate for the DNS names.
  [[nodiscard]] pem_pair server(const std::string& cn, const std::vector<std::string>& dns) const;
  /// client(cn): a client certificate with subject CN=cn, O=atoll.
  [[nodiscard]] pem_pair client(const std::string& cn) const;
  /// expired_server(cn, dns): a server certificate that expired a day ago.
  [[nodiscard]] pem_pair expired_server(const std::string& cn,
                                        const std::vector<std::string>& dns) const;

  struct impl;

private:
  impl* impl_;
};

/// self_signed(cn, dns): a self-signed leaf (serverAuth and clientAuth).
pem_pair self_signed(const std::string& cn, const std::vector<std::string>& dns = {});

/// random_ticket_key(): 80 fresh bytes for server_config::rotate_ticket_key.
std::vector<std::byte> random_ticket_key();

}  // namespace atl::tls::test
