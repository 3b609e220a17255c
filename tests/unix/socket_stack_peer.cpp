// socket_stack_peer: a small program on the socket stack for
// socket_stack_peer_test.py, which runs it against Linux peers (curl, and a
// Python listener). Byte i of every test stream is (i * 31 + 7) % 251.
//
//   socket_stack_peer serve ADDR      listens on ADDR port 0, prints "port N",
//       answers one HTTP request: GET /N gives N pattern bytes, POST echoes
//       the body; then exits 0
//   socket_stack_peer connect ENDPOINT N   sends N pattern bytes, shuts down,
//       reads the peer's answer to EOF and checks it is the same N bytes;
//       prints "ok N" and exits 0, or prints the problem and exits 1
#include <atoll/core/when.hpp>
#include <atoll/unix/socket_stack.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace atl;
using atl::unix_target::socket_stack;

std::vector<std::byte> stream(std::size_t n) {
  std::vector<std::byte> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 31 + 7) % 251);
  return out;
}

task<result<void>> write_all(socket_stack::flow& f, const std::vector<std::byte>& data) {
  constexpr std::size_t piece = 100000;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::size_t n = std::min(piece, data.size() - at);
    ATOLL_CO_TRY(buf b, buf::copy_of(std::span(data).subspan(at, n)));
    ATOLL_CO_TRYV(co_await f.write(bufs(std::move(b))));
  }
  co_return ok();
}

/// read_until(f, got, stop): reads until EOF, or until `stop` returns true.
task<result<void>> read_until(socket_stack::flow& f, std::string& got,
                              bool (*stop)(const std::string&)) {
  while (stop == nullptr || !stop(got)) {
    ATOLL_CO_TRY(buf b, co_await f.read());
    if (b.empty()) co_return ok();
    got.append(b.text());
  }
  co_return ok();
}

bool request_complete(const std::string& got) {
  const auto end = got.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const auto cl = got.find("Content-Length: ");
  if (cl == std::string::npos || cl > end) return true;
  const std::size_t length = std::strtoul(got.c_str() + cl + 16, nullptr, 10);
  return got.size() >= end + 4 + length;
}

task<result<void>> serve(socket_stack& s, net::ip_addr at) {
  ATOLL_CO_TRY(auto l, s.listen(net::ip_endpoint{at, {}}));
  std::printf("port %u\n", unsigned{l.local().port.value()});
  std::fflush(stdout);
  ATOLL_CO_TRY(auto f, co_await l.accept());
  std::string request;
  ATOLL_CO_TRYV(co_await read_until(f, request, request_complete));
  const auto end = request.find("\r\n\r\n");
  std::vector<std::byte> body;
  if (request.starts_with("GET /")) {
    body = stream(std::strtoul(request.c_str() + 5, nullptr, 10));
  } else {
    for (std::size_t i = end + 4; i < request.size(); ++i)
      body.push_back(static_cast<std::byte>(request[i]));
  }
  const std::string head = "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n";
  ATOLL_CO_TRY(buf h, buf::copy_of(head));
  ATOLL_CO_TRYV(co_await f.write(bufs(std::move(h))));
  ATOLL_CO_TRYV(co_await write_all(f, body));
  ATOLL_CO_TRYV(co_await f.shutdown());
  std::string rest;  // wait for curl to close, so nothing unread resets it
  auto done = co_await read_until(f, rest, nullptr);
  co_return done;
}

task<result<void>> send_then_shut(socket_stack::flow& f, const std::vector<std::byte>& d) {
  ATOLL_CO_TRYV(co_await write_all(f, d));
  auto done = co_await f.shutdown();
  co_return done;
}

task<result<void>> connect_and_send(socket_stack& s, net::ip_endpoint to, std::size_t n) {
  ATOLL_CO_TRY(auto f, co_await s.connect(to));
  const auto data = stream(n);
  std::string answer;
  // Named first: a task made inside a co_await expression is a g++ 12 hazard.
  task<result<void>> sending = send_then_shut(f, data);
  task<result<void>> receiving = read_until(f, answer, nullptr);
  auto [w, r] = co_await all(std::move(sending), std::move(receiving));
  ATOLL_CO_TRYV(w);
  ATOLL_CO_TRYV(r);
  if (answer.size() != n) co_return error(errc::corrupt, "got ", answer.size(), " bytes of ", n);
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::byte>(answer[i]) != data[i])
      co_return error(errc::corrupt, "byte ", i, " differs");
  }
  std::printf("ok %zu\n", n);
  co_return ok();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  auto p = unix_target::epoll_platform::create();
  if (!p) return 2;
  engine e(*p);
  socket_stack s(e, *p);
  result<void> done = error(errc::invalid_argument, "usage: serve ADDR | connect ENDPOINT N");
  if (mode == "serve" && argc == 3) {
    auto at = net::ip_addr::parse(argv[2]);
    done = at ? e.run(serve(s, *at)) : result<void>(at.error());
  } else if (mode == "connect" && argc == 4) {
    auto to = net::ip_endpoint::parse(argv[2]);
    done = to ? e.run(connect_and_send(s, *to, std::strtoul(argv[3], nullptr, 10)))
              : result<void>(to.error());
  }
  if (!done) {
    const auto m = done.error().message();
    std::printf("error: %.*s\n", static_cast<int>(m.size()), m.data());
    return 1;
  }
  return 0;
}
