// tcp_pair: a test fixture with two connections back to back (tcp_wire).
#pragma once

#include "tcp_wire.hpp"
#include <atoll/net/tcp/connection.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace atl::net::tcp::test {
using namespace std::chrono_literals;

inline std::vector<std::byte> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::byte> out(n);
  std::uint32_t x = seed * 2654435761U + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = std::byte{static_cast<std::uint8_t>(x)};
  }
  return out;
}

struct tcp_connection : ::testing::Test {
  connection_config config_a;
  connection_config config_b;
  tcp_wire wire;
  std::unique_ptr<connection> a;
  std::unique_ptr<connection> b;

  void make() {
    a = std::make_unique<connection>(config_a, test::flow_a(), wire.sink(0));
    b = std::make_unique<connection>(config_b, test::flow_b(), wire.sink(1));
    wire.attach(a.get(), b.get());
  }
  void open() {
    make();
    ASSERT_TRUE(b->listen(0x80000000U));
    ASSERT_TRUE(a->connect(0xfffff000U, wire.now));
    ASSERT_TRUE(wire.run_until([&] { return a->established() && b->established(); }, 5s));
    ASSERT_EQ(a->state(), tcp_state::established);
    ASSERT_EQ(b->state(), tcp_state::established);
  }
  // Moves `data` from `from` to `to` while reading at the other end.
  std::vector<std::byte> transfer(connection& from, connection& to,
                                  const std::vector<std::byte>& data, duration max = 600s) {
    std::vector<std::byte> got;
    std::size_t written = 0;
    std::vector<std::byte> chunk(std::size_t{64} * 1024);
    const mono_time end = wire.now + max;
    while (got.size() < data.size() && wire.now < end) {
      if (written < data.size()) {
        auto n = from.write(std::span(data).subspan(written), wire.now);
        EXPECT_TRUE(n.has_value());
        if (!n) break;
        written += *n;
      }
      for (;;) {
        auto r = to.read(chunk, wire.now);
        if (!r || *r == 0) break;
        got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*r));
      }
      if (got.size() >= data.size()) break;
      if (!wire.step(end)) break;
    }
    return got;
  }
};

inline bool has(const tcp_repr& h, std::uint8_t f) { return h.flags.has(f); }

}  // namespace atl::net::tcp::test
