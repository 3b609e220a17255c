// bench_tcp, part "switch": one TCP flow between two direct stacks over the
// memory switch; the wall time of the engine's run (docs/performance.md,
// "tcp"). Checksums are computed on send and verified on receipt as always:
// the direct stack has no checksum offload.
#include "parts.hpp"
#include "pattern.hpp"
#include "switch_pair.hpp"
#include <atoll/core/when.hpp>

#include <chrono>

namespace bench {
namespace {

using namespace std::chrono_literals;
using atl::errc;
using atl::result;
using atl::task;
using atl::net::direct_flow;

/// send: `total` pattern bytes in writes of max_piece, borrowed from the
/// table (the connection copies them into its send buffer), then FIN.
task<result<void>> send(direct_flow& f, std::uint64_t total) noexcept {
  const pattern& p = the_pattern();
  std::uint64_t at = 0;
  while (at < total) {
    const auto n =
        static_cast<std::size_t>(std::min<std::uint64_t>(total - at, pattern::max_piece));
    ATOLL_CO_TRYV(co_await f.write(atl::bufs(atl::buf::borrow(p.slice(at, n)))));
    at += n;
  }
  co_return co_await f.shutdown();
}

/// receive: reads to EOF, checking every byte; the count.
task<result<std::uint64_t>> receive(direct_flow& f) noexcept {
  const pattern& p = the_pattern();
  std::uint64_t at = 0;
  for (;;) {
    auto got = co_await f.read();
    if (!got) co_return got.error();
    if (got->empty()) co_return at;
    if (!p.matches(at, got->bytes())) {
      co_return atl::error(errc::protocol_error, "wrong bytes near offset ", at);
    }
    at += got->size();
  }
}

task<result<std::uint64_t>> transfer(switch_pair& s, std::uint64_t total) noexcept {
  auto l = s.a->listen(
      atl::net::ip_endpoint{atl::net::ip_addr(s.a->core().address()), atl::net::port(5001)});
  if (!l) co_return l.error();
  auto [accepted, connected] = co_await atl::all(l->accept(), s.b->connect(l->local()));
  if (!accepted) co_return accepted.error();
  if (!connected) co_return connected.error();
  auto [sent, got] = co_await atl::all(send(*connected, total), receive(*accepted));
  if (!sent) co_return sent.error();
  co_return got;
}

}  // namespace

bulk_figure switch_flow(std::uint64_t bytes, std::size_t mtu) {
  bulk_figure fig;
  atl::net::direct_config config;
  config.tcp.mtu = static_cast<std::uint16_t>(mtu);
  switch_pair s(mtu, config);
  if (!s.ok()) {
    fig.note = "the stacks did not start";
    return fig;
  }
  const std::uint64_t frames_before = s.frames();
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  auto got = s.loop.run(atl::with_timeout(s.loop, 3600s, transfer(s, bytes)));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  fig.seconds = took.count();
  fig.cpu_seconds = cpu_now() - cpu_start;
  fig.frames = s.frames() - frames_before;
  if (!got) {
    fig.note = std::string(got.error().message());
    return fig;
  }
  fig.bytes = *got;
  fig.ok = *got == bytes;
  if (!fig.ok) fig.note = "short transfer";
  return fig;
}

}  // namespace bench
