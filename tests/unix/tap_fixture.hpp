// Helpers for the TAP system tests: a private network namespace, shell
// commands (`ip`), interface guards and a Linux bridge joining two TAPs.
//
// Each test process first moves into a network namespace of its own
// (unshare(CLONE_NEWNET)), so the interfaces, addresses and frames of a test
// never reach the host's namespace, and everything is gone when the process
// ends, even after a crash. Where unsharing is not allowed, the tests run in
// the current namespace with interface names made unique by the pid, and the
// guards delete them at the end, on failure too.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/tap.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <net/if.h>
#include <optional>
#include <sched.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace atl::unix_target::testing {

/// tap_unavailable: why TAP tests cannot run here, or empty when they can:
/// /dev/net/tun must be usable and CAP_NET_ADMIN in the effective set.
inline std::string tap_unavailable() {
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "no usable /dev/net/tun";
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
      if ((caps & (1ULL << 12)) == 0) return "no CAP_NET_ADMIN";  // CAP_NET_ADMIN = 12
      return "";
    }
  }
  return "cannot read the capabilities";
}

/// sh(command): runs a shell command; true when it exits with 0.
inline bool sh(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// output_of(command): what a shell command prints on stdout.
inline std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) out += chunk.data();
  ::pclose(pipe);
  return out;
}

/// enter_private_netns: moves this process into a new network namespace
/// (without IPv6, so Linux sends nothing unasked); false when not allowed.
inline bool enter_private_netns() {
  if (::unshare(CLONE_NEWNET) != 0) return false;
  (void)sh(
      "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 "
      "2>/dev/null");
  return true;
}

/// iface_name(tag): "atl-<tag>-<pid>" (at most 15 bytes: tags of up to 4).
inline std::string iface_name(const std::string& tag) {
  return "atl-" + tag + "-" + std::to_string(::getpid());
}

/// interface_guard: deletes the interface when the test ends.
class interface_guard {
public:
  explicit interface_guard(std::string name) : name_(std::move(name)) {}
  interface_guard(const interface_guard&) = delete;
  interface_guard& operator=(const interface_guard&) = delete;
  ~interface_guard() { (void)sh("ip link del dev " + name_ + " 2>/dev/null"); }

private:
  std::string name_;
};

/// linux_mac(name): the address Linux uses on an interface.
inline std::optional<mac_addr> linux_mac(const std::string& name) {
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return std::nullopt;
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), std::min(name.size(), std::size_t{IFNAMSIZ - 1}));
  const int rc = ::ioctl(sock, SIOCGIFHWADDR, &ifr);
  ::close(sock);
  if (rc != 0) return std::nullopt;
  mac_addr::octets_type o{};
  std::memcpy(o.data(), ifr.ifr_hwaddr.sa_data, o.size());
  return mac_addr(o);
}

/// linux_rx_packets(name): frames Linux received on the interface (from `ip -s`).
inline long long linux_rx_packets(const std::string& name) {
  const std::string json = output_of("ip -j -s link show dev " + name);
  const auto rx = json.find("\"rx\":{");
  if (rx == std::string::npos) return -1;
  const auto packets = json.find("\"packets\":", rx);
  if (packets == std::string::npos) return -1;
  return std::atoll(json.c_str() + packets + 10);
}

/// tap_pair_factory: two TAP devices joined by a Linux bridge in a private
/// namespace, for the network conformance suite and the offload tests.
class tap_pair_factory {
public:
  using device_type = tap_network;

  tap_pair_factory() : netns_(enter_private_netns()) {}
  tap_pair_factory(const tap_pair_factory&) = delete;
  tap_pair_factory& operator=(const tap_pair_factory&) = delete;

  engine& loop() { return engine_; }

  std::array<tap_network*, 2> make_pair() {
    if (const std::string why = tap_unavailable(); !why.empty()) {
      [&why] { GTEST_SKIP() << "TAP tests need /dev/net/tun and CAP_NET_ADMIN: " << why; }();
      return {nullptr, nullptr};
    }
    const std::string bridge = iface_name("br");
    bridge_guard_.emplace(bridge);
    if (!sh("ip link add name " + bridge + " type bridge stp_state 0")) {
      ADD_FAILURE() << "cannot create bridge " << bridge;
      return {nullptr, nullptr};
    }
    for (int i = 0; i < 2; ++i) {
      const std::string name = iface_name(i == 0 ? "a" : "b");
      guards_[i].emplace(name);
      auto made = tap_network::create(engine_, *platform_, name);
      if (!made) {
        ADD_FAILURE() << "tap " << name << ": " << made.error().message();
        return {nullptr, nullptr};
      }
      devices_[i].emplace(std::move(*made));
      // append(): no temporary string per operator+ in the loop.
      if (!sh(std::string("ip link set dev ")
                  .append(name)
                  .append(" master ")
                  .append(bridge)
                  .append(" up"))) {
        ADD_FAILURE() << "cannot add " << name << " to " << bridge;
        return {nullptr, nullptr};
      }
    }
    if (!sh("ip link set dev " + bridge + " up")) {
      ADD_FAILURE() << "cannot bring " << bridge << " up";
      return {nullptr, nullptr};
    }
    return {&*devices_[0], &*devices_[1]};
  }

  [[nodiscard]] bool private_netns() const noexcept { return netns_; }

private:
  bool netns_;
  result<epoll_platform> platform_ = epoll_platform::create();
  engine engine_{*platform_};
  std::optional<interface_guard> bridge_guard_;
  std::optional<interface_guard> guards_[2];
  std::optional<tap_network> devices_[2];  // destroyed before the guards run
};

}  // namespace atl::unix_target::testing
