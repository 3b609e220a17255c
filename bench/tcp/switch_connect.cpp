// bench_tcp, part "connections": connections per second between two direct
// stacks over the memory switch (docs/performance.md, "tcp"). Each
// connection is a connect and an accept, a 64-byte request and a 64-byte
// answer, then the client closes first and the server closes on EOF.
#include "parts.hpp"
#include "switch_pair.hpp"
#include <atoll/core/when.hpp>

#include <chrono>
#include <vector>

namespace bench {
namespace {

using namespace std::chrono_literals;
using atl::errc;
using atl::result;
using atl::task;
using atl::net::direct_flow;
using atl::net::direct_listener;

constexpr std::size_t message_size = 64;

task<result<void>> read_exactly(direct_flow& f, std::size_t n) noexcept {
  std::size_t have = 0;
  while (have < n) {
    auto got = co_await f.read();
    if (!got) co_return got.error();
    if (got->empty()) co_return atl::error(errc::eof, "EOF after ", have, " bytes");
    have += got->size();
  }
  co_return atl::ok();
}

task<result<void>> say(direct_flow& f) noexcept {
  static const std::array<std::byte, message_size> message{};
  co_return co_await f.write(atl::bufs(atl::buf::borrow(message)));
}

/// client: `count` connections one after the other, 1 ms of virtual time
/// apart. With no link delay virtual time would otherwise stand still, and
/// TIME-WAIT (2 MSL) would never end: every connection ever made would stay
/// in the table. The pause costs one timer, no wall time.
task<result<void>> client(direct_switch_stack& s, atl::net::ip_endpoint to,
                          std::uint64_t count) noexcept {
  for (std::uint64_t i = 0; i < count; ++i) {
    if (i != 0) co_await s.core().loop().sleep_for(1ms);
    auto f = co_await s.connect(to);
    if (!f) co_return f.error();
    ATOLL_CO_TRYV(co_await say(*f));
    ATOLL_CO_TRYV(co_await read_exactly(*f, message_size));
    f->close();
  }
  co_return atl::ok();
}

/// server: accepts `count` connections one after the other, answers each
/// request and closes at the client's EOF.
task<result<void>> server(direct_listener& l, std::uint64_t count) noexcept {
  for (std::uint64_t i = 0; i < count; ++i) {
    auto f = co_await l.accept();
    if (!f) co_return f.error();
    ATOLL_CO_TRYV(co_await read_exactly(*f, message_size));
    ATOLL_CO_TRYV(co_await say(*f));
    auto end = co_await f->read();
    if (!end) co_return end.error();
    if (!end->empty()) co_return atl::error(errc::protocol_error, "data after the request");
    f->close();
  }
  co_return atl::ok();
}

/// run_all: `concurrency` clients and as many servers, each doing its share.
task<result<void>> run_all(switch_pair& s, std::uint64_t n, std::size_t concurrency) noexcept {
  auto l = s.a->listen(
      atl::net::ip_endpoint{atl::net::ip_addr(s.a->core().address()), atl::net::port(5002)});
  if (!l) co_return l.error();
  std::vector<task<result<void>>> workers;
  for (std::size_t k = 0; k < concurrency; ++k) {
    const std::uint64_t share = n / concurrency + (k < n % concurrency ? 1 : 0);
    workers.push_back(server(*l, share));
    workers.push_back(client(*s.b, l->local(), share));
  }
  auto done = co_await atl::all(std::move(workers));
  for (auto& r : done) {
    if (!r) co_return r.error();
  }
  co_return atl::ok();
}

}  // namespace

rate_figure switch_connections(std::uint64_t n, std::size_t concurrency) {
  rate_figure fig;
  if (concurrency == 0) concurrency = 1;
  atl::net::direct_config config;
  // TIME-WAIT holds the client's side for 2 MSL of virtual time; a short
  // MSL (with the clients' 1 ms pauses) keeps about 20 connections per
  // client in TIME-WAIT, not every one made during the last minute.
  config.tcp.msl = 10ms;
  config.max_connections = 4096;
  config.backlog = 1024;
  switch_pair s(1500, config);
  if (!s.ok()) {
    fig.note = "the stacks did not start";
    return fig;
  }
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  auto done = s.loop.run(atl::with_timeout(s.loop, 36000s, run_all(s, n, concurrency)));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  fig.seconds = took.count();
  fig.cpu_seconds = cpu_now() - cpu_start;
  if (!done) {
    fig.note = std::string(done.error().message());
    return fig;
  }
  fig.ok = true;
  fig.connections = n;
  return fig;
}

}  // namespace bench
