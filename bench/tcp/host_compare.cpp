// bench_tcp, part "host": a Linux client sending to the direct stack over
// TAP against the same client sending to a Linux listener over veth
// (docs/performance.md, "tcp").
//
// Namespaces: the comparison runs in a child process that unshares a
// network namespace of its own (the TAP interface, the client's side of the
// veth pair, the clients); the veth listener runs in a grandchild with a
// second namespace. A namespace goes when its last process ends, so nothing
// is left behind on any failure, a crash included, and the host's own
// interfaces are never touched. Every child has an alarm, so a stuck
// transfer cannot hang the bench.
#include "linux_peer.hpp"
#include "parts.hpp"
#include "tap_sink.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {
namespace {

constexpr unsigned child_alarm_seconds = 100;

/// What the namespace child sends back (plain bytes through a pipe).
struct wire_figure {
  bool ok = false;
  double seconds = 0;
  std::uint64_t bytes = 0;
  char note[200] = {};
};
struct wire_figures {
  char skipped[160] = {};
  std::array<wire_figure, 5> figures{};
};

template <std::size_t N>
void put(char (&to)[N], const std::string& text) {
  std::snprintf(to, N, "%s", text.c_str());
}

bool sh(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// features(ifname): the offloads in effect on an interface, from ethtool -k.
std::string features(const std::string& ifname) {
  std::string out;
  const std::string command = "ethtool -k " + ifname + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "?";
  std::array<char, 256> line{};
  const std::array<std::pair<const char*, const char*>, 5> wanted{{
      {"tx-checksumming:", "tx-csum"},
      {"rx-checksumming:", "rx-csum"},
      {"tcp-segmentation-offload:", "tso"},
      {"generic-segmentation-offload:", "gso"},
      {"generic-receive-offload:", "gro"},
  }};
  while (std::fgets(line.data(), line.size(), pipe) != nullptr) {
    for (const auto& [key, label] : wanted) {
      const std::size_t n = std::strlen(key);
      if (std::strncmp(line.data(), key, n) != 0) continue;
      const bool on = std::strncmp(line.data() + n + 1, "on", 2) == 0;
      if (!out.empty()) out += ' ';
      out += label;
      out += on ? "+" : "-";
    }
  }
  ::pclose(pipe);
  return out;
}

bool read_full(int fd, void* to, std::size_t n) {
  auto* p = static_cast<char*>(to);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_full(int fd, const void* from, std::size_t n) {
  const auto* p = static_cast<const char*>(from);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

/// A client process and the pipe its outcome comes through.
struct client_process {
  pid_t pid = -1;
  int from = -1;
};

client_process spawn_client(const char* address, std::uint64_t bytes, std::size_t write_size) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(child_alarm_seconds);
    const client_outcome o = run_client(address, tap_sink_port, bytes, write_size);
    (void)write_full(p[1], &o, sizeof o);
    ::_exit(0);
  }
  ::close(p[1]);
  if (pid < 0) {
    ::close(p[0]);
    return {};
  }
  return {pid, p[0]};
}

/// collect: the client's outcome into `f` (a failure keeps the note).
void collect(client_process c, std::uint64_t bytes, wire_figure& f) {
  if (c.pid < 0) {
    put(f.note, "the client did not start");
    return;
  }
  client_outcome o;
  const bool got = read_full(c.from, &o, sizeof o);
  ::close(c.from);
  ::waitpid(c.pid, nullptr, 0);
  if (!got) {
    put(f.note, "the client died (alarm?)");
  } else if (o.seconds < 0) {
    put(f.note, std::string("client: ") + o.what);
  } else {
    f.ok = true;
    f.seconds = o.seconds;
    f.bytes = bytes;
  }
}

/// The offload settings a run asks ethtool for.
enum class offloads { off, off_with_checksums, on };

const char* offload_switch(offloads o) {
  switch (o) {
    case offloads::off: return " tso off gso off gro off";
    case offloads::off_with_checksums: return " tx off rx off tso off gso off gro off";
    case offloads::on: return " tx on rx on tso on gso on gro on";
  }
  return "";
}

wire_figure tap_run(std::uint64_t bytes, std::size_t write_size, offloads mode) {
  wire_figure f;
  const std::string ifname = "atlb-tap";
  client_process client;
  std::string in_effect;
  const auto ready = [&] {
    if (!sh("ip addr add 10.9.1.1/24 dev " + ifname + " && ip link set dev " + ifname +
            " mtu 1500 up")) {
      return false;
    }
    // Linux refuses what a TAP without TUNSETOFFLOAD cannot do (tso on):
    // the features actually in effect are read back and reported.
    (void)sh("ethtool -K " + ifname + offload_switch(mode) + " >/dev/null 2>&1");
    in_effect = features(ifname);
    client = spawn_client(tap_sink_address, bytes, write_size);
    return client.pid > 0;
  };
  const std::string sunk = tap_sink(ifname.c_str(), bytes, ready);
  collect(client, bytes, f);
  if (!sunk.empty()) {
    f.ok = false;
    put(f.note, "direct stack: " + sunk + (f.note[0] ? std::string("; ") + f.note : ""));
    return f;
  }
  if (f.ok) put(f.note, "Linux tap: " + in_effect);
  return f;
}

wire_figure veth_run(std::uint64_t bytes, std::size_t write_size, offloads mode) {
  wire_figure f;
  if (!sh("ip link add atlb-va type veth peer name atlb-vb")) {
    put(f.note, "cannot create the veth pair");
    return f;
  }
  int up[2];
  int go[2];
  if (::pipe2(up, O_CLOEXEC) != 0 || ::pipe2(go, O_CLOEXEC) != 0) {
    put(f.note, "pipe");
    return f;
  }
  const pid_t listener = ::fork();
  if (listener == 0) {
    // The listener's namespace: atlb-vb is moved in once it exists.
    ::alarm(child_alarm_seconds);
    char step = ::unshare(CLONE_NEWNET) == 0 ? 'r' : 'f';
    (void)write_full(up[1], &step, 1);
    if (step != 'r' || !read_full(go[0], &step, 1)) ::_exit(1);
    int fd = -1;
    if (sh("ip link set lo up && ip addr add 10.9.2.2/24 dev atlb-vb && "
           "ip link set dev atlb-vb mtu 1500 up")) {
      (void)sh(std::string("ethtool -K atlb-vb") + offload_switch(mode) + " >/dev/null 2>&1");
      fd = listen_on("10.9.2.2", tap_sink_port);
    }
    step = fd >= 0 ? 'l' : 'f';
    (void)write_full(up[1], &step, 1);
    if (fd < 0) ::_exit(1);
    ::_exit(run_sink(fd, bytes).empty() ? 0 : 1);
  }
  ::close(up[1]);
  ::close(go[0]);
  char step = 0;
  bool started = listener > 0 && read_full(up[0], &step, 1) && step == 'r' &&
                 sh("ip link set atlb-vb netns " + std::to_string(listener)) &&
                 sh("ip addr add 10.9.2.1/24 dev atlb-va && ip link set dev atlb-va mtu 1500 up");
  std::string in_effect;
  if (started) {
    (void)sh(std::string("ethtool -K atlb-va") + offload_switch(mode) + " >/dev/null 2>&1");
    in_effect = features("atlb-va");
    step = 'g';
    started = write_full(go[1], &step, 1) && read_full(up[0], &step, 1) && step == 'l';
  }
  ::close(go[1]);
  ::close(up[0]);
  if (started) collect(spawn_client("10.9.2.2", bytes, write_size), bytes, f);
  if (!started) put(f.note, "the veth listener did not start");
  int status = 0;
  if (listener > 0) {
    if (!started) ::kill(listener, SIGKILL);
    ::waitpid(listener, &status, 0);
  }
  (void)sh("ip link del atlb-va 2>/dev/null");
  if (f.ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    f.ok = false;
    put(f.note, "the Linux listener saw wrong or missing bytes");
  }
  if (f.ok) put(f.note, "veth (both ends): " + in_effect);
  return f;
}

/// in_namespace: the whole comparison, in a fresh network namespace.
wire_figures in_namespace(std::uint64_t bytes, std::size_t write_size) {
  wire_figures w;
  if (::unshare(CLONE_NEWNET) != 0) {
    put(w.skipped, std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno));
    return w;
  }
  // No IPv6: Linux then sends nothing unasked on the new interfaces.
  (void)sh(
      "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 "
      "2>/dev/null");
  (void)sh("ip link set lo up");
  if (!sh("command -v ethtool >/dev/null")) {
    put(w.skipped, "ethtool is not installed");
    return w;
  }
  w.figures[0] = tap_run(bytes, write_size, offloads::off);
  w.figures[1] = veth_run(bytes, write_size, offloads::off);
  w.figures[2] = veth_run(bytes, write_size, offloads::off_with_checksums);
  w.figures[3] = tap_run(bytes, write_size, offloads::on);
  w.figures[4] = veth_run(bytes, write_size, offloads::on);
  return w;
}

bulk_figure unwire(const wire_figure& w) {
  bulk_figure f;
  f.ok = w.ok;
  f.seconds = w.seconds;
  f.bytes = w.bytes;
  f.note = w.note;
  return f;
}

}  // namespace

host_figures host_compare(std::uint64_t bytes, std::size_t write_size) {
  host_figures out;
  if (::geteuid() != 0) {
    out.skipped = "not root (needs CAP_NET_ADMIN and CAP_SYS_ADMIN for namespaces)";
    return out;
  }
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
    out.skipped = "no usable /dev/net/tun";
    return out;
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    out.skipped = "pipe failed";
    return out;
  }
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(p[0]);
    const wire_figures w = in_namespace(bytes, write_size);
    (void)write_full(p[1], &w, sizeof w);
    ::_exit(0);
  }
  ::close(p[1]);
  wire_figures w;
  const bool got = child > 0 && read_full(p[0], &w, sizeof w);
  ::close(p[0]);
  if (child > 0) ::waitpid(child, nullptr, 0);
  if (!got) {
    out.skipped = "the namespace process failed";
    return out;
  }
  out.skipped = w.skipped;
  out.tap_plain = unwire(w.figures[0]);
  out.veth_plain = unwire(w.figures[1]);
  out.veth_no_checksum = unwire(w.figures[2]);
  out.tap_offload = unwire(w.figures[3]);
  out.veth_offload = unwire(w.figures[4]);
  return out;
}

}  // namespace bench
