// The Linux ends of bench_tcp's host comparison (docs/performance.md,
// "tcp"): a plain blocking client and a plain blocking listener, the same
// code against the direct stack over TAP and against Linux over veth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bench {

/// client_outcome: what the client process reports through its pipe.
struct client_outcome {
  double seconds = -1;  ///< connect to acknowledgement; negative on failure
  char what[120] = {};  ///< the failure
};

/// run_client(address, port, bytes, write_size): connects (retrying for a
/// few seconds while the listener comes up), writes `bytes` pattern bytes in
/// writes of `write_size`, waits for the sink's one-byte verdict ('k':
/// every byte arrived and matched), then closes. The time is from the
/// established connection to the verdict.
client_outcome run_client(const char* address, std::uint16_t port, std::uint64_t bytes,
                          std::size_t write_size);

/// run_sink(listen_fd, bytes): accepts one connection, reads and checks
/// `bytes` bytes, answers 'k' (or 'x' for wrong bytes) and waits for the
/// client's EOF (which comes after the client has the verdict).
/// An empty string on success, else what went wrong.
std::string run_sink(int listen_fd, std::uint64_t bytes);

/// listen_on(address, port): a listening TCP socket, or -1.
int listen_on(const char* address, std::uint16_t port);

}  // namespace bench
