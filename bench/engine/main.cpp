// bench_engine: atoll's engine against Boost.Asio's C++20 coroutines, side by
// side in one run (docs/performance.md, "engine").
//
//   bench_engine [--completions N] [--sleepers N] [--rounds N] [--repeat N]
//
// Each measurement is repeated and the best run is reported (the least
// disturbed by the other work on a shared machine).
#include "sides.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

namespace {

struct figure {
  double per_second;
  long checksum;
};

figure best_of(int repeat, long units, const std::function<long()>& work) {
  figure best{0.0, 0};
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const long checksum = work();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const double rate = static_cast<double>(units) / took.count();
    if (rate > best.per_second) best = {rate, checksum};
  }
  return best;
}

void row(const char* name, figure atoll, figure asio, long expected) {
  std::printf("%-28s %14.2f %14.2f %10.2fx%s\n", name, atoll.per_second / 1e6,
              asio.per_second / 1e6, atoll.per_second / asio.per_second,
              atoll.checksum == expected && asio.checksum == expected ? "" : "  (checksum!)");
}

long option(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atol(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  // Other arguments (the --benchmark_* flags of run_benchmarks) are ignored.
  const long completions = option(argc, argv, "--completions", 20'000'000);
  const long sleepers = option(argc, argv, "--sleepers", 10'000);
  const long rounds = option(argc, argv, "--rounds", 100);
  const int repeat = static_cast<int>(option(argc, argv, "--repeat", 5));

  const figure atoll_c =
      best_of(repeat, completions, [&] { return bench::atoll_completions(completions); });
  const figure asio_c =
      best_of(repeat, completions, [&] { return bench::asio_completions(completions); });
  const long timers = sleepers * rounds;
  const figure atoll_t =
      best_of(repeat, timers, [&] { return bench::atoll_timers(sleepers, rounds); });
  const figure asio_t =
      best_of(repeat, timers, [&] { return bench::asio_timers(sleepers, rounds); });

  std::printf("%-28s %14s %14s %11s\n", "benchmark (best of N runs)", "atoll M/s", "asio M/s",
              "atoll/asio");
  row("immediate task completions", atoll_c, asio_c, completions);
  row("timers fired", atoll_t, asio_t, timers);
  std::printf("(completions: %ld; timers: %ld sleepers x %ld rounds; repeat: %d)\n", completions,
              sleepers, rounds, repeat);
  return 0;
}
