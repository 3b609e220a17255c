// direct_pair: two direct stacks joined by the in-memory switch on virtual
// time, the fixture of the direct stack's tests (direct_stack_test.cpp,
// direct_integration_test.cpp, hostile_input_test.cpp).
//
// Stack a is the server (10.0.0.1/24, fd00::1), stack b the client
// (10.0.0.2/24, fd00::2); port 0 of the switch is a's, port 1 b's, and
// setup.extra_ports raw ports follow (an attacker or an observer writes
// and reads frames there directly). The constructor starts both stacks and
// runs three seconds of virtual time so that IPv6 duplicate address
// detection is over. frame_capture is a switch tap that keeps copies of
// the frames it sees, up to a limit.
#pragma once

#include "../conformance/stack_conformance.hpp"
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/when.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/net/direct/direct_stack.hpp>
#include <atoll/net/wire/ethernet.hpp>
#include <atoll/net/wire/ipv4.hpp>
#include <atoll/net/wire/ipv6.hpp>
#include <atoll/net/wire/tcp.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace atl::net::testing {

using namespace std::chrono_literals;
using direct = direct_stack<memory_switch::port>;

/// config_for(address, address6, seed): a dual-stack configuration.
inline direct_config config_for(const char* address, const char* address6, std::uint64_t seed) {
  direct_config c;
  auto a = parse_ipv4_interface(address);
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  c.ipv6 = true;
  auto a6 = ip_addr::parse(address6);
  EXPECT_TRUE(a6);
  if (a6) c.ipv6_address = a6->v6();
  c.seed = seed;
  return c;
}

inline direct_config server_config() { return config_for("10.0.0.1/24", "fd00::1", 1); }
inline direct_config client_config() { return config_for("10.0.0.2/24", "fd00::2", 2); }

/// pair_setup: how a direct_pair is built. link_a shapes the frames to a
/// (so b -> a), link_b the frames to b.
struct pair_setup {
  link_config link_a{};
  link_config link_b{};
  direct_config a = server_config();
  direct_config b = client_config();
  std::size_t extra_ports = 0;
  link_config extra_link{};
  switch_config net{};
};

struct direct_pair {
  explicit direct_pair(const link_config& link = {}) : direct_pair(same_links(link)) {}
  explicit direct_pair(const pair_setup& setup) : net_switch(loop, setup.net) {
    auto pa = net_switch.add_port(setup.link_a);
    auto pb = net_switch.add_port(setup.link_b);
    EXPECT_TRUE(pa && pb);
    if (!pa || !pb) return;
    for (std::size_t i = 0; i < setup.extra_ports; ++i) {
      auto px = net_switch.add_port(setup.extra_link);
      EXPECT_TRUE(px);
      if (!px) return;
      extra.push_back(*px);
    }
    a = std::make_unique<direct>(loop, **pa, setup.a);
    b = std::make_unique<direct>(loop, **pb, setup.b);
    auto sa = a->start();
    auto sb = b->start();
    EXPECT_TRUE(sa && sb);
    if (!sa || !sb) {
      a.reset();
      return;
    }
    (void)loop.run(settle(loop, 3s));  // DAD: a start delay up to 1 s, then 1 s
  }
  direct_pair(const direct_pair&) = delete;
  direct_pair& operator=(const direct_pair&) = delete;
  ~direct_pair() {
    // The stacks' tasks use the switch's ports: the stacks go first.
    a.reset();
    b.reset();
  }

  static pair_setup same_links(const link_config& link) {
    pair_setup s;
    s.link_a = link;
    s.link_b = link;
    return s;
  }
  static task<result<void>> settle(engine& e, duration d) {
    co_await e.sleep_for(d);
    co_return ok();
  }
  template <class T>
  result<T> run(task<result<T>> t, duration limit = 10s) {
    return loop.run(with_timeout(loop, limit, std::move(t)));
  }
  /// pass(d): lets d of virtual time go by.
  void pass(duration d) { (void)loop.run(settle(loop, d)); }

  memory_switch::port& port_a() { return net_switch.at(0); }
  memory_switch::port& port_b() { return net_switch.at(1); }
  ip_addr addr_a(ip_family f) const {
    if (f == ip_family::v6) return ip_addr(*a->core().config().ipv6_address);
    return ip_addr(a->core().address());
  }
  ip_addr addr_b(ip_family f) const {
    if (f == ip_family::v6) return ip_addr(*b->core().config().ipv6_address);
    return ip_addr(b->core().address());
  }

  sim_platform platform;
  engine loop{platform};
  memory_switch net_switch;
  std::vector<memory_switch::port*> extra;
  std::unique_ptr<direct> a;
  std::unique_ptr<direct> b;
};

/// captured: one frame a switch tap saw.
struct captured {
  std::size_t port = 0;
  mono_time at{};
  std::vector<std::byte> bytes;
};

/// frame_capture: a switch tap keeping copies of the first `snaplen` bytes
/// of up to `limit` frames (later ones are counted in `missed`). Unset it
/// (set_tap(nullptr)) or let it outlive the switch.
class frame_capture final : public switch_tap {
public:
  explicit frame_capture(std::size_t limit = 200000, std::size_t snaplen = 128)
      : limit_(limit), snaplen_(snaplen) {}
  void on_frame(std::size_t port, mono_time t, const buf& frame) noexcept override {
    if (frames.size() >= limit_) {
      ++missed;
      return;
    }
    const auto b = frame.bytes().first(std::min(frame.size(), snaplen_));
    frames.push_back(captured{port, t, std::vector<std::byte>(b.begin(), b.end())});
  }

  std::vector<captured> frames;
  std::size_t missed = 0;

private:
  std::size_t limit_;
  std::size_t snaplen_;
};

/// tcp_seen: a TCP segment decoded from a captured frame by the wire layer.
struct tcp_seen {
  std::size_t port = 0;  ///< the switch port it was written on
  mono_time at{};
  ip_addr src;
  ip_addr dst;
  tcp_repr h;
  std::size_t payload_len = 0;
};

/// tcp_of(c): the TCP segment in a captured (possibly cut) frame, if it
/// is an unfragmented TCP segment over IPv4 or IPv6 without extension
/// headers. The checksum is not verified (the payload may be cut).
inline std::optional<tcp_seen> tcp_of(const captured& c) {
  auto eth_view = ethernet_view::checked(c.bytes);
  if (!eth_view) return std::nullopt;
  auto eth = ethernet_repr::parse(*eth_view);
  if (!eth) return std::nullopt;
  tcp_seen out;
  out.port = c.port;
  out.at = c.at;
  std::span<const std::byte> segment;
  std::size_t segment_len = 0;
  if (eth->type == ethertype::ipv4) {
    auto v = ipv4_view::checked_header(eth_view->payload());
    if (!v || v->protocol() != static_cast<std::uint8_t>(ip_protocol::tcp) || v->more_fragments() ||
        v->fragment_offset() != 0) {
      return std::nullopt;
    }
    out.src = ip_addr(v->src());
    out.dst = ip_addr(v->dst());
    segment = v->payload();
    segment_len = v->total_len() - v->header_len();
  } else if (eth->type == ethertype::ipv6) {
    auto v = ipv6_view::checked_header(eth_view->payload());
    if (!v || v->next_header() != static_cast<std::uint8_t>(ip_protocol::tcp)) return std::nullopt;
    out.src = ip_addr(v->src());
    out.dst = ip_addr(v->dst());
    segment = v->payload();
    segment_len = v->payload_len();
  } else {
    return std::nullopt;
  }
  auto t = tcp_view::checked(segment);
  if (!t) return std::nullopt;
  const ip_pair ips =
      out.src.is_v6() ? ip_pair(out.src.v6(), out.dst.v6()) : ip_pair(out.src.v4(), out.dst.v4());
  auto h = tcp_repr::parse(*t, ips, checksum_policy::ignore);
  if (!h) return std::nullopt;
  out.h = *h;
  out.payload_len = segment_len - t->header_len();
  return out;
}

/// segments(cap): every TCP segment of a capture, in order.
inline std::vector<tcp_seen> segments(const frame_capture& cap) {
  std::vector<tcp_seen> out;
  for (const captured& c : cap.frames) {
    if (auto s = tcp_of(c)) out.push_back(*s);
  }
  return out;
}

}  // namespace atl::net::testing
