// pcap: the bytes of a capture, field by field, and a capture of a switch.
#include "conformance/harness.hpp"
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/memory_switch.hpp>
#include <atoll/devices/pcap.hpp>
#include <atoll/unix/pcap_file.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace atl {
namespace {

std::uint32_t le32(const std::vector<std::byte>& b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::to_integer<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}
std::uint16_t le16(const std::vector<std::byte>& b, std::size_t at) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) |
                                    (std::to_integer<unsigned>(b[at + 1]) << 8));
}

void append(std::vector<std::byte>& out, std::span<const std::byte> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
void append(std::vector<std::byte>& out, const bufs& parts) {
  for (const buf& b : parts) append(out, b.bytes());
}

bufs frame_of(std::size_t size, std::uint8_t fill, std::size_t segments) {
  auto whole = buf::allocate(size);
  EXPECT_TRUE(whole);
  for (std::size_t i = 0; i < size; ++i) whole->set_u8(i, static_cast<std::uint8_t>(fill + i));
  bufs out;
  std::size_t at = 0;
  for (std::size_t s = 0; s < segments; ++s) {
    const std::size_t end = s + 1 == segments ? size : at + size / segments;
    EXPECT_TRUE(out.push_back(whole->sub(at, end - at).value()));
    at = end;
  }
  return out;
}

TEST(pcap, two_frames_in_nanoseconds) {
  const pcap_format format(pcap_resolution::nano, 65535, wall_time(1'700'000'000s));
  std::vector<std::byte> file;
  append(file, format.file_header());
  const bufs first = frame_of(60, 0x10, 2);
  const bufs second = frame_of(1514, 0x80, 3);
  auto r1 = format.record(mono_time(1500ms), first);
  auto r2 = format.record(mono_time(2s + 123'456'789ns), second);
  ASSERT_OK(r1);
  ASSERT_OK(r2);
  EXPECT_FALSE((*r1)[1].shares_block((*r1)[0]));
  EXPECT_TRUE((*r1)[1].shares_block(first[0]));  // the frame is not copied
  append(file, *r1);
  append(file, *r2);

  ASSERT_EQ(file.size(), 24u + 16 + 60 + 16 + 1514);
  EXPECT_EQ(std::to_integer<int>(file[0]), 0x4d);  // little-endian magic
  EXPECT_EQ(le32(file, 0), 0xa1b23c4du);
  EXPECT_EQ(le16(file, 4), 2);
  EXPECT_EQ(le16(file, 6), 4);
  EXPECT_EQ(le32(file, 8), 0u);
  EXPECT_EQ(le32(file, 12), 0u);
  EXPECT_EQ(le32(file, 16), 65535u);
  EXPECT_EQ(le32(file, 20), 1u);  // Ethernet
  // Record 1.
  EXPECT_EQ(le32(file, 24), 1'700'000'001u);
  EXPECT_EQ(le32(file, 28), 500'000'000u);
  EXPECT_EQ(le32(file, 32), 60u);
  EXPECT_EQ(le32(file, 36), 60u);
  for (std::size_t i = 0; i < 60; ++i) {
    ASSERT_EQ(std::to_integer<std::size_t>(file[40 + i]), (0x10 + i) & 0xff) << i;
  }
  // Record 2.
  const std::size_t r = 40 + 60;
  EXPECT_EQ(le32(file, r), 1'700'000'002u);
  EXPECT_EQ(le32(file, r + 4), 123'456'789u);
  EXPECT_EQ(le32(file, r + 8), 1514u);
  EXPECT_EQ(le32(file, r + 12), 1514u);
  EXPECT_EQ(std::to_integer<std::size_t>(file[r + 16 + 1513]), (0x80 + 1513) & 0xff);
}

TEST(pcap, microseconds_and_snaplen) {
  const pcap_format format(pcap_resolution::micro, 100);
  const auto header = format.file_header();
  const std::vector<std::byte> h(header.begin(), header.end());
  EXPECT_EQ(le32(h, 0), 0xa1b2c3d4u);
  EXPECT_EQ(le32(h, 16), 100u);
  auto rec = format.record(mono_time(3s + 4'567'891ns), frame_of(300, 1, 4));
  ASSERT_OK(rec);
  std::vector<std::byte> out;
  append(out, *rec);
  ASSERT_EQ(out.size(), 16u + 100);
  EXPECT_EQ(le32(out, 0), 3u);
  EXPECT_EQ(le32(out, 4), 4567u);
  EXPECT_EQ(le32(out, 8), 100u);   // captured
  EXPECT_EQ(le32(out, 12), 300u);  // original
}

TEST(pcap, times_outside_the_format_are_refused) {
  const pcap_format before_epoch(pcap_resolution::nano, 65535, wall_time(-5s));
  EXPECT_ERRC(before_epoch.record(mono_time(1s), frame_of(60, 0, 1)), errc::invalid_argument);
  const pcap_format after_2106(pcap_resolution::nano, 65535, wall_time(0x100000000s));
  EXPECT_ERRC(after_2106.record_header(mono_time{}, 1, 1), errc::invalid_argument);
  const pcap_format format;
  EXPECT_ERRC(format.record_header(mono_time{}, 10, 5), errc::invalid_argument);
}

/// eth(to, from, size): an Ethernet frame of `size` bytes.
bufs eth(mac_addr to, mac_addr from, std::size_t size) {
  auto f = buf::allocate(size);
  EXPECT_TRUE(f);
  to.write(*f, 0);
  from.write(*f, 6);
  f->set_u16(12, 0x88b5);
  return bufs(*f);
}

/// capture: a switch tap that writes a pcap into a vector.
struct capture final : switch_tap {
  pcap_format format{pcap_resolution::nano};
  std::vector<std::byte> file;
  std::vector<std::size_t> ports;
  capture() { append(file, format.file_header()); }
  void on_frame(std::size_t port, mono_time t, const buf& frame) noexcept override {
    auto rec = format.record(t, bufs(frame));
    if (rec) append(file, *rec);
    ports.push_back(port);
  }
};

TEST(pcap, a_switch_tap_captures_every_frame_with_engine_time) {
  sim_platform platform;
  engine e(platform);
  memory_switch sw(e);
  capture cap;
  sw.set_tap(&cap);
  auto a = sw.add_port();
  auto b = sw.add_port();
  ASSERT_TRUE(a && b);
  platform.advance(5s);
  ASSERT_OK(e.run([](memory_switch::port& from, mac_addr to) -> task<result<void>> {
    auto sent = co_await from.write(eth(to, from.mac(), 80));
    co_return sent;
  }(**a, (*b)->mac())));
  platform.advance(250ms);
  ASSERT_OK(e.run([](memory_switch::port& from, mac_addr to) -> task<result<void>> {
    auto sent = co_await from.write(eth(to, from.mac(), 90));
    co_return sent;
  }(**b, (*a)->mac())));
  sw.set_tap(nullptr);
  ASSERT_EQ(cap.ports, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(cap.file.size(), 24u + 16 + 80 + 16 + 90);
  EXPECT_EQ(le32(cap.file, 24), 5u);
  EXPECT_EQ(le32(cap.file, 28), 0u);
  EXPECT_EQ(le32(cap.file, 32), 80u);
  EXPECT_EQ(le32(cap.file, 24 + 16 + 80), 5u);
  EXPECT_EQ(le32(cap.file, 24 + 16 + 80 + 4), 250'000'000u);
}

/// read_file(path): the bytes of a host file.
std::vector<std::byte> read_file(const std::string& path) {
  std::vector<std::byte> out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  for (int c = std::fgetc(f); c != EOF; c = std::fgetc(f)) out.push_back(static_cast<std::byte>(c));
  std::fclose(f);
  return out;
}

/// write_two_frames(path): a pcap file of two frames through a switch tap.
std::vector<std::byte> write_two_frames(const std::string& path, std::vector<std::byte>& expected) {
  const pcap_format format(pcap_resolution::micro);
  auto file = unix_target::pcap_file::create(path, format);
  EXPECT_TRUE(file) << file.error().message();
  if (!file) return {};
  append(expected, format.file_header());
  const bufs one =
      eth(mac_addr::broadcast(), mac_addr(mac_addr::octets_type{2, 0, 0, 0, 0, 1}), 60);
  const bufs two = eth(mac_addr(mac_addr::octets_type{2, 0, 0, 0, 0, 1}),
                       mac_addr(mac_addr::octets_type{2, 0, 0, 0, 0, 2}), 1514);
  file->on_frame(0, mono_time(1s), one[0]);
  EXPECT_TRUE(file->write(mono_time(2s + 5us), two));
  append(expected, format.record(mono_time(1s), one).value());
  append(expected, format.record(mono_time(2s + 5us), two).value());
  EXPECT_EQ(file->records(), 2u);
  EXPECT_EQ(file->failures(), 0u);
  return read_file(path);
}

TEST(pcap_file, writes_the_same_bytes_as_the_format) {
  const std::string path = ::testing::TempDir() + "atoll_pcap_file_test.pcap";
  std::vector<std::byte> expected;
  EXPECT_EQ(write_two_frames(path, expected), expected);
  EXPECT_EQ(expected.size(), 24u + 16 + 60 + 16 + 1514);
  std::remove(path.c_str());
  EXPECT_ERRC(unix_target::pcap_file::create("/nonexistent-dir/x.pcap"), errc::not_found);
}

TEST(pcap_file, tcpdump_or_tshark_reads_it) {
  const bool tshark = std::system("command -v tshark >/dev/null 2>&1") == 0;
  const bool tcpdump = std::system("command -v tcpdump >/dev/null 2>&1") == 0;
  if (!tshark && !tcpdump) {
    GTEST_SKIP() << "SKIPPED: neither tshark nor tcpdump is installed; "
                    "cannot check that a reader accepts the file";
  }
  const std::string path = ::testing::TempDir() + "atoll_pcap_reader_test.pcap";
  std::vector<std::byte> expected;
  ASSERT_EQ(write_two_frames(path, expected), expected);
  // One summary line per frame on stdout (tcpdump adds indented hex lines
  // for unknown EtherTypes); a reader that rejects the file prints none.
  const std::string command = (tshark ? "tshark -r " : "tcpdump -Z root -nn -r ") + path;
  std::FILE* out = ::popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr) << command;
  std::string printed;
  std::size_t lines = 0;
  bool line_start = true;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) {
    if (line_start && c != '\t' && c != ' ') ++lines;
    line_start = c == '\n';
    if (printed.size() < 4096) printed.push_back(static_cast<char>(c));
  }
  EXPECT_EQ(::pclose(out), 0) << command;
  EXPECT_EQ(lines, 2u) << command << " printed:\n" << printed;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace atl
