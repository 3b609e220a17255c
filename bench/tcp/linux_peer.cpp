// The Linux client and listener of bench_tcp's host comparison: blocking
// sockets, no options beyond the defaults (the kernel's buffer autotuning
// and congestion control), so they are what an ordinary program gets.
#include "linux_peer.hpp"

#include "pattern.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace bench {
namespace {

sockaddr_in endpoint(const char* address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &sa.sin_addr);
  return sa;
}

client_outcome failed(const char* step) {
  client_outcome out;
  std::snprintf(out.what, sizeof out.what, "%s: %s", step, std::strerror(errno));
  return out;
}

}  // namespace

client_outcome run_client(const char* address, std::uint16_t port, std::uint64_t bytes,
                          std::size_t write_size) {
  ::signal(SIGPIPE, SIG_IGN);  // a reset is reported as a failed write
  const pattern& p = the_pattern();
  write_size = std::min(std::max<std::size_t>(write_size, 1), pattern::max_piece);
  const sockaddr_in to = endpoint(address, port);
  int fd = -1;
  // The listener may still be coming up: retry for up to five seconds.
  for (int attempt = 0;; ++attempt) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return failed("socket");
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) break;
    ::close(fd);
    if (attempt == 500) return failed("connect");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The time starts at the connection: the retries were the listener's start-up.
  const auto connected = std::chrono::steady_clock::now();
  std::uint64_t at = 0;
  while (at < bytes) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes - at, write_size));
    const auto s = p.slice(at, n);
    const ssize_t w = ::write(fd, s.data(), s.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return failed("write");
    at += static_cast<std::uint64_t>(w);
  }
  // The verdict comes before our FIN: the sink waits for the FIN after
  // sending it, so it cannot end (and tear its interface down) before the
  // verdict has arrived.
  char verdict = 0;
  const ssize_t r = ::read(fd, &verdict, 1);
  ::close(fd);
  if (r != 1) return failed("read verdict");
  if (verdict != 'k') {
    client_outcome out;
    std::snprintf(out.what, sizeof out.what, "the sink saw wrong bytes");
    return out;
  }
  client_outcome out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - connected).count();
  return out;
}

int listen_on(const char* address, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in at = endpoint(address, port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0 || ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string run_sink(int listen_fd, std::uint64_t bytes) {
  const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return std::string("accept: ") + std::strerror(errno);
  const pattern& p = the_pattern();
  std::vector<std::byte> chunk(pattern::max_piece);
  std::uint64_t at = 0;
  bool good = true;
  while (at < bytes) {
    const ssize_t r = ::read(fd, chunk.data(), chunk.size());
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const auto n = static_cast<std::size_t>(r);
    good = good && p.matches(at, std::span(chunk.data(), n));
    at += n;
  }
  const char verdict = good && at == bytes ? 'k' : 'x';
  (void)::write(fd, &verdict, 1);
  char rest = 0;
  (void)::read(fd, &rest, 1);  // the client's FIN, once it has the verdict
  ::close(fd);
  if (at != bytes) return "short transfer";
  return good ? std::string() : std::string("wrong bytes");
}

}  // namespace bench
