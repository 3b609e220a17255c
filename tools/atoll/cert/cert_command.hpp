// `atoll cert`: development certificates and the piñata's Bitcoin key
// (docs/atoll-tool.md, "atoll cert").
//
//   atoll cert ca --out P [--name CN] [--days N] [--key ecdsa|rsa2048] [--force]
//   atoll cert server --ca P --out P [--name CN] [--dns NAME]... [--ip ADDR]... [--days N]
//   atoll cert client --ca P --out P --name CN [--days N]
//   atoll cert self-signed --out P --dns NAME... [--ip ADDR]... [--days N]
//   atoll cert bitcoin --out P [--force]
//   atoll cert bitcoin-address --key FILE
#pragma once

#include "x509.hpp"
#include <atoll/core/result.hpp>

#include <string>
#include <vector>

namespace atl::tool::cert {

/// cert_action: the subcommand of `atoll cert`.
enum class cert_action { ca, server, client, self_signed, bitcoin, bitcoin_address };

/// cert_options: `atoll cert`'s arguments, checked for the action: the
/// options it needs are there, it has no others, and the defaults are set
/// (days, the common name).
struct cert_options {
  cert_action action = cert_action::ca;
  std::string out;  ///< output prefix: OUT.crt + OUT.key, or OUT.key + OUT.address
  std::string ca;   ///< the CA's prefix: CA.crt + CA.key
  std::string name;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string wif_file;  ///< bitcoin-address: the WIF key file
  key_type type = key_type::ecdsa_p256;
  int days = 0;
  bool force = false;
};

/// Largest --days (100 years).
inline constexpr int max_days = 36500;

/// parse_cert_args(args): the options of `atoll cert ACTION OPTIONS...`
/// (args start at ACTION). Options are `--opt VALUE` or `--opt=VALUE`.
/// invalid_argument with a one-line reason otherwise.
result<cert_options> parse_cert_args(const std::vector<std::string>& args);

/// make_files(o): does what `o` asks: writes the files (private keys mode
/// 0600, existing files kept unless o.force) and returns the line to show:
/// "wrote OUT.crt and OUT.key", or for bitcoin and bitcoin-address the
/// address. Never the private key.
result<std::string> make_files(const cert_options& o);

/// cert_command(args): runs `atoll cert`; prints what it wrote (for
/// `bitcoin`, only the address) and returns 0, or prints one line
/// "atoll: cert: ..." on standard error and returns 2. A private key is
/// never printed.
int cert_command(const std::vector<std::string>& args);

}  // namespace atl::tool::cert
