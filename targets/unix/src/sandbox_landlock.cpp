// The Landlock half of the sandbox. The access rights and structures are
// spelled out here from the kernel's stable ABI (Documentation/userspace-api/
// landlock.rst), because the distribution's <linux/landlock.h> may predate
// the kernel it runs on; each is used only when landlock_abi() says the
// kernel knows it.
#include "errno_error.hpp"
#include "sandbox_parts.hpp"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace atl::unix_target {

namespace {

namespace fs {
constexpr std::uint64_t execute = 1ULL << 0;
constexpr std::uint64_t write_file = 1ULL << 1;
constexpr std::uint64_t read_file = 1ULL << 2;
constexpr std::uint64_t read_dir = 1ULL << 3;
constexpr std::uint64_t remove_dir = 1ULL << 4;
constexpr std::uint64_t remove_file = 1ULL << 5;
constexpr std::uint64_t make_char = 1ULL << 6;
constexpr std::uint64_t make_dir = 1ULL << 7;
constexpr std::uint64_t make_reg = 1ULL << 8;
constexpr std::uint64_t make_sock = 1ULL << 9;
constexpr std::uint64_t make_fifo = 1ULL << 10;
constexpr std::uint64_t make_block = 1ULL << 11;
constexpr std::uint64_t make_sym = 1ULL << 12;
constexpr std::uint64_t refer = 1ULL << 13;      // ABI 2
constexpr std::uint64_t truncate = 1ULL << 14;   // ABI 3
constexpr std::uint64_t ioctl_dev = 1ULL << 15;  // ABI 5
}  // namespace fs

constexpr std::uint64_t net_bind_tcp = 1ULL << 0;         // ABI 4
constexpr std::uint64_t net_connect_tcp = 1ULL << 1;      // ABI 4
constexpr std::uint64_t scope_abstract_unix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t scope_signal = 1ULL << 1;         // ABI 6

constexpr unsigned create_ruleset_version = 1U << 0;
constexpr int rule_path_beneath = 1;

struct ruleset_attr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

struct [[gnu::packed]] path_beneath_attr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

/// handled_fs(abi): every file-system right the kernel can check.
std::uint64_t handled_fs(int abi) noexcept {
  std::uint64_t rights = fs::execute | fs::write_file | fs::read_file | fs::read_dir |
                         fs::remove_dir | fs::remove_file | fs::make_char | fs::make_dir |
                         fs::make_reg | fs::make_sock | fs::make_fifo | fs::make_block |
                         fs::make_sym;
  if (abi >= 2) rights |= fs::refer;
  if (abi >= 3) rights |= fs::truncate;
  if (abi >= 5) rights |= fs::ioctl_dev;
  return rights;
}

/// rights_for(path, directory, abi): what a rule grants. Rules on a file may
/// hold only file rights (the kernel refuses others).
std::uint64_t rights_for(const sandbox_path& p, bool directory, int abi) noexcept {
  std::uint64_t rights = fs::read_file;
  if (directory) rights |= fs::read_dir;
  if (p.writable) {
    rights |= fs::write_file;
    if (abi >= 3) rights |= fs::truncate;
    if (directory) {
      rights |= fs::remove_dir | fs::remove_file | fs::make_dir | fs::make_reg | fs::make_sym;
      if (abi >= 2) rights |= fs::refer;
    }
  }
  return rights & handled_fs(abi);
}

}  // namespace

int landlock_abi() noexcept {
  const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, create_ruleset_version);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

result<owned_fd> landlock_ruleset(std::span<const sandbox_path> paths, bool sockets,
                                  int abi) noexcept {
  ruleset_attr attr{};
  attr.handled_access_fs = handled_fs(abi);
  std::size_t size = sizeof attr.handled_access_fs;
  if (abi >= 4) {
    // Without the socket device no TCP port may be bound or connected to;
    // with it, the socket stack decides (Landlock has no rule for "any port").
    if (!sockets) attr.handled_access_net = net_bind_tcp | net_connect_tcp;
    size += sizeof attr.handled_access_net;
  }
  if (abi >= 6) {
    attr.scoped = scope_abstract_unix | scope_signal;
    size += sizeof attr.scoped;
  }
  owned_fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0U)));
  if (!ruleset) return errno_error("landlock_create_ruleset", "", errno);

  for (const sandbox_path& p : paths) {
    owned_fd target(::open(p.path.c_str(), O_PATH | O_CLOEXEC));
    if (!target) return errno_error("sandbox path", p.path, errno);
    struct stat st {};
    if (::fstat(target.get(), &st) != 0) return errno_error("sandbox path", p.path, errno);
    path_beneath_attr rule{rights_for(p, S_ISDIR(st.st_mode), abi), target.get()};
    if (::syscall(SYS_landlock_add_rule, ruleset.get(), rule_path_beneath, &rule, 0U) != 0) {
      return errno_error("landlock_add_rule", p.path, errno);
    }
  }
  return ruleset;
}

result<void> landlock_restrict(const owned_fd& ruleset) noexcept {
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0U) != 0) {
    return errno_error("landlock_restrict_self", "", errno);
  }
  return ok();
}

}  // namespace atl::unix_target
