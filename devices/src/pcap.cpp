#include <atoll/devices/pcap.hpp>

#include <algorithm>
#include <span>

namespace atl {

namespace {

void put_le32(std::span<std::byte> out, std::size_t at, std::uint32_t v) noexcept {
  for (std::size_t i = 0; i < 4; ++i) out[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}
void put_le16(std::span<std::byte> out, std::size_t at, std::uint16_t v) noexcept {
  out[at] = static_cast<std::byte>(v & 0xff);
  out[at + 1] = static_cast<std::byte>(v >> 8);
}

}  // namespace

std::array<std::byte, pcap_file_header_size> pcap_format::file_header() const noexcept {
  std::array<std::byte, pcap_file_header_size> out{};
  put_le32(out, 0, resolution_ == pcap_resolution::nano ? pcap_magic_nano : pcap_magic_micro);
  put_le16(out, 4, 2);  // version 2.4
  put_le16(out, 6, 4);
  put_le32(out, 8, 0);   // thiszone: timestamps are UTC
  put_le32(out, 12, 0);  // sigfigs
  put_le32(out, 16, snaplen_);
  put_le32(out, 20, pcap_linktype_ethernet);
  return out;
}

result<std::array<std::byte, pcap_record_header_size>> pcap_format::record_header(
    mono_time t, std::size_t captured, std::size_t original) const noexcept {
  const std::int64_t ns = origin_.time_since_epoch().count() + t.time_since_epoch().count();
  constexpr std::int64_t billion = 1'000'000'000;
  if (ns < 0 || ns / billion > 0xffffffffLL) {
    return error(errc::invalid_argument, "a pcap time must be within 1970..2106");
  }
  if (captured > original || captured > snaplen_ || original > 0xffffffffULL) {
    return error(errc::invalid_argument, "pcap lengths ", captured, " of ", original,
                 " do not fit the capture");
  }
  const auto fraction = ns % billion;
  std::array<std::byte, pcap_record_header_size> out{};
  put_le32(out, 0, static_cast<std::uint32_t>(ns / billion));
  put_le32(out, 4,
           static_cast<std::uint32_t>(resolution_ == pcap_resolution::nano ? fraction
                                                                           : fraction / 1000));
  put_le32(out, 8, static_cast<std::uint32_t>(captured));
  put_le32(out, 12, static_cast<std::uint32_t>(original));
  return out;
}

result<buf> pcap_format::file_header_buf(memory_budget* budget) const noexcept {
  const auto header = file_header();
  return buf::copy_of(header, 0, budget);
}

result<bufs> pcap_format::record(mono_time t, const bufs& frame,
                                 memory_budget* budget) const noexcept {
  if (frame.segments() >= bufs::max_segments) {
    return error(errc::limit_exceeded, "a frame of ", frame.segments(),
                 " segments leaves no room for the pcap header");
  }
  const std::size_t captured = std::min<std::size_t>(frame.size(), snaplen_);
  ATOLL_TRY(const auto header, record_header(t, captured, frame.size()));
  ATOLL_TRY(buf head, buf::copy_of(header, 0, budget));
  bufs out;
  ATOLL_TRYV(out.push_back(std::move(head)));
  std::size_t left = captured;
  for (const buf& piece : frame) {
    if (left == 0) break;
    const std::size_t take = std::min(left, piece.size());
    ATOLL_TRY(buf part, piece.sub(0, take));
    ATOLL_TRYV(out.push_back(std::move(part)));
    left -= take;
  }
  return out;
}

}  // namespace atl
