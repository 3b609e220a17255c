#include "cert_command.hpp"

#include "bitcoin.hpp"
#include "files.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>

namespace atl::tool::cert {

namespace {

constexpr const char* usage_text =
    "usage: atoll cert ca --out P [--name CN] [--days N] [--key ecdsa|rsa2048]\n"
    "       atoll cert server --ca P --out P [--name CN] [--dns NAME]... [--ip ADDR]...\n"
    "                         [--days N] [--key ecdsa|rsa2048]\n"
    "       atoll cert client --ca P --out P --name CN [--days N] [--key ecdsa|rsa2048]\n"
    "       atoll cert self-signed --out P --dns NAME... [--ip ADDR]... [--days N]\n"
    "       atoll cert bitcoin --out P\n"
    "       atoll cert bitcoin-address --key P.key\n"
    "Certificates are P.crt (a leaf: the leaf, then its CA) and P.key (PKCS#8, mode 0600);\n"
    "bitcoin writes P.key (WIF, 0600) and P.address and prints the address only.\n"
    "Existing files are kept unless --force. Keys are ECDSA P-256 unless --key rsa2048.\n";

constexpr std::string_view default_ca_name = "atoll development CA";
constexpr int default_ca_days = 3650;
constexpr int default_leaf_days = 365;

struct action_spec {
  std::string_view name;
  cert_action action;
  std::string_view options;  // what it takes: " out name ... ", without "--"
};

constexpr std::string_view option_names[] = {"out", "ca", "name", "dns", "ip", "days", "key"};

constexpr action_spec actions[] = {
    {"ca", cert_action::ca, " out name days key force "},
    {"server", cert_action::server, " ca out name dns ip days key force "},
    {"client", cert_action::client, " ca out name days key force "},
    {"self-signed", cert_action::self_signed, " out name dns ip days key force "},
    {"bitcoin", cert_action::bitcoin, " out force "},
    {"bitcoin-address", cert_action::bitcoin_address, " key "},
};

bool takes(const action_spec& spec, const std::string& option) {
  return !option.empty() && option.find(' ') == std::string::npos &&
         spec.options.find(" " + option + " ") != std::string_view::npos;
}

result<int> parse_days(const std::string& text) {
  int days = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (ec != std::errc() || end != text.data() + text.size() || days < 1 || days > max_days) {
    return atl::error(errc::invalid_argument, "bad --days '", text, "' (1 to ", max_days, ")");
  }
  return days;
}

result<key_type> parse_key_type(const std::string& text) {
  if (text == "ecdsa" || text == "p256" || text == "ecdsa-p256") return key_type::ecdsa_p256;
  if (text == "rsa2048" || text == "rsa") return key_type::rsa2048;
  return atl::error(errc::invalid_argument, "bad --key '", text, "' (ecdsa, rsa2048)");
}

// set(o, spec, option, value): one option into `o`.
result<void> set(cert_options& o, const action_spec& spec, std::string_view option,
                 const std::string& value) {
  if (value.empty()) return atl::error(errc::invalid_argument, "--", option, " needs a value");
  if (option == "dns") {
    o.dns.push_back(value);
    return ok();
  }
  if (option == "ip") {
    o.ips.push_back(value);
    return ok();
  }
  std::string* single = option == "out"    ? &o.out
                        : option == "ca"   ? &o.ca
                        : option == "name" ? &o.name
                                           : nullptr;
  if (single != nullptr) {
    if (!single->empty()) return atl::error(errc::invalid_argument, "--", option, " given twice");
    *single = value;
    return ok();
  }
  if (option == "days") {
    ATOLL_TRY(o.days, parse_days(value));
    return ok();
  }
  // option == "key": the WIF file for bitcoin-address, else the key type.
  if (spec.action == cert_action::bitcoin_address) {
    o.wif_file = value;
    return ok();
  }
  ATOLL_TRY(o.type, parse_key_type(value));
  return ok();
}

result<void> check_required(const cert_options& o, const action_spec& spec) {
  const auto missing = [&](std::string_view what) {
    return atl::error(errc::invalid_argument, "cert ", spec.name, " needs ", what);
  };
  switch (o.action) {
    case cert_action::ca:
    case cert_action::bitcoin:
      if (o.out.empty()) return missing("--out PREFIX");
      break;
    case cert_action::server:
      if (o.ca.empty()) return missing("--ca PREFIX");
      if (o.out.empty()) return missing("--out PREFIX");
      if (o.dns.empty() && o.ips.empty()) return missing("--dns NAME or --ip ADDR");
      break;
    case cert_action::client:
      if (o.ca.empty()) return missing("--ca PREFIX");
      if (o.out.empty()) return missing("--out PREFIX");
      if (o.name.empty()) return missing("--name CN");
      break;
    case cert_action::self_signed:
      if (o.out.empty()) return missing("--out PREFIX");
      if (o.dns.empty() && o.ips.empty()) return missing("--dns NAME or --ip ADDR");
      break;
    case cert_action::bitcoin_address:
      if (o.wif_file.empty()) return missing("--key FILE");
      break;
  }
  return ok();
}

void fill_defaults(cert_options& o) {
  if (o.days == 0) o.days = o.action == cert_action::ca ? default_ca_days : default_leaf_days;
  if (!o.name.empty()) return;
  if (o.action == cert_action::ca) {
    o.name = default_ca_name;
  } else if (!o.dns.empty()) {
    o.name = o.dns.front();
  } else if (!o.ips.empty()) {
    o.name = o.ips.front();
  }
}

int fail(const atl::error& e) {
  std::fprintf(stderr, "atoll: cert: %.*s\n", static_cast<int>(e.message().size()),
               e.message().data());
  return 2;
}

// read_ca(prefix): PREFIX.crt and PREFIX.key.
result<void> read_ca(const std::string& prefix, std::string& chain, std::string& key) {
  ATOLL_TRY(chain, read_input(prefix + ".crt"));
  ATOLL_TRY(key, read_input(prefix + ".key"));
  return ok();
}

result<issued> make_certificate(const cert_options& o) {
  const validity v{std::chrono::system_clock::now(), o.days};
  const subject s{o.name, o.dns, o.ips};
  switch (o.action) {
    case cert_action::ca: return make_ca(o.name, v, o.type);
    case cert_action::self_signed: return make_self_signed(s, v, o.type);
    default: break;
  }
  std::string chain;
  std::string key;
  ATOLL_TRYV(read_ca(o.ca, chain, key));
  const auto kind = o.action == cert_action::server ? leaf_kind::server : leaf_kind::client;
  auto made = make_leaf(chain, key, kind, s, v, o.type);
  if (!made) return atl::error(made.error().code(), o.ca, ": ", made.error().message());
  return made;
}

}  // namespace

result<std::string> make_files(const cert_options& o) {
  if (o.action == cert_action::bitcoin_address) {
    ATOLL_TRY(const std::string text, read_input(o.wif_file));
    auto key = wif_decode(text);
    if (!key) return atl::error(key.error().code(), o.wif_file, ": ", key.error().message());
    return p2pkh_address(*key);
  }
  if (o.action == cert_action::bitcoin) {
    ATOLL_TRY(const auto key, make_bitcoin_key());
    ATOLL_TRY(const std::string wif, wif_encode(key));
    ATOLL_TRY(std::string address, p2pkh_address(key));
    const output_file files[] = {{o.out + ".key", wif + "\n", true},
                                 {o.out + ".address", address + "\n", false}};
    ATOLL_TRYV(write_outputs(files, o.force));
    return address;
  }
  ATOLL_TRY(const issued made, make_certificate(o));
  const output_file files[] = {{o.out + ".key", made.private_key, true},
                               {o.out + ".crt", made.chain, false}};
  ATOLL_TRYV(write_outputs(files, o.force));
  return "wrote " + o.out + ".crt and " + o.out + ".key";
}

result<cert_options> parse_cert_args(const std::vector<std::string>& args) {
  if (args.empty()) {
    return atl::error(errc::invalid_argument,
                      "which certificate? (ca, server, client, self-signed, bitcoin, "
                      "bitcoin-address; atoll cert help)");
  }
  const auto spec = std::find_if(std::begin(actions), std::end(actions),
                                 [&](const action_spec& a) { return a.name == args[0]; });
  if (spec == std::end(actions)) {
    return atl::error(errc::invalid_argument, "unknown action '", args[0],
                      "' (ca, server, client, self-signed, bitcoin, bitcoin-address)");
  }
  cert_options o;
  o.action = spec->action;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      return atl::error(errc::invalid_argument, "unexpected argument '", arg, "'");
    }
    const auto eq = arg.find('=');
    const std::string option = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (!takes(*spec, option)) {
      const bool known = option == "force" ||
                         std::find(std::begin(option_names), std::end(option_names), option) !=
                             std::end(option_names);
      if (known) {
        return atl::error(errc::invalid_argument, "cert ", spec->name, " takes no --", option);
      }
      return atl::error(errc::invalid_argument, "unknown option '", arg, "'");
    }
    if (option == "force") {
      if (eq != std::string::npos) {
        return atl::error(errc::invalid_argument, "--force takes no value");
      }
      o.force = true;
      continue;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return atl::error(errc::invalid_argument, "--", option, " needs a value");
    }
    ATOLL_TRYV(set(o, *spec, option, value));
  }
  ATOLL_TRYV(check_required(o, *spec));
  fill_defaults(o);
  return o;
}

int cert_command(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "help" || args[0] == "--help" || args[0] == "-h")) {
    std::fputs(usage_text, stdout);
    return 0;
  }
  auto options = parse_cert_args(args);
  if (!options) return fail(options.error());
  auto made = make_files(*options);
  if (!made) return fail(made.error());
  std::printf("%s\n", made->c_str());
  return 0;
}

}  // namespace atl::tool::cert
