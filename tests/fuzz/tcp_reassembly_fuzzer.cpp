// Fuzzes reassembly_queue with random insert / pop / advance sequences
// against a byte-level reference model. After every insert or pop:
//   - bytes() and segments() stay within the limits;
//   - the SACK blocks (all of them) are disjoint, not adjacent, at or after
//     rcv_nxt, and cover exactly bytes() bytes;
//   - an insert loses no stored byte and adds only bytes of the segment:
//     `stored` adds all of its new bytes, `duplicate` none, `dropped_limit`
//     some but not all;
//   - popped bytes continue the stream at rcv_nxt with the content of the
//     insert that first stored them.
//
// Input: byte 0 sets max_bytes ((b + 1) * 16), byte 1 max_segments
// (b % 32), bytes 2-5 the initial rcv_nxt (big-endian, to cross 2^32);
// then 4-byte operations [kind, x, y, z]:
//   kind % 4 in {0, 1}: insert z + 1 bytes at rcv_nxt + ((x y) % 2560) - 256,
//                       content salted with kind / 4;
//   kind % 4 == 2:      pop at rcv_nxt;
//   kind % 4 == 3:      rcv_nxt += z + 1, as in-order data delivered directly
//                       (kind 0xff: clear() instead).
#include <atoll/core/assert.hpp>
#include <atoll/core/buf.hpp>
#include <atoll/net/tcp/reassembly.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

using namespace atl;
using namespace atl::net;
using namespace atl::net::tcp;

namespace {

constexpr std::size_t window = 4096;  // model span after rcv_nxt

std::uint8_t content(std::uint32_t s, std::uint8_t salt) {
  return static_cast<std::uint8_t>(s * 31 + (s >> 8) + salt * 101);
}

// The queue's stored bytes relative to rcv_nxt, from its SACK blocks.
std::vector<bool> stored_map(const reassembly_queue& q, seq rcv_nxt) {
  std::vector<sack_block> blocks(q.max_segments() + 1);
  const std::size_t n = q.sack_blocks(blocks);
  std::vector<bool> map(window, false);
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const seq left(blocks[i].left), right(blocks[i].right);
    ATOLL_ASSERT(left < right);
    ATOLL_ASSERT(left >= rcv_nxt);
    const auto from = static_cast<std::size_t>(left - rcv_nxt);
    const auto to = static_cast<std::size_t>(right - rcv_nxt);
    ATOLL_ASSERT(to <= window);
    for (std::size_t k = from; k < to; ++k) {
      ATOLL_ASSERT(!map[k]);  // disjoint
      map[k] = true;
    }
    total += to - from;
    for (std::size_t j = 0; j < n; ++j)  // not adjacent: they would be one block
      ATOLL_ASSERT(blocks[j].left != blocks[i].right);
  }
  ATOLL_ASSERT(n <= q.segments());
  ATOLL_ASSERT(total == q.bytes());
  ATOLL_ASSERT(q.bytes() <= q.max_bytes());
  ATOLL_ASSERT(q.segments() <= q.max_segments());
  return map;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 6) return 0;
  const std::size_t max_bytes = (std::size_t{data[0]} + 1) * 16;
  const std::size_t max_segments = data[1] % 32;
  seq rcv_nxt(std::uint32_t{data[2]} << 24 | std::uint32_t{data[3]} << 16 |
              std::uint32_t{data[4]} << 8 | data[5]);
  reassembly_queue q(max_bytes, max_segments);
  // The model: content of each stored byte after rcv_nxt, -1 when absent.
  std::vector<int> model(window, -1);
  std::uint64_t dropped = 0;

  for (std::size_t at = 6; at + 4 <= size; at += 4) {
    const std::uint8_t kind = data[at];
    const std::uint32_t xy = std::uint32_t{data[at + 1]} << 8 | data[at + 2];
    const std::uint32_t z = data[at + 3];
    switch (kind % 4) {
      case 0:
      case 1: {
        const std::int64_t offset = static_cast<std::int64_t>(xy % 2560) - 256;
        const std::uint32_t length = z + 1;
        const auto salt = static_cast<std::uint8_t>(kind / 4);
        const seq start = rcv_nxt + static_cast<std::uint32_t>(offset);
        std::vector<std::byte> bytes(length);
        for (std::uint32_t i = 0; i < length; ++i)
          bytes[i] = std::byte{content(start.value() + i, salt)};
        auto payload = buf::copy_of(bytes);
        ATOLL_ASSERT(payload.has_value());
        const auto result = q.insert(rcv_nxt, start, std::move(*payload));
        const std::vector<bool> now = stored_map(q, rcv_nxt);
        std::size_t fresh = 0, added = 0;
        for (std::size_t k = 0; k < window; ++k) {
          const std::int64_t rel = static_cast<std::int64_t>(k) - offset;
          const bool in_segment = rel >= 0 && rel < static_cast<std::int64_t>(length);
          const bool before = model[k] >= 0;
          ATOLL_ASSERT(!before || now[k]);                // nothing stored is lost
          ATOLL_ASSERT(before || !now[k] || in_segment);  // only segment bytes arrive
          if (in_segment && !before) ++fresh;
          if (!before && now[k]) {
            ++added;
            model[k] = content(rcv_nxt.value() + static_cast<std::uint32_t>(k), salt);
          }
        }
        switch (result) {
          case reassembly_queue::insert_result::stored:
            ATOLL_ASSERT(fresh > 0 && added == fresh);
            break;
          case reassembly_queue::insert_result::duplicate:
            ATOLL_ASSERT(fresh == 0 && added == 0);
            break;
          case reassembly_queue::insert_result::dropped_limit:
            ATOLL_ASSERT(added < fresh);
            dropped += fresh - added;
            break;
        }
        ATOLL_ASSERT(q.dropped_bytes() == dropped);
        break;
      }
      case 2: {
        const buf b = q.pop(rcv_nxt);
        ATOLL_ASSERT(b.empty() == (model[0] < 0));
        for (std::size_t i = 0; i < b.size(); ++i) {
          ATOLL_ASSERT(i < window && model[i] >= 0);
          ATOLL_ASSERT(std::to_integer<int>(b.bytes()[i]) == model[i]);
        }
        model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(b.size()));
        model.resize(window, -1);
        rcv_nxt += static_cast<std::uint32_t>(b.size());
        const std::vector<bool> now = stored_map(q, rcv_nxt);
        for (std::size_t k = 0; k < window; ++k) ATOLL_ASSERT(now[k] == (model[k] >= 0));
        break;
      }
      default:
        if (kind == 0xff) {
          q.clear();
          ATOLL_ASSERT(q.empty() && q.bytes() == 0);
          model.assign(window, -1);
          break;
        }
        // Delivered directly: the queue learns on its next insert or pop.
        model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(z) + 1);
        model.resize(window, -1);
        rcv_nxt += z + 1;
        ATOLL_ASSERT(q.bytes() <= max_bytes);
        break;
    }
  }
  return 0;
}
