#include "files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace atl::tool::cert {

namespace {

constexpr std::size_t max_input = 1 << 20;

atl::error system_error(const char* what, const std::string& path, int err) {
  return atl::error(err == ENOENT ? errc::not_found : errc::io_error, what, " ", path, ": ",
                    std::strerror(err));
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

result<void> write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return atl::error(errc::io_error);
    done += static_cast<std::size_t>(n);
  }
  return ok();
}

result<void> write_one(const output_file& f) {
  const std::string temporary = f.path + ".atoll-new";
  const mode_t mode = f.secret ? 0600 : 0644;
  ::unlink(temporary.c_str());  // left by an interrupted run, if any
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return system_error("cannot write", f.path, errno);
  // The mode is set again on the open file: exactly 0600 for a key, whatever
  // the umask (which can only take permissions away).
  bool good = !f.secret || ::fchmod(fd, mode) == 0;
  int err = good ? 0 : errno;
  if (good && !write_all(fd, f.bytes)) {
    good = false;
    err = errno;
  }
  if (good && ::fsync(fd) != 0) {
    good = false;
    err = errno;
  }
  if (::close(fd) != 0 && good) {
    good = false;
    err = errno;
  }
  if (good && ::rename(temporary.c_str(), f.path.c_str()) != 0) {
    good = false;
    err = errno;
  }
  if (!good) {
    ::unlink(temporary.c_str());
    return system_error("cannot write", f.path, err == 0 ? EIO : err);
  }
  return ok();
}

}  // namespace

result<void> write_outputs(std::span<const output_file> files, bool force) {
  if (!force) {
    for (const auto& f : files) {
      if (exists(f.path)) {
        return atl::error(errc::exists, f.path, " exists (--force replaces it)");
      }
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto written = write_one(files[i]);
    if (written) continue;
    // All or nothing: the files written so far go too, unless they replaced
    // older ones (--force), which are gone already.
    if (!force) {
      for (std::size_t j = 0; j < i; ++j) ::unlink(files[j].path.c_str());
    }
    return written;
  }
  return ok();
}

result<std::string> read_input(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error("cannot read", path, errno);
  std::string bytes;
  char chunk[4096];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return system_error("cannot read", path, err);
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
    if (bytes.size() > max_input) {
      ::close(fd);
      return atl::error(errc::invalid_argument, path, " is too large for a certificate or key");
    }
  }
  ::close(fd);
  return bytes;
}

}  // namespace atl::tool::cert
