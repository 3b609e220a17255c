// bench_tcp: the direct stack as a sink on a TAP interface (tap_sink.hpp).
// The epoll platform and real time: this is the stack as a unikernel on
// unix runs it.
#include "tap_sink.hpp"

#include "pattern.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/when.hpp>
#include <atoll/net/direct/direct_stack.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/tap.hpp>

#include <array>
#include <chrono>

namespace bench {
namespace {

using namespace std::chrono_literals;
using atl::errc;
using atl::result;
using atl::task;
using tap_stack = atl::net::direct_stack<atl::unix_target::tap_network>;

task<result<void>> sink(atl::net::direct_listener& l, std::uint64_t bytes) noexcept {
  auto f = co_await l.accept();
  if (!f) co_return f.error();
  const pattern& p = the_pattern();
  std::uint64_t at = 0;
  bool good = true;
  while (at < bytes) {
    auto got = co_await f->read();
    if (!got) co_return got.error();
    if (got->empty()) break;
    good = good && p.matches(at, got->bytes());
    at += got->size();
  }
  static const std::array<std::byte, 2> verdicts{std::byte{'k'}, std::byte{'x'}};
  const bool right = good && at == bytes;
  ATOLL_CO_TRYV(co_await f->write(
      atl::bufs(atl::buf::borrow(std::span(verdicts).subspan(right ? 0 : 1, 1)))));
  for (;;) {  // until the client's FIN
    auto rest = co_await f->read();
    if (!rest || rest->empty()) break;
  }
  f->close();
  if (at != bytes) co_return atl::error(errc::eof, "short transfer: ", at, " bytes");
  if (!good) co_return atl::error(errc::protocol_error, "wrong bytes");
  co_return atl::ok();
}

}  // namespace

std::string tap_sink(const char* ifname, std::uint64_t bytes, const std::function<bool()>& ready) {
  auto platform = atl::unix_target::epoll_platform::create();
  if (!platform) return std::string(platform.error().message());
  atl::engine loop(*platform);
  atl::unix_target::tap_options options;
  options.mtu = 1500;
  options.mac = atl::mac_addr(atl::mac_addr::octets_type{0x02, 0, 0, 0, 0x09, 0x02});
  auto tap = atl::unix_target::tap_network::create(loop, *platform, ifname, options);
  if (!tap) return "tap: " + std::string(tap.error().message());
  atl::net::direct_config config;
  auto address = atl::net::parse_ipv4_interface("10.9.1.2/24");
  if (!address) return std::string(address.error().message());
  config.ipv4.address = *address;
  std::string outcome;
  {
    tap_stack stack(loop, *tap, config);
    if (auto s = stack.start(); !s) return std::string(s.error().message());
    auto l = stack.listen(atl::net::ip_endpoint{atl::net::ip_addr(stack.core().address()),
                                                atl::net::port(tap_sink_port)});
    if (!l) return std::string(l.error().message());
    if (!ready()) return "the Linux side did not start";
    auto done = loop.run(atl::with_timeout(loop, 60s, sink(*l, bytes)));
    if (!done) outcome = std::string(done.error().message());
  }
  return outcome;
}

}  // namespace bench
