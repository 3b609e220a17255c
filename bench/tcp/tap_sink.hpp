// The direct stack's end of bench_tcp's host comparison: a direct stack on
// a TAP interface, in this process, as a sink for one connection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace bench {

/// tap_sink(ifname, bytes, ready): creates the TAP interface `ifname`
/// (MTU 1500) with a direct stack at 10.9.1.2/24 listening on port 5001,
/// calls `ready` (which configures Linux's side of the interface and starts
/// the client), then accepts one connection, reads and checks `bytes`
/// bytes, answers 'k' (or 'x' for wrong bytes) and waits for EOF, for at
/// most a minute. An empty string on success, else what went wrong.
/// The interface goes when the function returns.
std::string tap_sink(const char* ifname, std::uint64_t bytes, const std::function<bool()>& ready);

/// The stack's address and port, for the client.
inline constexpr const char* tap_sink_address = "10.9.1.2";
inline constexpr std::uint16_t tap_sink_port = 5001;

}  // namespace bench
