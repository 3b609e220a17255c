// The Boost.Asio side: C++20 coroutines (asio::awaitable) on one io_context,
// doing the same work as atoll_side.cpp. Asio's timers run on the host's
// steady clock; their deadlines are spread over a millisecond from the start,
// so they are due by the time they are reached and the run measures the timer
// queue, not waiting. The io_context is told it has one thread and needs no
// locking (BOOST_ASIO_CONCURRENCY_HINT_UNSAFE), as atoll's engine has none.
#include "sides.hpp"

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>,
// so <utility> must come first (kept there against include sorting).
// clang-format off
#include <utility>
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace bench {
namespace {

namespace asio = boost::asio;

asio::awaitable<int> immediate(int v) { co_return v; }

asio::awaitable<void> await_many(long n, long& total) {
  for (long i = 0; i < n; ++i) {
    const int v = co_await immediate(1);
    total += v;
  }
}

asio::awaitable<void> sleeper(std::chrono::steady_clock::time_point base, long id, long sleepers,
                              long rounds, long& fired) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  for (long r = 0; r < rounds; ++r) {
    timer.expires_at(base + std::chrono::nanoseconds(1 + r * sleepers + id));
    co_await timer.async_wait(asio::use_awaitable);
    ++fired;
  }
}

}  // namespace

long asio_completions(long n) {
  asio::io_context context(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);
  long total = 0;
  asio::co_spawn(context, await_many(n, total), asio::detached);
  context.run();
  return total;
}

long asio_timers(long sleepers, long rounds) {
  asio::io_context context(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);
  long fired = 0;
  const auto base = std::chrono::steady_clock::now();
  for (long i = 0; i < sleepers; ++i) {
    asio::co_spawn(context, sleeper(base, i, sleepers, rounds, fired), asio::detached);
  }
  context.run();
  return fired;
}

}  // namespace bench
