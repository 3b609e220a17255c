// The sandbox on this kernel: a forked child opens its devices, seals itself,
// and then finds that everything it was not handed is refused, while its
// devices and the engine keep working.
#include "sandbox_child.hpp"
#include "temp_dir.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/unix/block_file.hpp>
#include <atoll/unix/epoll_platform.hpp>
#include <atoll/unix/kv_dir.hpp>
#include <atoll/unix/sandbox.hpp>

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <vector>

#if defined(__has_include)
#if __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define ATOLL_TEST_SANITIZER_HEADER 1
#endif
#endif

namespace atl::unix_target {
namespace {

using namespace atl::unix_target::testing;

struct paths {
  std::string kv_dir;     // handed over read-only
  std::string block;      // handed over read-write
  std::string neighbour;  // next to the block file, not handed over
  std::string new_file;   // in /tmp, must not appear
};

task<result<buf>> get(dir_kv& kv, std::string_view key) {
  auto k = kv_key::parse(key);
  if (!k) co_return k.error();
  auto value = co_await kv.get(*k);
  co_return value;
}

task<result<std::vector<kv_entry>>> list(dir_kv& kv) {
  auto entries = co_await kv.list(kv_key());
  co_return entries;
}

task<result<std::string>> block_round_trip(file_block& disk) {
  std::array<std::byte, 512> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>(i * 3);
  auto w = co_await disk.write(sector(3), out);
  if (!w) co_return w.error();
  auto f = co_await disk.flush();
  if (!f) co_return f.error();
  std::array<std::byte, 512> in{};
  auto r = co_await disk.read(sector(3), in);
  if (!r) co_return r.error();
  co_return std::string(in == out ? "same" : "different");
}

task<duration> nap(engine& e) {
  const mono_time start = e.now();
  co_await e.sleep_for(10ms);
  co_return e.now() - start;
}

std::string text_of(const result<buf>& r) {
  return r ? std::string(r->text()) : "error: " + std::string(r.error().message());
}

void sealed_child(int out, const paths& p) {
  auto platform = epoll_platform::create();
  if (!platform) return say(out, "setup", "platform");
  engine e(*platform);
  auto kv = dir_kv::create(p.kv_dir);
  if (!kv) return say(out, "setup", "kv");
  file_block_options options;
  options.create_sectors = 16;
  auto disk = file_block::create(p.block, options);
  if (!disk) return say(out, "setup", "block");

  sandbox_policy policy;
  policy.allow_read(p.kv_dir).allow_read_write(p.block);
  auto sealed = policy.apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  if (!sealed) return;

  // Everything not handed over is refused, by seccomp (open, openat: EPERM)
  // and by Landlock (openat2, which dir_kv needs: EACCES).
  say(out, "open_hostname", outcome(::open("/etc/hostname", O_RDONLY | O_CLOEXEC)));
  say(out, "openat2_hostname", outcome(open2("/etc/hostname", O_RDONLY)));
  say(out, "open_new_file",
      outcome(::open(p.new_file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600)));
  say(out, "openat2_new_file", outcome(open2(p.new_file.c_str(), O_CREAT | O_WRONLY, 0600)));
  say(out, "openat2_neighbour", outcome(open2(p.neighbour.c_str(), O_RDONLY)));
  const std::string hello = p.kv_dir + "/hello.txt";
  say(out, "openat2_kv_for_writing", outcome(open2(hello.c_str(), O_WRONLY)));
  say(out, "openat2_kv_for_reading", outcome(open2(hello.c_str(), O_RDONLY)));
  say(out, "socket_inet", outcome(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)));
  say(out, "socket_unix", outcome(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
  say(out, "mmap_exec",
      outcome(::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                      MAP_FAILED
                  ? -1
                  : 0));
  say(out, "mmap_data",
      outcome(::mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                     0) == MAP_FAILED
                  ? -1
                  : 0));
  say(out, "dup", outcome(::dup(0)));

  // What it was handed still works: its devices, the engine, the allocator.
  say(out, "kv_get", text_of(e.run(get(*kv, "hello.txt"))));
  say(out, "kv_get_deep", text_of(e.run(get(*kv, "sub/deep.txt"))));
  auto entries = e.run(list(*kv));
  say(out, "kv_list", entries ? std::to_string(entries->size()) : "error");
  auto block = e.run(block_round_trip(*disk));
  say(out, "block", block ? *block : std::string(block.error().message()));
  say(out, "nap", e.run(nap(e)) >= 10ms ? "ok" : "short");
  std::vector<char> big(32 << 20, 'x');
  say(out, "allocate", big[12345] == 'x' ? "ok" : "bad");
  say(out, "alive", std::to_string(::getpid() > 0));
}

class sandbox_test : public ::testing::Test {
protected:
  void SetUp() override {
    if (landlock_abi() == 0) GTEST_SKIP() << "this kernel has no Landlock";
    ASSERT_EQ(::mkdir((dir_ / "kv").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((dir_ / "kv/sub").c_str(), 0755), 0);
    std::ofstream(dir_ / "kv/hello.txt") << "hello from the sandbox";
    std::ofstream(dir_ / "kv/sub/deep.txt") << "deep";
    std::ofstream(dir_ / "neighbour") << "not handed over";
    p_ = {dir_ / "kv", dir_ / "disk.img", dir_ / "neighbour",
          "/tmp/atoll-sandbox-" + std::to_string(::getpid())};
  }
  void TearDown() override { ::unlink(p_.new_file.c_str()); }

  temp_dir dir_;
  paths p_;
};

TEST_F(sandbox_test, a_sealed_process_keeps_only_its_devices) {
  const child_report r = run_child(sealed_child, p_);
  EXPECT_TRUE(r.exited_ok()) << "status " << r.status << ", signal " << r.signal();
  EXPECT_EQ(r["apply"], "ok");
  EXPECT_EQ(r["open_hostname"], "EPERM");
  EXPECT_EQ(r["openat2_hostname"], "EACCES");
  EXPECT_EQ(r["open_new_file"], "EPERM");
  EXPECT_EQ(r["openat2_new_file"], "EACCES");
  EXPECT_EQ(::access(p_.new_file.c_str(), F_OK), -1) << "the sandbox let a file be made";
  EXPECT_EQ(r["openat2_neighbour"], "EACCES");
  EXPECT_EQ(r["openat2_kv_for_writing"], "EACCES");
  EXPECT_EQ(r["openat2_kv_for_reading"], "ok");
  EXPECT_EQ(r["socket_inet"], "EPERM");
  EXPECT_EQ(r["socket_unix"], "EPERM");
  EXPECT_EQ(r["mmap_exec"], "EPERM");
  EXPECT_EQ(r["mmap_data"], "ok");
  EXPECT_EQ(r["dup"], "EPERM");
  EXPECT_EQ(r["kv_get"], "hello from the sandbox");
  EXPECT_EQ(r["kv_get_deep"], "deep");
  EXPECT_EQ(r["kv_list"], "2");
  EXPECT_EQ(r["block"], "same");
  EXPECT_EQ(r["nap"], "ok");
  EXPECT_EQ(r["allocate"], "ok");
  EXPECT_EQ(r["alive"], "1");
}

// The same calls without the sandbox succeed: the refusals above are the
// sandbox's doing, not the machine's.
void unsealed_child(int out, const paths& p) {
  say(out, "open_hostname", outcome(::open("/etc/hostname", O_RDONLY | O_CLOEXEC)));
  say(out, "openat2_neighbour", outcome(open2(p.neighbour.c_str(), O_RDONLY)));
  say(out, "socket_inet", outcome(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)));
  say(out, "dup", outcome(::dup(0)));
}

TEST_F(sandbox_test, the_same_calls_work_unsealed) {
  const child_report r = run_child(unsealed_child, p_);
  EXPECT_TRUE(r.exited_ok());
  EXPECT_EQ(r["open_hostname"], "ok");
  EXPECT_EQ(r["openat2_neighbour"], "ok");
  EXPECT_EQ(r["socket_inet"], "ok");
  EXPECT_EQ(r["dup"], "ok");
}

void bad_path_child(int out, const paths& p) {
  sandbox_policy policy;
  policy.allow_read(p.kv_dir).allow_read(p.kv_dir + "/missing");
  auto sealed = policy.apply();
  say(out, "apply", sealed ? "ok" : std::string(to_string(sealed.error().code())));
  say(out, "open_hostname", outcome(::open("/etc/hostname", O_RDONLY | O_CLOEXEC)));
}

TEST_F(sandbox_test, a_missing_path_fails_before_anything_is_sealed) {
  const child_report r = run_child(bad_path_child, p_);
  EXPECT_TRUE(r.exited_ok());
  EXPECT_EQ(r["apply"], "not_found");
  EXPECT_EQ(r["open_hostname"], "ok");
}

void socket_child(int out, const paths&) {
  sandbox_policy policy;
  policy.allow_sockets();
  auto sealed = policy.apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  const int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  say(out, "socket_udp", outcome(udp));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  say(out, "bind_udp", outcome(::bind(udp, reinterpret_cast<sockaddr*>(&local), sizeof local)));
  socklen_t len = sizeof local;
  say(out, "getsockname", outcome(::getsockname(udp, reinterpret_cast<sockaddr*>(&local), &len)));
  say(out, "sendto_self",
      outcome(::sendto(udp, "ping", 4, 0, reinterpret_cast<sockaddr*>(&local), sizeof local)));
  char got[8] = {};
  say(out, "recv", outcome(::recv(udp, got, sizeof got, 0)));
  say(out, "payload", std::string(got, 4));
  const int tcp = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  say(out, "socket_tcp6", outcome(tcp));
  say(out, "listen_tcp6", outcome(::listen(tcp, 4)));
  say(out, "socket_unix", outcome(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
  say(out, "socket_netlink", outcome(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0)));
  say(out, "socket_packet", outcome(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)));
  say(out, "open_hostname", outcome(::open("/etc/hostname", O_RDONLY | O_CLOEXEC)));
}

TEST_F(sandbox_test, the_socket_device_opens_ip_sockets_only) {
  const child_report r = run_child(socket_child, p_);
  EXPECT_TRUE(r.exited_ok()) << "signal " << r.signal();
  EXPECT_EQ(r["apply"], "ok");
  EXPECT_EQ(r["socket_udp"], "ok");
  EXPECT_EQ(r["bind_udp"], "ok");
  EXPECT_EQ(r["getsockname"], "ok");
  EXPECT_EQ(r["sendto_self"], "ok");
  EXPECT_EQ(r["recv"], "ok");
  EXPECT_EQ(r["payload"], "ping");
  EXPECT_EQ(r["socket_tcp6"], "ok");
  EXPECT_EQ(r["listen_tcp6"], "ok");
  EXPECT_EQ(r["socket_unix"], "EPERM");
  EXPECT_EQ(r["socket_netlink"], "EPERM");
  EXPECT_EQ(r["socket_packet"], "EPERM");
  EXPECT_EQ(r["open_hostname"], "EPERM");
}

enum class forbidden { exec, ptrace, unshare, mount, bpf };

void forbidden_child(int out, const forbidden& what) {
  auto sealed = sandbox_policy().apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
  switch (what) {
    case forbidden::exec: ::execve("/bin/true", argv, nullptr); break;
    case forbidden::ptrace: ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr); break;
    case forbidden::unshare: ::unshare(CLONE_NEWUSER); break;
    case forbidden::mount: ::syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr); break;
    case forbidden::bpf: ::syscall(SYS_bpf, 0, nullptr, 0); break;
  }
  say(out, "survived", "yes");
}

class sandbox_kill_test : public sandbox_test, public ::testing::WithParamInterface<forbidden> {};

TEST_P(sandbox_kill_test, a_call_on_the_kill_list_ends_the_process) {
  const child_report r = run_child(forbidden_child, GetParam());
  EXPECT_EQ(r["apply"], "ok");
  EXPECT_EQ(r.signal(), SIGSYS) << "status " << r.status;
  EXPECT_EQ(r["survived"], "(not reported)");
}

std::string forbidden_name(const ::testing::TestParamInfo<forbidden>& p) {
  switch (p.param) {
    case forbidden::exec: return "execve";
    case forbidden::ptrace: return "ptrace";
    case forbidden::unshare: return "unshare";
    case forbidden::mount: return "mount";
    case forbidden::bpf: return "bpf";
  }
  return "unknown";
}

INSTANTIATE_TEST_SUITE_P(calls, sandbox_kill_test,
                         ::testing::Values(forbidden::exec, forbidden::ptrace, forbidden::unshare,
                                           forbidden::mount, forbidden::bpf),
                         forbidden_name);

void panic_child(int out, const paths&) {
  auto sealed = sandbox_policy().apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  ATOLL_PANIC("a deliberate panic in a sealed process");
}

TEST_F(sandbox_test, a_panic_still_stops_with_abort) {
  const child_report r = run_child(panic_child, p_);
  EXPECT_EQ(r["apply"], "ok");
  EXPECT_EQ(r.signal(), SIGABRT) << "status " << r.status;
}

void twice_child(int out, const paths& p) {
  sandbox_policy wide;
  wide.allow_read(p.kv_dir).allow_read(p.neighbour);
  auto first = wide.apply();
  say(out, "first", first ? "ok" : std::string(first.error().message()));
  say(out, "neighbour_after_first", outcome(open2(p.neighbour.c_str(), O_RDONLY)));
  sandbox_policy narrow;
  narrow.allow_read(p.kv_dir);
  // A sealed process cannot change its policy, not even to narrow it.
  auto second = narrow.apply();
  say(out, "second", second ? "ok" : std::string(to_string(second.error().code())));
  say(out, "neighbour_after_second", outcome(open2(p.neighbour.c_str(), O_RDONLY)));
}

TEST_F(sandbox_test, a_sealed_process_cannot_reseal) {
  const child_report r = run_child(twice_child, p_);
  EXPECT_TRUE(r.exited_ok());
  EXPECT_EQ(r["first"], "ok");
  EXPECT_EQ(r["neighbour_after_first"], "ok");
  EXPECT_EQ(r["second"], "refused");
  EXPECT_EQ(r["neighbour_after_second"], "ok");
}

// An ASan build whose compiler has the sanitizer interface header (clang
// without compiler-rt's headers, as clang-tidy may run, has not).
#if !defined(ATOLL_TEST_SANITIZER_HEADER)
#elif defined(__SANITIZE_ADDRESS__)
#define ATOLL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATOLL_TEST_ASAN 1
#endif
#endif

#if defined(ATOLL_TEST_ASAN)
[[gnu::noinline]] void report_from_a_sealed_process() { __sanitizer_print_stack_trace(); }

void sanitizer_child(int out, const paths&) {
  ::dup2(out, STDERR_FILENO);  // the report comes back through the pipe
  auto sealed = sandbox_policy().apply();
  say(out, "apply", sealed ? "ok" : std::string(sealed.error().message()));
  report_from_a_sealed_process();
  say(out, "alive", "yes");
}
#endif

// The sanitizer runtime keeps working in a sealed process: it can still
// print a report, with function names.
TEST_F(sandbox_test, sanitizer_reports_still_work_when_sealed) {
#if defined(ATOLL_TEST_ASAN)
  const child_report r = run_child(sanitizer_child, p_);
  EXPECT_TRUE(r.exited_ok()) << "signal " << r.signal();
  EXPECT_EQ(r["apply"], "ok");
  EXPECT_EQ(r["alive"], "yes");
  EXPECT_NE(r.raw.find("report_from_a_sealed_process"), std::string::npos)
      << "the stack trace does not name the function:\n"
      << r.raw;
#else
  GTEST_SKIP() << "not an AddressSanitizer build (or no sanitizer interface header)";
#endif
}

}  // namespace
}  // namespace atl::unix_target
