// Fuzzes ip::reassembler with streams of fragments: whatever arrives, the
// bytes held and the datagrams in progress stay within the limits, and
// every reassembled datagram holds exactly the bytes its fragments carried.
//
// Input: records of 5 bytes, each one fragment:
//   byte 0: source (bits 0-1), identification (bits 2-3), more-fragments
//           (bit 4), time step (bits 5-7, in 100 ms)
//   byte 1-2: offset in 8-byte units (big-endian, 13 bits)
//   byte 3-4: length in bytes (big-endian, taken modulo 2048)
// A fragment's bytes are a function of its datagram and position, so a
// datagram put together from the wrong pieces or places is caught.
#include <atoll/core/assert.hpp>
#include <atoll/net/ip/fragment_buffer.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

using namespace atl;
using namespace atl::net;

namespace {

std::byte byte_at(std::uint8_t source, std::uint8_t ident, std::size_t pos) {
  return static_cast<std::byte>((pos * 31 + source * 7 + ident * 13 + (pos >> 8)) & 0xff);
}

ip::reassembly_key key_of(std::uint8_t source, std::uint8_t ident) {
  const std::array<std::byte, 4> s{std::byte{10}, std::byte{0}, std::byte{0},
                                   static_cast<std::byte>(source)};
  const std::array<std::byte, 1> rest{static_cast<std::byte>(ident)};
  return ip::reassembly_key::make(s, rest);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ip::reassembly_limits limits;
  limits.max_datagrams = 4;
  limits.max_per_source = 2;
  limits.max_bytes = 6000;
  limits.max_bytes_per_source = 4000;
  limits.max_fragments = 8;
  limits.timeout = std::chrono::seconds(1);
  memory_budget budget("fuzz", 1 << 20);
  ip::reassembler r(limits, &budget);

  mono_time now = mono_time{} + std::chrono::seconds(10);
  std::vector<std::byte> payload;
  for (std::size_t at = 0; at + 5 <= size; at += 5) {
    const std::uint8_t b0 = data[at];
    const auto source = static_cast<std::uint8_t>(b0 & 3);
    const auto ident = static_cast<std::uint8_t>((b0 >> 2) & 3);
    const bool more = (b0 & 0x10) != 0;
    now += std::chrono::milliseconds(100) * (b0 >> 5);
    const std::uint32_t offset = (((std::uint32_t{data[at + 1]} << 8) | data[at + 2]) & 0x1fff) * 8;
    const std::size_t len = ((std::size_t{data[at + 3]} << 8) | data[at + 4]) % 2048;
    payload.resize(len);
    for (std::size_t i = 0; i < len; ++i) payload[i] = byte_at(source, ident, offset + i);

    const auto got = r.add(key_of(source, ident), offset, more, payload, now);
    if (!got) {
      const auto code = got.error().code();
      ATOLL_ASSERT(code == errc::corrupt || code == errc::limit_exceeded ||
                   code == errc::no_memory);
    } else if (got->has_value()) {
      const auto& whole = **got;
      ATOLL_ASSERT(whole.size() >= len && whole.size() <= limits.max_len);
      for (std::size_t i = 0; i < whole.size(); ++i) {
        ATOLL_ASSERT(whole.bytes()[i] == byte_at(source, ident, i));
      }
    }
    ATOLL_ASSERT(r.bytes_held() <= limits.max_bytes);
    ATOLL_ASSERT(r.in_progress() <= limits.max_datagrams);
    ATOLL_ASSERT(r.in_progress() != 0 || r.bytes_held() == 0);
    ATOLL_ASSERT(r.in_progress() == 0 || r.next_deadline() > now);
  }
  // After the timeout nothing is held, and every payload copy is refunded
  // once the last reassembled buf is gone.
  r.expire(now + limits.timeout);
  ATOLL_ASSERT(r.in_progress() == 0 && r.bytes_held() == 0);
  ATOLL_ASSERT(budget.used() == 0);
  return 0;
}
