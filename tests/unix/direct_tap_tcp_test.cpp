// The direct stack's TCP against Linux's over a TAP, in a private network
// namespace: curl downloads megabytes from a listener on the direct stack,
// nc uploads megabytes to one, the direct stack connects to nc listening on
// Linux, over IPv4 and IPv6; every byte is checked against byte_pattern.
#include "byte_pattern.hpp"
#include "direct_tap_fixture.hpp"
#include <atoll/core/buf.hpp>
#include <atoll/net/addr.hpp>
#include <atoll/net/endpoint.hpp>
#include <atoll/net/ip_config.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;
using net::direct_flow;
using net::direct_listener;
using net::ip_addr;
using net::ip_endpoint;

constexpr std::uint64_t mib = std::uint64_t{1} << 20;
constexpr std::size_t chunk = std::size_t{64} * 1024;
constexpr const char* linux4 = "10.77.0.1";
constexpr const char* direct4 = "10.77.0.2";

/// transfer_record: what a direct-stack side of a transfer saw, kept
/// outside its task so the test can check it whoever finished first.
struct transfer_record {
  std::string request;      ///< an HTTP request as received
  std::uint64_t bytes = 0;  ///< payload bytes sent or received and checked
  std::string problem;      ///< the first wrong byte, empty when none
  bool complete = false;    ///< the task ran to its end
};

net::direct_config config_v4() {
  net::direct_config c;
  auto a = net::parse_ipv4_interface(std::string(direct4) + "/24");
  EXPECT_TRUE(a);
  if (a) c.ipv4.address = *a;
  return c;
}

ip_endpoint endpoint(const char* address, std::uint16_t p) {
  auto a = ip_addr::parse(address);
  EXPECT_TRUE(a);
  return ip_endpoint{a ? *a : ip_addr(), net::port(p)};
}

/// write_pattern(flow, size, seed, rec): writes the pattern's first `size`
/// bytes in 64 KiB pieces.
task<result<void>> write_pattern(direct_flow& flow, std::uint64_t size, std::uint64_t seed,
                                 transfer_record& rec) {
  const byte_pattern pattern(seed);
  while (rec.bytes < size) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - rec.bytes));
    auto b = buf::allocate(n);
    if (!b) co_return b.error();
    pattern.fill(rec.bytes, b->mutable_bytes());
    auto sent = co_await flow.write(bufs(std::move(*b)));
    if (!sent) co_return sent.error();
    rec.bytes += n;
  }
  co_return ok();
}

/// drain(flow): reads until the peer's EOF, so that closing is graceful.
task<result<void>> drain(direct_flow& flow) {
  for (;;) {
    auto got = co_await flow.read();
    if (!got) co_return got.error();
    if (got->empty()) co_return ok();
  }
}

/// serve_download(l, size, seed, rec): takes one HTTP request and answers
/// it with `size` bytes of the pattern, then closes.
task<result<void>> serve_download(direct_listener& l, std::uint64_t size, std::uint64_t seed,
                                  transfer_record& rec) {
  auto flow = co_await l.accept();
  if (!flow) co_return flow.error();
  while (rec.request.find("\r\n\r\n") == std::string::npos) {
    auto got = co_await flow->read();
    if (!got) co_return got.error();
    if (got->empty()) co_return error(errc::protocol_error, "EOF inside the request");
    rec.request += got->text();
    if (rec.request.size() > 16384) co_return error(errc::limit_exceeded, "request too long");
  }
  const std::string head =
      "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
  auto h = buf::copy_of(head);
  if (!h) co_return h.error();
  auto sent = co_await flow->write(bufs(std::move(*h)));
  if (!sent) co_return sent.error();
  auto body = co_await write_pattern(*flow, size, seed, rec);
  if (!body) co_return body.error();
  auto down = co_await flow->shutdown();
  if (!down) co_return down.error();
  auto rest = co_await drain(*flow);
  if (!rest) co_return rest.error();
  rec.complete = true;
  co_return ok();
}

/// receive_upload(l, seed, rec): takes one connection and checks what it
/// carries up to EOF against the pattern, chunk by chunk, then closes.
task<result<void>> receive_upload(direct_listener& l, std::uint64_t seed, transfer_record& rec) {
  auto flow = co_await l.accept();
  if (!flow) co_return flow.error();
  const byte_pattern pattern(seed);
  for (;;) {
    auto got = co_await flow->read();
    if (!got) co_return got.error();
    if (got->empty()) break;
    const std::size_t bad = pattern.mismatch(rec.bytes, got->bytes());
    if (bad != byte_pattern::npos && rec.problem.empty()) {
      rec.problem = "first wrong byte at offset " + std::to_string(rec.bytes + bad);
    }
    rec.bytes += got->size();
  }
  auto down = co_await flow->shutdown();
  if (!down) co_return down.error();
  rec.complete = true;
  co_return ok();
}

/// send_to_linux(e, s, to, size, seed, rec): connects to `to` (retrying
/// while nothing listens there yet), writes `size` bytes of the pattern,
/// shuts down and waits for the peer's close.
task<result<void>> send_to_linux(engine& e, direct_tap_stack& s, ip_endpoint to, std::uint64_t size,
                                 std::uint64_t seed, transfer_record& rec) {
  direct_flow flow;
  for (int attempt = 0;; ++attempt) {
    auto made = co_await s.connect(to);
    if (made) {
      flow = std::move(*made);
      break;
    }
    // Refused: nc has not started listening yet.
    if (made.error().code() != errc::refused || attempt >= 250) co_return made.error();
    co_await e.sleep_for(std::chrono::milliseconds(20));
  }
  auto body = co_await write_pattern(flow, size, seed, rec);
  if (!body) co_return body.error();
  auto down = co_await flow.shutdown();
  if (!down) co_return down.error();
  auto rest = co_await drain(flow);
  if (!rest) co_return rest.error();
  rec.complete = true;
  co_return ok();
}

/// rate(bytes, since): MiB/s, for the log.
double rate(std::uint64_t bytes, std::chrono::steady_clock::time_point since) {
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - since;
  return static_cast<double>(bytes) / static_cast<double>(mib) / took.count();
}

class direct_tap_tcp : public direct_tap_test {
protected:
  /// download(to, url_host, size, curl_flags): curl fetches `size` bytes of
  /// the pattern from a direct listener at `to` into a file, checked.
  void download(const ip_endpoint& at, const std::string& url, std::uint64_t size,
                const std::vector<std::string>& extra) {
    auto l = env_.stack().listen(at);
    ASSERT_TRUE(l) << l.error().message();
    const std::string file = tmp_ / "download";
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "40", "-o", file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url);
    auto curl = spawn("curl", argv);
    ASSERT_TRUE(curl);
    transfer_record rec;
    const auto t0 = std::chrono::steady_clock::now();
    auto done = env_.run(beside(env_.loop(), serve_download(*l, size, 11, rec), *curl, 45s), 50s);
    ASSERT_TRUE(done) << done.error().message() << "; " << curl->describe();
    std::printf("[ direct ] curl downloaded %llu MiB at %.1f MiB/s\n",
                static_cast<unsigned long long>(size / mib), rate(size, t0));
    EXPECT_TRUE(rec.complete);
    EXPECT_EQ(rec.request.rfind("GET / HTTP/1.1\r\n", 0), 0u) << rec.request;
    EXPECT_EQ(rec.bytes, size);
    EXPECT_EQ(byte_pattern(11).check_file(file, size), "");
  }
};

TEST_F(direct_tap_tcp, curl_downloads_megabytes_from_a_direct_listener) {
  ASSERT_TRUE(env_.start("dl", config_v4(), "ip addr add 10.77.0.1/24 dev IF"));
  download(endpoint(direct4, 8077), "http://10.77.0.2:8077/", 8 * mib, {});
  EXPECT_EQ(env_.stack().stats().tcp_bad, 0u);
}

TEST_F(direct_tap_tcp, nc_uploads_megabytes_to_a_direct_listener) {
  ASSERT_TRUE(env_.start("up", config_v4(), "ip addr add 10.77.0.1/24 dev IF"));
  const std::uint64_t size = 8 * mib;
  const std::string file = tmp_ / "upload";
  ASSERT_TRUE(byte_pattern(12).write_file(file, size));
  auto l = env_.stack().listen(endpoint(direct4, 8078));
  ASSERT_TRUE(l) << l.error().message();
  auto nc = spawn("nc", {"nc", "-N", "-w", "30", direct4, "8078"}, file);
  ASSERT_TRUE(nc);
  transfer_record rec;
  const auto t0 = std::chrono::steady_clock::now();
  auto done = env_.run(beside(env_.loop(), receive_upload(*l, 12, rec), *nc, 45s), 50s);
  ASSERT_TRUE(done) << done.error().message() << "; " << nc->describe();
  std::printf("[ direct ] nc uploaded %llu MiB at %.1f MiB/s\n",
              static_cast<unsigned long long>(size / mib), rate(size, t0));
  EXPECT_TRUE(rec.complete);
  EXPECT_EQ(rec.problem, "");
  EXPECT_EQ(rec.bytes, size);
}

TEST_F(direct_tap_tcp, the_direct_stack_sends_megabytes_to_a_linux_listener) {
  ASSERT_TRUE(env_.start("cn", config_v4(), "ip addr add 10.77.0.1/24 dev IF"));
  const std::uint64_t size = 8 * mib;
  auto nc = spawn("nc", {"nc", "-l", linux4, "8079"});
  ASSERT_TRUE(nc);
  transfer_record rec;
  const auto t0 = std::chrono::steady_clock::now();
  auto done = env_.run(
      beside(env_.loop(),
             send_to_linux(env_.loop(), env_.stack(), endpoint(linux4, 8079), size, 13, rec), *nc,
             45s),
      50s);
  ASSERT_TRUE(done) << done.error().message() << "; " << nc->describe();
  std::printf("[ direct ] sent %llu MiB to nc at %.1f MiB/s\n",
              static_cast<unsigned long long>(size / mib), rate(size, t0));
  EXPECT_TRUE(rec.complete);
  EXPECT_EQ(rec.bytes, size);
  EXPECT_EQ(byte_pattern(13).check_file(out_of("nc"), size), "");
}

TEST_F(direct_tap_tcp, curl_downloads_megabytes_over_ipv6) {
  net::direct_config c = config_v4();
  c.ipv6 = true;
  c.ipv6_address = ip_addr::parse("fd77::2")->v6();
  ASSERT_TRUE(env_.start("dl6", c,
                         "sysctl -qw net.ipv6.conf.IF.accept_dad=0 && "
                         "ip addr add fd77::1/64 dev IF nodad"));
  const auto mine = *ip_addr::parse("fd77::2");
  auto dad =
      env_.run_until([&] { return env_.core().ip6()->addresses().is_assigned(mine.v6()); }, 5s);
  ASSERT_TRUE(dad) << "DAD of fd77::2 did not finish";
  download(endpoint("fd77::2", 8080), "http://[fd77::2]:8080/", 4 * mib, {"-g", "-6"});
}

TEST_F(direct_tap_tcp, the_direct_stack_sends_megabytes_to_a_linux_listener_over_ipv6) {
  net::direct_config c = config_v4();
  c.ipv6 = true;
  c.ipv6_address = ip_addr::parse("fd77::2")->v6();
  ASSERT_TRUE(env_.start("cn6", c,
                         "sysctl -qw net.ipv6.conf.IF.accept_dad=0 && "
                         "ip addr add fd77::1/64 dev IF nodad"));
  const auto mine = *ip_addr::parse("fd77::2");
  auto dad =
      env_.run_until([&] { return env_.core().ip6()->addresses().is_assigned(mine.v6()); }, 5s);
  ASSERT_TRUE(dad) << "DAD of fd77::2 did not finish";
  const std::uint64_t size = 4 * mib;
  auto nc = spawn("nc", {"nc", "-6", "-l", "fd77::1", "8081"});
  ASSERT_TRUE(nc);
  transfer_record rec;
  auto done = env_.run(
      beside(env_.loop(),
             send_to_linux(env_.loop(), env_.stack(), endpoint("fd77::1", 8081), size, 14, rec),
             *nc, 45s),
      50s);
  ASSERT_TRUE(done) << done.error().message() << "; " << nc->describe();
  EXPECT_TRUE(rec.complete);
  EXPECT_EQ(rec.bytes, size);
  EXPECT_EQ(byte_pattern(14).check_file(out_of("nc"), size), "");
}

}  // namespace
}  // namespace atl::unix_target
