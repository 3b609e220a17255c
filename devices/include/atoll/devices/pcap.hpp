// pcap: frames in the classic libpcap file format, for tcpdump and Wireshark.
//
// Portable formatting only: the caller gets the bytes (a file header, then a
// record per frame: a 16-byte record header buf followed by the frame's own
// bufs, shared and not copied) and sends them wherever it likes (a file on
// unix, a console, a test's vector). Everything is written little-endian;
// readers recognise the byte order from the magic number.
//
// Format (https://www.tcpdump.org/manual/pcap-savefile.html, RFC draft
// draft-ietf-opsawg-pcap):
//   file header, 24 bytes: magic (0xa1b2c3d4 microseconds, 0xa1b23c4d
//     nanoseconds), version 2.4, thiszone 0, sigfigs 0, snaplen, linktype
//     (1: Ethernet);
//   record header, 16 bytes: seconds, microseconds or nanoseconds, captured
//     length (at most snaplen), original length; then the captured bytes.
// Timestamps are the caller's clock (the engine's monotonic time in tests,
// which is virtual and so reproducible) plus a fixed wall-clock origin.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace atl {

inline constexpr std::uint32_t pcap_magic_micro = 0xa1b2c3d4;
inline constexpr std::uint32_t pcap_magic_nano = 0xa1b23c4d;
inline constexpr std::uint32_t pcap_linktype_ethernet = 1;
inline constexpr std::size_t pcap_file_header_size = 24;
inline constexpr std::size_t pcap_record_header_size = 16;

enum class pcap_resolution : std::uint8_t { micro, nano };

/// pcap_format: the settings of one capture and the formatting of its parts.
class pcap_format {
public:
  /// pcap_format(resolution, snaplen, origin): records are stamped with
  /// `origin` + (t - mono_time{}); frames are cut to `snaplen` bytes.
  explicit pcap_format(pcap_resolution resolution = pcap_resolution::nano,
                       std::uint32_t snaplen = 65535, wall_time origin = wall_time{}) noexcept
      : resolution_(resolution), snaplen_(snaplen), origin_(origin) {}

  /// file_header: the 24 bytes every capture starts with.
  [[nodiscard]] std::array<std::byte, pcap_file_header_size> file_header() const noexcept;
  /// record_header(t, captured, original): the 16 bytes in front of a frame.
  /// errc::invalid_argument for a time before the Unix epoch or past 2106
  /// (the format's 32-bit seconds).
  [[nodiscard]] result<std::array<std::byte, pcap_record_header_size>> record_header(
      mono_time t, std::size_t captured, std::size_t original) const noexcept;

  /// record(t, frame, budget): the record of a frame: a new header buf
  /// followed by views of the frame's bytes (at most snaplen). Needs
  /// frame.segments() < bufs::max_segments (else errc::limit_exceeded).
  [[nodiscard]] result<bufs> record(mono_time t, const bufs& frame,
                                    memory_budget* budget = nullptr) const noexcept;
  /// file_header_buf: file_header() in a new buf.
  [[nodiscard]] result<buf> file_header_buf(memory_budget* budget = nullptr) const noexcept;

  [[nodiscard]] pcap_resolution resolution() const noexcept { return resolution_; }
  [[nodiscard]] std::uint32_t snaplen() const noexcept { return snaplen_; }

private:
  pcap_resolution resolution_;
  std::uint32_t snaplen_;
  wall_time origin_;
};

}  // namespace atl
