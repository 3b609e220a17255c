#include "errno_error.hpp"
#include <atoll/unix/pcap_file.hpp>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace atl::unix_target {

result<pcap_file> pcap_file::create(const std::string& path, const pcap_format& format) noexcept {
  owned_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return errno_error("cannot create pcap file", path, errno);
  pcap_file file(std::move(fd), format);
  const auto header = format.file_header();
  ATOLL_TRYV(file.write_all(header));
  return file;
}

result<void> pcap_file::write_all(std::span<const std::byte> bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot write pcap file", "", errno);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return ok();
}

result<void> pcap_file::write(mono_time t, const bufs& frame) noexcept {
  ATOLL_TRY(const bufs record, format_.record(t, frame));
  for (const buf& part : record) ATOLL_TRYV(write_all(part.bytes()));
  ++records_;
  return ok();
}

void pcap_file::on_frame(std::size_t /*port*/, mono_time t, const buf& frame) noexcept {
  if (!write(t, bufs(frame))) ++failures_;
}

}  // namespace atl::unix_target
