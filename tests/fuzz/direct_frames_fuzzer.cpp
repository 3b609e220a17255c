// Fuzzes the direct stack's demultiplexing and state as a whole: a
// direct_core (IPv4 10.0.0.1/24 and IPv6 fd00::1, a TCP listener on port 80,
// a UDP socket on port 53) takes a sequence of arbitrary Ethernet frames and
// timer runs. The wire fuzzers check each parser; this one checks what the
// core does with whatever gets through them: ARP and neighbour caches,
// reassembly, listeners, connections, ICMP errors. After every step:
//   - the transmit queue is drained (every frame it made is a well-formed
//     Ethernet frame of at most MTU + 14 bytes);
//   - live connections stay within max_connections.
//
// Input: records [len_hi, len_lo, advance, frame bytes (len % 2048)...]:
// `advance` milliseconds of time pass first (255: ten seconds, to reach
// the slow timers), then the frame is received. The core's MAC is
// 02:00:00:00:00:01 (the seeds are written for it).
#include <atoll/core/assert.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/time.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/direct/direct_core.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace atl;
using namespace atl::net;

namespace {

constexpr std::size_t mtu = 1500;
constexpr std::size_t max_frame = 2048;

direct_config fuzz_config() {
  direct_config c;
  c.ipv4.address = *ipv4_prefix::parse("10.0.0.1/24");
  c.ipv6 = true;
  c.ipv6_address = *ipv6_addr::parse("fd00::1");
  c.seed = 7;
  c.max_connections = 16;
  c.backlog = 4;
  c.udp_queue = 4;
  c.tx_queue = 64;
  return c;
}

void drain(direct_core& core) {
  while (core.has_frame()) {
    const bufs frame = core.take_frame();
    ATOLL_ASSERT(frame.size() >= 14 && frame.size() <= mtu + 14);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sim_platform platform;
  engine loop{platform};
  const mac_addr mac(mac_addr::octets_type{0x02, 0, 0, 0, 0, 0x01});
  const direct_config config = fuzz_config();
  direct_core core(loop, mac, mtu, config);
  mono_time now{};
  if (!core.start(now)) return 0;
  auto listener = core.listen(ip_endpoint{ip_addr::any(ip_family::v4), port(80)});
  auto listener6 = core.listen(ip_endpoint{ip_addr::any(ip_family::v6), port(80)});
  auto udp = core.udp_bind(ip_endpoint{ip_addr::any(ip_family::v4), port(53)});
  ATOLL_ASSERT(listener && listener6 && udp);

  std::size_t at = 0;
  while (size - at >= 3) {
    const std::size_t len = ((std::size_t{data[at]} << 8U) | data[at + 1]) % max_frame;
    const std::uint8_t advance = data[at + 2];
    at += 3;
    const std::size_t n = len < size - at ? len : size - at;
    now += advance == 255 ? std::chrono::milliseconds(10000) : std::chrono::milliseconds(advance);
    core.on_timer(now);
    drain(core);
    auto frame = buf::copy_of(std::as_bytes(std::span(data + at, n)));
    if (!frame) return 0;
    at += n;
    core.on_frame(*frame, now);
    drain(core);
    ATOLL_ASSERT(core.stats().live_connections <= config.max_connections);
  }
  return 0;
}
