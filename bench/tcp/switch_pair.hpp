// switch_pair: two direct stacks (10.0.0.1 the server, 10.0.0.2 the client,
// IPv4 only) joined by the memory switch with no fault or delay, on virtual
// time, for the switch parts of bench_tcp. Virtual time jumps over idle
// spells (a delayed ACK's timer), so the wall time of a run is the stacks'
// and the switch's CPU work.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>

#include <cstdio>
#include <memory>

namespace bench {

using direct_switch_stack = atl::net::direct_stack<atl::memory_switch::port>;

struct switch_pair {
  /// switch_pair(mtu, config): both stacks made from `config` (addresses
  /// and seed set here); ok() says whether they started.
  switch_pair(std::size_t mtu, const atl::net::direct_config& config) {
    atl::link_config link;
    link.mtu = mtu;
    auto pa = net_switch.add_port(link);
    auto pb = net_switch.add_port(link);
    if (!pa || !pb) return;
    port_a = *pa;
    port_b = *pb;
    a = make(**pa, config, "10.0.0.1/24", 1);
    b = make(**pb, config, "10.0.0.2/24", 2);
    if (a && b) started = a->start() && b->start();
  }
  switch_pair(const switch_pair&) = delete;
  switch_pair& operator=(const switch_pair&) = delete;
  ~switch_pair() {
    a.reset();  // the stacks' tasks use the ports: they go first
    b.reset();
  }

  [[nodiscard]] bool ok() const { return started; }
  /// frames: every frame written to the switch so far.
  [[nodiscard]] std::uint64_t frames() const {
    return port_a->stats().tx_packets + port_b->stats().tx_packets;
  }

  std::unique_ptr<direct_switch_stack> make(atl::memory_switch::port& p,
                                            atl::net::direct_config config, const char* address,
                                            std::uint64_t seed) {
    auto parsed = atl::net::parse_ipv4_interface(address);
    if (!parsed) return nullptr;
    config.ipv4.address = *parsed;
    config.seed = seed;
    return std::make_unique<direct_switch_stack>(loop, p, config);
  }

  atl::sim_platform platform;
  atl::engine loop{platform};
  atl::memory_switch net_switch{loop};
  atl::memory_switch::port* port_a = nullptr;
  atl::memory_switch::port* port_b = nullptr;
  std::unique_ptr<direct_switch_stack> a;
  std::unique_ptr<direct_switch_stack> b;
  bool started = false;
};

}  // namespace bench
