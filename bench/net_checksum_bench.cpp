// The Internet checksum (net/checksum.hpp) against two plain loops, on
// packet sizes from an IPv4 header to a 64 KiB TSO segment
// (docs/performance.md, "net: checksum"):
//   atoll      ones_sum: native 64-bit words, four add-with-carry chains
//   rfc1071    RFC 1071 section 4.1's loop: one 16-bit word at a time
//   u32_in_u64 32-bit words summed into a 64-bit accumulator (no carries
//              to handle), the other common way, which compilers may vectorise
// Each reports bytes per second; the buffer is warm in cache, so this is
// the arithmetic, not memory bandwidth.
#include <atoll/net/checksum.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <vector>

namespace {

std::uint16_t rfc1071(std::span<const std::byte> b) noexcept {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < b.size(); i += 2) {
    sum += (static_cast<std::uint32_t>(b[i]) << 8) | static_cast<std::uint32_t>(b[i + 1]);
  }
  if (i < b.size()) sum += static_cast<std::uint32_t>(b[i]) << 8;
  while ((sum >> 16) != 0) sum = (sum & 0xffffU) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t u32_in_u64(std::span<const std::byte> b) noexcept {
  std::uint64_t sum = 0;
  std::size_t i = 0;
  for (; i + 4 <= b.size(); i += 4) {
    std::uint32_t w = 0;
    std::memcpy(&w, b.data() + i, 4);
    sum += w;
  }
  std::uint32_t tail = 0;
  std::memcpy(&tail, b.data() + i, b.size() - i);
  sum += tail;
  while ((sum >> 16) != 0) sum = (sum & 0xffffU) + (sum >> 16);
  const auto native = static_cast<std::uint16_t>(sum);
  return static_cast<std::uint16_t>((native >> 8) | (native << 8));  // little-endian host
}

std::vector<std::byte> packet(std::size_t n) {
  std::mt19937 rng(42);
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

template <std::uint16_t (*Sum)(std::span<const std::byte>) noexcept>
void run(benchmark::State& state) {
  const auto data = packet(static_cast<std::size_t>(state.range(0)));
  if (Sum(data) != atl::net::ones_sum(data)) state.SkipWithError("sums differ");
  for (auto _ : state) {
    benchmark::DoNotOptimize(data.data());
    benchmark::DoNotOptimize(Sum(data));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void sizes(benchmark::internal::Benchmark* b) {
  for (const int n : {20, 64, 576, 1500, 9000, 65536}) b->Arg(n);
}

}  // namespace

BENCHMARK(run<atl::net::ones_sum>)->Name("checksum/atoll")->Apply(sizes);
BENCHMARK(run<rfc1071>)->Name("checksum/rfc1071")->Apply(sizes);
BENCHMARK(run<u32_in_u64>)->Name("checksum/u32_in_u64")->Apply(sizes);

BENCHMARK_MAIN();
