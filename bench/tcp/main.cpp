// bench_tcp: the direct stack's TCP figures (docs/performance.md, "tcp").
//
//   bench_tcp [--parts switch,connect,host] [--repeat N]            (3)
//             [--switch-mib N] [--mtu N]                            (256, 1500)
//             [--connections N] [--concurrency K]                   (20000, 16)
//             [--host-mib N] [--write-kib N]                        (256, 64)
//
//   switch   one flow between two direct stacks over the memory switch
//   connect  connections per second over the switch, one at a time and K at once
//   host     a Linux client sending to the direct stack over TAP against the
//            same client sending to a Linux listener over veth (needs root;
//            prints "skipped: reason" otherwise)
//
// Each measurement runs --repeat times and the best run is reported (the
// least disturbed by other work on a shared machine), with the worst beside
// it. Other arguments (run_benchmarks' --benchmark_* flags) are ignored.
#include "parts.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

long option(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atol(argv[i + 1]);
  }
  return fallback;
}

std::string text_option(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

bool wanted(std::string_view parts, std::string_view part) {
  while (!parts.empty()) {
    const std::size_t comma = std::min(parts.find(','), parts.size());
    if (parts.substr(0, comma) == part) return true;
    parts.remove_prefix(std::min(comma + 1, parts.size()));
  }
  return false;
}

template <class Figure, class Better>
Figure best_of(int repeat, Figure* worst, const Better& better, const auto& run) {
  Figure best = run();
  *worst = best;
  for (int i = 1; i < repeat && best.ok; ++i) {
    Figure f = run();
    if (!f.ok) return f;
    if (better(f, best)) best = f;
    if (better(*worst, f)) *worst = f;
  }
  return best;
}

void bulk_row(const char* name, const bench::bulk_figure& best, const bench::bulk_figure& worst) {
  if (!best.ok) {
    std::printf("%-44s failed: %s\n", name, best.note.c_str());
    return;
  }
  std::printf("%-44s %9.2f Gbit/s %9.1f MB/s   (worst %6.2f Gbit/s)%s%s\n", name, best.gbit_per_s(),
              best.mbyte_per_s(), worst.gbit_per_s(), best.note.empty() ? "" : "  ",
              best.note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string parts = text_option(argc, argv, "--parts", "switch,connect,host");
  const int repeat = std::max(1, static_cast<int>(option(argc, argv, "--repeat", 3)));
  const auto mib = [](long n) { return static_cast<std::uint64_t>(std::max(1L, n)) << 20; };
  const std::uint64_t switch_bytes = mib(option(argc, argv, "--switch-mib", 256));
  const auto mtu = static_cast<std::size_t>(option(argc, argv, "--mtu", 1500));
  const auto connections = static_cast<std::uint64_t>(option(argc, argv, "--connections", 20000));
  const auto concurrency = static_cast<std::size_t>(option(argc, argv, "--concurrency", 16));
  const std::uint64_t host_bytes = mib(option(argc, argv, "--host-mib", 256));
  const auto write_size = static_cast<std::size_t>(option(argc, argv, "--write-kib", 64)) * 1024;

  const auto faster = [](const auto& x, const auto& y) { return x.seconds < y.seconds; };
  std::printf("bench_tcp: best of %d runs (worst in brackets)\n", repeat);

  if (wanted(parts, "switch")) {
    bench::bulk_figure worst;
    const auto best =
        best_of(repeat, &worst, faster, [&] { return bench::switch_flow(switch_bytes, mtu); });
    char name[64];
    std::snprintf(name, sizeof name, "switch: 1 flow, MTU %zu, %llu MiB", mtu,
                  static_cast<unsigned long long>(switch_bytes >> 20));
    bulk_row(name, best, worst);
    if (best.ok) {
      std::printf("%-44s %9.2f Gbit/s per CPU second (%.3f s CPU, %.3f s wall)\n", "  by CPU time",
                  best.cpu_gbit_per_s(), best.cpu_seconds, best.seconds);
      std::printf("%-44s %9.3f M frames/s (%llu frames)\n", "  frames through the switch",
                  static_cast<double>(best.frames) / best.seconds / 1e6,
                  static_cast<unsigned long long>(best.frames));
    }
  }

  if (wanted(parts, "connect")) {
    for (const std::size_t k : {std::size_t{1}, concurrency}) {
      bench::rate_figure worst;
      const auto best = best_of(repeat, &worst, faster,
                                [&] { return bench::switch_connections(connections, k); });
      char name[64];
      std::snprintf(name, sizeof name, "connect: %llu connections, %zu at once",
                    static_cast<unsigned long long>(connections), k);
      if (!best.ok) {
        std::printf("%-44s failed: %s\n", name, best.note.c_str());
      } else {
        std::printf("%-44s %9.0f conn/s        (worst %9.0f conn/s; %.0f per CPU second)\n", name,
                    best.per_second(), worst.per_second(), best.per_cpu_second());
      }
      if (k == concurrency) break;
    }
  }

  if (wanted(parts, "host")) {
    // One comparison at a time: the repeats alternate TAP and veth so that
    // both sides see the same load on the machine.
    bench::host_figures best;
    bench::host_figures worst;
    std::string skipped;
    for (int i = 0; i < repeat; ++i) {
      const bench::host_figures f = bench::host_compare(host_bytes, write_size);
      if (!f.skipped.empty()) {
        skipped = f.skipped;
        break;
      }
      const auto keep = [&](bench::bulk_figure bench::host_figures::*m) {
        const bench::bulk_figure& x = f.*m;
        if (i == 0 || !x.ok || ((best.*m).ok && x.seconds < (best.*m).seconds)) best.*m = x;
        if (i == 0 || !x.ok || ((worst.*m).ok && x.seconds > (worst.*m).seconds)) worst.*m = x;
      };
      keep(&bench::host_figures::tap_plain);
      keep(&bench::host_figures::veth_plain);
      keep(&bench::host_figures::veth_no_checksum);
      keep(&bench::host_figures::tap_offload);
      keep(&bench::host_figures::veth_offload);
    }
    if (!skipped.empty()) {
      std::printf("host: skipped: %s\n", skipped.c_str());
    } else {
      const auto ratio = [](const bench::bulk_figure& d, const bench::bulk_figure& l) {
        return d.ok && l.ok ? d.gbit_per_s() / l.gbit_per_s() : 0.0;
      };
      std::printf("host: Linux client, %llu MiB in %zu KiB writes, MTU 1500\n",
                  static_cast<unsigned long long>(host_bytes >> 20), write_size / 1024);
      bulk_row("  offloads off: direct stack over TAP", best.tap_plain, worst.tap_plain);
      bulk_row("  offloads off: Linux over veth", best.veth_plain, worst.veth_plain);
      bulk_row("  + checksum offload off: Linux over veth", best.veth_no_checksum,
               worst.veth_no_checksum);
      std::printf("%-44s %9.2fx\n", "  offloads off: direct / Linux",
                  ratio(best.tap_plain, best.veth_plain));
      std::printf("%-44s %9.2fx\n", "  + checksums: direct / Linux",
                  ratio(best.tap_plain, best.veth_no_checksum));
      bulk_row("  offloads on: direct stack over TAP", best.tap_offload, worst.tap_offload);
      bulk_row("  offloads on: Linux over veth", best.veth_offload, worst.veth_offload);
      std::printf("%-44s %9.2fx\n", "  offloads on: direct / Linux",
                  ratio(best.tap_offload, best.veth_offload));
    }
  }
  return 0;
}
