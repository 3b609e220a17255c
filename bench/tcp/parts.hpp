// bench_tcp's parts (docs/performance.md, "tcp"): each runs one measurement
// and returns its figures; main.cpp chooses the parts and prints the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

namespace bench {

/// cpu_now: this process's CPU time in seconds. On a machine whose cores
/// other work shares, it is steadier than the wall time: a run that waits
/// for a core is not charged for the wait.
inline double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// A bulk transfer: payload bytes in `seconds` of wall time.
struct bulk_figure {
  bool ok = false;
  std::string note;  ///< why it failed or was skipped, or what was in effect
  std::uint64_t bytes = 0;
  double seconds = 0;        ///< wall time
  double cpu_seconds = 0;    ///< this process's CPU time (switch part only)
  std::uint64_t frames = 0;  ///< frames through the switch (switch part only)
  [[nodiscard]] double gbit_per_s() const {
    return seconds > 0 ? static_cast<double>(bytes) * 8.0 / seconds / 1e9 : 0;
  }
  [[nodiscard]] double mbyte_per_s() const {
    return seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0;
  }
  [[nodiscard]] double cpu_gbit_per_s() const {
    return cpu_seconds > 0 ? static_cast<double>(bytes) * 8.0 / cpu_seconds / 1e9 : 0;
  }
};

/// switch_flow(bytes, mtu): one TCP flow of `bytes` between two direct
/// stacks over the memory switch (virtual time, no link delay or fault),
/// the receiver checking every byte; the wall time of the engine's run.
bulk_figure switch_flow(std::uint64_t bytes, std::size_t mtu);

/// A connection rate.
struct rate_figure {
  bool ok = false;
  std::string note;
  std::uint64_t connections = 0;
  double seconds = 0;      ///< wall time
  double cpu_seconds = 0;  ///< this process's CPU time
  [[nodiscard]] double per_second() const {
    return seconds > 0 ? static_cast<double>(connections) / seconds : 0;
  }
  [[nodiscard]] double per_cpu_second() const {
    return cpu_seconds > 0 ? static_cast<double>(connections) / cpu_seconds : 0;
  }
};

/// switch_connections(n, concurrency): n connections between two direct
/// stacks over the memory switch, `concurrency` at a time; each connects,
/// is accepted, exchanges a small request and answer, and closes.
rate_figure switch_connections(std::uint64_t n, std::size_t concurrency);

/// The host comparison's figures (host_compare.cpp).
struct host_figures {
  std::string skipped;           ///< non-empty: why the comparison did not run
  bulk_figure tap_plain;         ///< Linux client -> direct stack over TAP, offloads off
  bulk_figure veth_plain;        ///< Linux client -> Linux listener over veth, tso/gso/gro off
  bulk_figure veth_no_checksum;  ///< the same with checksum offload off too
  bulk_figure tap_offload;       ///< TAP with Linux's offloads on (what the TAP allows)
  bulk_figure veth_offload;      ///< veth with every offload on
};

/// host_compare(bytes, write_size): the TAP against veth comparison; needs
/// root (CAP_NET_ADMIN and CAP_SYS_ADMIN for unshare) and /dev/net/tun.
/// Runs in private network namespaces that vanish with their processes.
host_figures host_compare(std::uint64_t bytes, std::size_t write_size);

}  // namespace bench
