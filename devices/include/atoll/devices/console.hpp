// console: the text output of the image (the role of mirage-console).
//
// Where the log goes (console_log_sink.hpp) and where an application prints:
// stdout on unix, the serial port or the hypervisor's console in a kernel.
#pragma once

#include <atoll/core/result.hpp>

#include <concepts>
#include <string_view>

namespace atl {

/// console<C>: `c.write(text)` writes all of `text`, as it is (a line ends
/// with the '\n' the caller put there; the device adds nothing), before it
/// returns. Synchronous: a console is slow but never waits for a peer, so it
/// is usable from anywhere, including the log sink. Writes appear in the
/// order they were made. An empty text writes nothing and succeeds.
/// errc::io_error when the device fails (the text may then be cut short);
/// errc::limit_exceeded when a bounded console is full.
template <class C>
concept console = requires(C& c, std::string_view text) {
  { c.write(text) } -> std::same_as<result<void>>;
};

}  // namespace atl
