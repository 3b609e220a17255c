// unix_target::pcap_file: a pcap capture written to a host file, for
// debugging (open it with tcpdump -r or Wireshark).
//
// The bytes come from the portable pcap_format (devices/pcap.hpp); this only
// writes them, synchronously (a debugging aid, not for the data path). It is
// also a switch_tap, so `sw.set_tap(&file)` traces every frame of an
// in-memory switch with the engine's time.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/devices/pcap.hpp>
#include <atoll/unix/fd.hpp>

#include <cstdint>
#include <string>

namespace atl::unix_target {

class pcap_file final : public switch_tap {
public:
  /// create(path, format): creates or truncates `path` and writes the file
  /// header. Host errors map through errno (ENOENT -> not_found, ...).
  static result<pcap_file> create(const std::string& path,
                                  const pcap_format& format = pcap_format()) noexcept;

  pcap_file(pcap_file&&) noexcept = default;
  pcap_file& operator=(pcap_file&&) noexcept = default;
  pcap_file(const pcap_file&) = delete;
  pcap_file& operator=(const pcap_file&) = delete;
  ~pcap_file() = default;

  /// write(t, frame): appends one record (cut to the format's snaplen).
  result<void> write(mono_time t, const bufs& frame) noexcept;

  /// on_frame: the switch_tap hook; a failed write is counted, not lost.
  void on_frame(std::size_t port, mono_time t, const buf& frame) noexcept override;

  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_; }

private:
  pcap_file(owned_fd fd, const pcap_format& format) noexcept
      : fd_(std::move(fd)), format_(format) {}
  result<void> write_all(std::span<const std::byte> bytes) noexcept;

  owned_fd fd_;
  pcap_format format_;
  std::uint64_t records_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace atl::unix_target
