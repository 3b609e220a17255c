// text_buffer (core/format.hpp) against the C library's snprintf, side by side:
// the cost of one log line's formatting.
#include <atoll/core/format.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>

namespace {

void text_buffer_line(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    atl::text_buffer<128> line("tcp: ", n, " segments from port ", n % 65536, " (", atl::hex{n},
                               ")");
    benchmark::DoNotOptimize(line.view().data());
    ++n;
  }
}
BENCHMARK(text_buffer_line);

void snprintf_line(benchmark::State& state) {
  std::uint64_t n = 0;
  char line[128];
  for (auto _ : state) {
    std::snprintf(line, sizeof line, "tcp: %llu segments from port %llu (%llx)",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(n % 65536),
                  static_cast<unsigned long long>(n));
    benchmark::DoNotOptimize(line);
    ++n;
  }
}
BENCHMARK(snprintf_line);

}  // namespace

BENCHMARK_MAIN();
