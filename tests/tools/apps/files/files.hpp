// files: a test application over every kind of device (atoll.manifest). It
// prints what it finds, one line per fact, so a test can compare the output.
// Portable code: devices come in through start(), nothing else is reached.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/block.hpp>
#include <atoll/devices/clock.hpp>
#include <atoll/devices/console.hpp>
#include <atoll/devices/kv.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/random.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/devices/sleep.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace files {

template <atl::console Console, atl::monotonic_clock Mono, atl::realtime_clock Wall,
          atl::sleep Sleep, atl::random Random, atl::block Block, atl::kv_ro Baked, atl::kv_ro Live,
          atl::kv Scratch>
class app {
public:
  template <class Keys>
  atl::task<int> start(const Keys& keys, Console& console, Mono& mono, Wall& wall, Sleep& sleep,
                       Random& random, Block& disk, Baked& baked, Live& live, Scratch& scratch) {
    if (auto r = co_await list(console, baked, "baked", atl::kv_key()); !r)
      co_return fail(console, r.error());
    if (auto r = co_await list(console, live, "live", atl::kv_key()); !r)
      co_return fail(console, r.error());

    const atl::mono_time before = mono.now();
    co_await sleep.sleep_for(keys.pause);
    const bool slept = mono.now() - before >= keys.pause;
    const bool dated = wall.now().time_since_epoch() > atl::duration(0);
    say(console, "clocks: ", slept && dated ? "ok" : "wrong");

    std::array<std::byte, 32> noise{};
    random.fill(noise);
    say(console, "random: ", noise.size(), " bytes");

    if (auto r = co_await round_trip(disk, keys.sector); !r) co_return fail(console, r.error());
    say(console, "disk: ", disk.info().sector_count, " sectors of ", disk.info().sector_size,
        ", sector ", keys.sector, " written and read back");

    auto key = atl::kv_key::parse("notes/first");
    if (!key) co_return fail(console, key.error());
    if (auto r = co_await scratch.set(*key, atl::as_bytes("hello")); !r)
      co_return fail(console, r.error());
    auto got = co_await scratch.get(*key);
    if (!got) co_return fail(console, got.error());
    say(console, "scratch: ", got->size(), " bytes back");
    co_return 0;
  }

private:
  template <class... Parts>
  static void say(Console& console, const Parts&... parts) {
    const atl::text_buffer<400> line(parts..., "\n");
    (void)console.write(line.view());
  }

  static int fail(Console& console, const atl::error& e) {
    say(console, "error: ", e.message());
    return 1;
  }

  // list(kv, label, key): one line per value beneath `key`, depth first.
  template <class Kv>
  static atl::task<atl::result<void>> list(Console& console, Kv& kv, std::string_view label,
                                           atl::kv_key key) {
    ATOLL_CO_TRY(const std::vector<atl::kv_entry> entries, co_await kv.list(key));
    for (const auto& entry : entries) {
      ATOLL_CO_TRY(const atl::kv_key child, key.child(entry.name));
      if (entry.kind == atl::kv_kind::dictionary) {
        ATOLL_CO_TRYV(co_await list(console, kv, label, child));
        continue;
      }
      ATOLL_CO_TRY(const std::uint64_t size, co_await kv.size(child));
      ATOLL_CO_TRY(const atl::sha256_digest digest, co_await kv.digest(child));
      say(console, label, " ", child.text(), " ", size, " ", atl::to_hex(digest).view());
    }
    co_return atl::ok();
  }

  // round_trip(disk, s): writes a pattern to sector s, flushes, reads it back.
  static atl::task<atl::result<void>> round_trip(Block& disk, std::uint64_t s) {
    std::vector<std::byte> out(disk.info().sector_size);
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<std::byte>((i * 7 + s) & 0xff);
    ATOLL_CO_TRYV(co_await disk.write(atl::sector(s), out));
    ATOLL_CO_TRYV(co_await disk.flush());
    std::vector<std::byte> in(out.size());
    ATOLL_CO_TRYV(co_await disk.read(atl::sector(s), in));
    if (in != out) co_return atl::error(atl::errc::corrupt, "sector ", s, " read back differs");
    co_return atl::ok();
  }
};

}  // namespace files
