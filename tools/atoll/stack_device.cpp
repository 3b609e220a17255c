#include "stack_device.hpp"

#include "codegen.hpp"

namespace atl::tool {

namespace {

struct stack_key {
  std::string_view name;
  key_type type;
  std::string_view default_text;
  std::string_view doc;
};

// The unix target's network keys: few, each one documented in --help and
// docs/atoll-tool.md. The IPv4 ones are parsed by net/ip_config.hpp.
constexpr stack_key stack_keys[] = {
    {"net", key_type::string, "socket",
     "the TCP/IP stack: socket (the host's) or direct (atoll's, over --tap)"},
    {"tap", key_type::string, "tap0", "--net=direct: the TAP interface (made when missing)"},
    {"ipv4", key_type::string, "", "--net=direct: the address and prefix, 10.0.0.2/24"},
    {"ipv4-gateway", key_type::string, "", "--net=direct: the default gateway, 10.0.0.1"},
    {"dhcp", key_type::boolean, "false", "--net=direct: the IPv4 address from DHCP (no --ipv4)"},
    {"ipv6", key_type::boolean, "false", "--net=direct: run IPv6 (link-local, SLAAC)"},
    {"ipv6-address", key_type::string, "",
     "--net=direct: a static IPv6 address, fd00::2 or fd00::2/64 (implies --ipv6)"},
};

// Opening either stack: what run<Net>() calls. open() returns 0, or the
// exit status of a boot failure it has reported.
constexpr std::string_view choices_code =
    R"code(/// socket_net: --net=socket, the host kernel's TCP/IP through sockets.
struct socket_net {
  using stack_type = atl::unix_target::socket_stack;
  std::optional<stack_type> stack;

  int open(atl::engine& engine, atl::unix_target::epoll_platform& platform,
           const target_keys& target, std::string_view) {
    // The direct stack's settings would be ignored here: refuse them.
    const std::string_view direct_only = !target.ipv4.empty()           ? "ipv4"
                                         : !target.ipv4_gateway.empty() ? "ipv4-gateway"
                                         : target.dhcp                  ? "dhcp"
                                         : target.ipv6                  ? "ipv6"
                                         : !target.ipv6_address.empty() ? "ipv6-address"
                                                                        : "";
    if (!direct_only.empty()) {
      const atl::text_buffer<64> what("key '", direct_only, "'");
      return failure(what.view(), "applies to --net=direct (the socket stack has the host's addresses)");
    }
    stack.emplace(engine, platform);
    return 0;
  }
  /// The sealed process may still make and use IPv4 and IPv6 sockets.
  static void allow(atl::unix_target::sandbox_policy& policy) { policy.allow_sockets(); }
};

/// direct_net: --net=direct, atoll's own TCP/IP over the TAP interface --tap.
struct direct_net {
  using stack_type = atl::net::direct_stack<atl::unix_target::tap_network>;
  std::optional<atl::unix_target::tap_network> tap;
  std::optional<stack_type> stack;  // after tap: it goes first

  int open(atl::engine& engine, atl::unix_target::epoll_platform& platform,
           const target_keys& target, std::string_view device) {
    atl::net::direct_config config;
    if (const int status = configure(target, config); status != 0) return status;
    // The stack's ISNs, ephemeral ports and IP identifications are keyed
    // from this seed.
    auto entropy = atl::unix_target::random::create();
    if (!entropy) return device_failure(device, entropy.error());
    std::array<std::byte, 8> seed{};
    entropy->fill(seed);
    config.seed = 0;
    for (const std::byte b : seed) config.seed = (config.seed << 8) | std::to_integer<std::uint64_t>(b);

    auto made = atl::unix_target::tap_network::create(engine, platform, target.tap);
    if (!made) {
      const atl::text_buffer<160> what("device '", device, "' (TAP '", target.tap, "')");
      return failure(what.view(), made.error().message());
    }
    tap.emplace(std::move(*made));
    stack.emplace(engine, *tap, config);
    if (auto started = stack->start(); !started) return device_failure(device, started.error());
    return 0;
  }
  /// The TAP is open before the sandbox seals; reading and writing its
  /// descriptor need nothing more.
  static void allow(atl::unix_target::sandbox_policy&) noexcept {}

private:
  static int configure(const target_keys& target, atl::net::direct_config& config) {
    atl::net::ipv4_settings ipv4;
    ipv4.address = target.ipv4;
    ipv4.gateway = target.ipv4_gateway;
    auto parsed = atl::net::parse_ipv4_config(ipv4);
    if (!parsed) return failure("key 'ipv4'", parsed.error().message());
    if (*parsed && target.dhcp) {
      return failure("key 'dhcp'", "--dhcp and --ipv4 exclude each other: DHCP gives the address");
    }
    if (!*parsed && !target.dhcp) {
      return failure("key 'ipv4'", "--net=direct needs an address (--ipv4=10.0.0.2/24) or --dhcp");
    }
    if (*parsed) config.ipv4 = **parsed;
    config.dhcp = target.dhcp;
    config.ipv6 = target.ipv6 || !target.ipv6_address.empty();
    if (!target.ipv6_address.empty()) {
      auto address = target.ipv6_address.find('/') == std::string_view::npos
                         ? ipv6_host(target.ipv6_address)
                         : atl::net::ipv6_prefix::parse(target.ipv6_address);
      if (!address) return failure("key 'ipv6-address'", address.error().message());
      config.ipv6_address = address->address();
      config.ipv6_prefix_len = address->length();
    }
    return 0;
  }
  // An address without a prefix length is on a /64, as SLAAC's are.
  static atl::result<atl::net::ipv6_prefix> ipv6_host(std::string_view text) {
    auto a = atl::net::ipv6_addr::parse(text);
    if (!a) return a.error();
    return atl::net::ipv6_prefix::create(*a, 64);
  }
};
)code";

}  // namespace

std::string stack_slot(const manifest& m, const device_decl& d, device_slot& s,
                       std::vector<target_key>& keys) {
  for (const auto& k : keys) {
    if (k.name == "net") {
      return "a second stack device: --net chooses one stack for the whole application (device '" +
             k.device + "')";
    }
  }
  for (const auto& sk : stack_keys) {
    for (const auto& k : m.keys) {
      if (k.name == sk.name) {
        return "device '" + d.name + "' needs the key '" + std::string(sk.name) +
               "' on unix, which the key on line " + std::to_string(k.line) + " already declares";
      }
    }
    keys.push_back({std::string(sk.name), sk.type, std::string(sk.default_text),
                    std::string(sk.doc), false, d.name});
  }
  const std::string var = device_variable(d.name);
  s.concrete_type = "Stack";
  s.choices = {"atl::unix_target::socket_stack",
               "atl::net::direct_stack<atl::unix_target::tap_network>"};
  s.choice_names = {"socket", "direct"};
  s.summary = "--net=socket: the host's TCP/IP; --net=direct: atoll's over the TAP --tap";
  s.header = "atoll/unix/socket_stack.hpp";
  s.make = "  Net " + var + "_choice;\n  if (const int status = " + var +
           "_choice.open(engine, *platform, target, " + cpp_string(d.name) +
           "); status != 0) return status;\n  auto& " + var + " = *" + var + "_choice.stack;\n";
  s.seal = "    " + var + "_choice.allow(policy);\n";
  return {};
}

std::vector<std::string> stack_headers() {
  return {"atoll/core/format.hpp",   "atoll/net/addr.hpp",    "atoll/net/direct/direct_stack.hpp",
          "atoll/net/ip_config.hpp", "atoll/unix/random.hpp", "atoll/unix/socket_stack.hpp",
          "atoll/unix/tap.hpp"};
}

std::string stack_choices_code() { return std::string(choices_code); }

std::string stack_dispatch_code(const device_slot& slot) {
  std::string out = "\n  // --net chooses the stack of device '" + slot.name +
                    "'; the other devices are the same either way.\n";
  std::string names;
  for (const auto& name : slot.choice_names) {
    out += "  if (target.net == " + cpp_string(name) + ") return run<" + name +
           "_net>(keys, target);\n";
    names += (names.empty() ? "" : " or ") + name;
  }
  out += R"(  const atl::text_buffer<160> unknown("'", target.net, "' is not a stack: use )";
  out += names;
  out += R"(");
  return failure("key 'net'", unknown.view());
)";
  return out;
}

}  // namespace atl::tool
