// store_block_fuzzer: the block backend's open and reads on any device image.
//
// Byte 0 even: the rest of the input is the device image (zero-padded).
// Byte 0 odd: a real store is made first (a few commits, flushed), then the
// rest of the input is XORed over its log from byte 1024 on, so the fuzzer
// starts from valid batches and damages them. Either way open() must give a
// store or an error, and a store must read back everything it indexes
// without crashing; reads give bytes that hash right or an error.
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/memory_block.hpp>
#include <atoll/store/block_backend.hpp>
#include <atoll/store/branch.hpp>

#include <cstdlib>
#include <string>

using namespace atl;
using namespace atl::store;

namespace {

constexpr std::uint64_t sectors = 2 + 2 * 64;

task<result<void>> seed_store(engine& e, any_block& dev) {
  ATOLL_CO_TRY(auto b, co_await block_backend::create(e, dev, hash_format::sha1));
  backend_ref<block_backend> r(*b);
  repo rp(r);
  ATOLL_CO_TRY(auto main, branch::open(rp, "main"));
  for (int i = 0; i < 4; ++i) {
    const std::string value = "value " + std::to_string(i);
    commit_info info;
    info.message = "seed\n";
    ATOLL_CO_TRY(auto k, kv_key::parse("dir/file" + std::to_string(i % 2)));
    ATOLL_CO_TRY(auto id,
                 co_await main.set(k, std::as_bytes(std::span(value.data(), value.size())), info));
    (void)id;
    ATOLL_CO_TRYV(co_await b->flush());
  }
  co_return ok();
}

task<result<void>> read_everything(engine& e, any_block& dev) {
  ATOLL_CO_TRY(auto b, co_await block_backend::open(e, dev));
  ATOLL_CO_TRY(auto ids, co_await b->object_ids());
  for (const auto& id : ids) {
    auto o = co_await b->read(id);
    if (o && hash_object(b->format(), o->kind, o->payload) != id) std::abort();
  }
  ATOLL_CO_TRY(auto refs, co_await b->list_refs("refs/"));
  for (const auto& ref : refs) {
    auto id = co_await b->read_ref(ref.name);
    if (!id) std::abort();
  }
  co_return ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  sim_platform platform;
  engine e(platform);
  auto dev =
      memory_block::create(memory_block_options{.sector_size = 512, .sector_count = sectors});
  if (!dev) return 0;
  block_ref<memory_block> ref(*dev);
  const std::size_t image = static_cast<std::size_t>(sectors) * 512;
  std::vector<std::byte> bytes(image);
  if ((data[0] & 1) != 0) {
    if (!e.run(seed_store(e, ref))) std::abort();
    auto r = e.run(dev->read(sector(0), bytes));
    if (!r) std::abort();
    for (std::size_t i = 1; i < size && 1024 + i - 1 < image; ++i) {
      bytes[1024 + i - 1] ^= static_cast<std::byte>(data[i]);
    }
  } else {
    for (std::size_t i = 1; i < size && i - 1 < image; ++i)
      bytes[i - 1] = static_cast<std::byte>(data[i]);
  }
  if (!e.run(dev->write(sector(0), bytes))) std::abort();
  auto done = e.run(read_everything(e, ref));
  (void)done;
  return 0;
}
