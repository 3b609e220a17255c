// block_backend: reopening, crashes at random points, torn and truncated
// logs, corruption, foreign devices, a full device, compaction.
#include "model_fixture.hpp"
#include <atoll/devices/memory_block.hpp>
#include <atoll/store/block_backend.hpp>
#include <atoll/store/pack_io.hpp>

#include <random>

namespace atl::store::testing {
namespace {

constexpr std::uint32_t sector_bytes = 512;

class BlockTest : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  void make_device(std::uint64_t sectors, bool volatile_cache = true) {
    device_.reset();
    ref_.reset();
    device_ = std::make_unique<memory_block>(
        memory_block::create(memory_block_options{.sector_size = sector_bytes,
                                                  .sector_count = sectors,
                                                  .volatile_cache = volatile_cache})
            .value());
    ref_ = std::make_unique<block_ref<memory_block>>(*device_);
  }
  std::unique_ptr<block_backend> create(block_backend_options o = {}) {
    auto b = run(block_backend::create(engine_, *ref_, hash_format::sha1, o));
    EXPECT_TRUE(b) << b.error().message();
    return b ? std::move(*b) : nullptr;
  }
  result<std::unique_ptr<block_backend>> reopen(block_backend_options o = {}) {
    return run(block_backend::open(engine_, *ref_, o));
  }
  // Every object reachable from every ref reads back and hashes right.
  void expect_consistent(block_backend& b) {
    backend_ref<block_backend> r(b);
    auto refs = run(b.list_refs("refs/")).value();
    std::vector<object_id> roots;
    for (const auto& e : refs) roots.push_back(e.id);
    auto all = run(reachable(r, roots));
    ASSERT_TRUE(all) << all.error().message();
  }
  void overwrite(std::uint64_t first, std::uint64_t count, std::byte value) {
    std::vector<std::byte> junk(count * sector_bytes, value);
    ASSERT_OK(run(device_->write(sector(first), junk)));
    ASSERT_OK(run(device_->flush()));
  }

  sim_platform platform_;
  engine engine_{platform_};
  std::unique_ptr<memory_block> device_;
  std::unique_ptr<block_ref<memory_block>> ref_;
};

TEST_F(BlockTest, ReopenKeepsWhatWasFlushed) {
  make_device(4096);
  auto b = create();
  object_id flushed_head;
  {
    backend_ref<block_backend> r(*b);
    repo rp(r);
    branch main = branch::open(rp, "main").value();
    for (int i = 0; i < 20; ++i) {
      run(main.set(key("f" + std::to_string(i % 5)), bytes("v" + std::to_string(i)),
                   info_at(100 + i)))
          .value();
    }
    ASSERT_OK(run(b->flush()));
    flushed_head = run(b->read_ref("refs/heads/main")).value();
    run(main.set(key("unflushed"), bytes("lost"), info_at(200))).value();
  }
  b.reset();
  device_->crash(memory_block::crash_mode::lose_unflushed);
  auto again = reopen();
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(run((*again)->read_ref("refs/heads/main")).value(), flushed_head);
  expect_consistent(**again);
  backend_ref<block_backend> r(**again);
  repo rp(r);
  branch main = branch::open(rp, "main").value();
  EXPECT_EQ(text(run(main.get(key("f4"))).value()), "v19");
  EXPECT_ERRC(run(main.get(key("unflushed"))), errc::not_found);
  EXPECT_GE((*again)->stats().batches_recovered, 1u);
}

TEST_F(BlockTest, ForeignAndDamagedDevicesAreRefused) {
  make_device(256, false);
  auto zeros = reopen();
  ASSERT_FALSE(zeros);
  EXPECT_EQ(zeros.error().code(), errc::corrupt);
  EXPECT_NE(zeros.error().message().find("no atoll store"), std::string_view::npos);
  overwrite(0, 256, std::byte{0x5a});
  EXPECT_ERRC(reopen(), errc::corrupt);
  // A store, then both superblocks damaged: refused, not guessed at.
  make_device(256, false);
  create();
  overwrite(1, 1, std::byte{0});
  overwrite(0, 1, std::byte{0x11});
  EXPECT_ERRC(reopen(), errc::corrupt);
  // A store made on a device of another shape.
  make_device(256, false);
  create();
  std::vector<std::byte> super(sector_bytes);
  ASSERT_OK(run(device_->read(sector(1), super)));
  make_device(512, false);
  ASSERT_OK(run(device_->write(sector(1), super)));
  auto shape = reopen();
  ASSERT_FALSE(shape);
  EXPECT_NE(shape.error().message().find("another shape"), std::string_view::npos);
}

TEST_F(BlockTest, CorruptObjectIsDetectedNotReturned) {
  make_device(1024, false);
  auto b = create();
  std::string big(3000, 'a');
  const auto id = run(b->write(object_kind::blob, bytes(big))).value();
  ASSERT_OK(run(b->flush()));
  // Flip a byte in the middle of the object's bytes on the device.
  const auto all = device_->contents();
  const auto at = std::string_view(reinterpret_cast<const char*>(all.data()), all.size())
                      .find(std::string(64, 'a'));
  ASSERT_NE(at, std::string_view::npos);
  const std::uint64_t s = (at + 1000) / sector_bytes;
  std::vector<std::byte> one(sector_bytes);
  ASSERT_OK(run(device_->read(sector(s), one)));
  one[(at + 1000) % sector_bytes] = std::byte{'b'};
  ASSERT_OK(run(device_->write(sector(s), one)));
  auto r = run(b->read(id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::corrupt);
  EXPECT_NE(r.error().message().find(id.hex().view()), std::string_view::npos);
  // At open, the damaged batch ends the log: the object is gone, not wrong.
  b.reset();
  auto again = reopen();
  ASSERT_TRUE(again);
  EXPECT_ERRC(run((*again)->read(id)), errc::not_found);
}

TEST_F(BlockTest, DamageBeforeIntactBatchesIsReportedNotHidden) {
  make_device(1024, false);
  auto b = create();
  const auto id = run(b->write(object_kind::blob, bytes(std::string(2000, 'q')))).value();
  ASSERT_OK(run(b->update_ref("refs/heads/main", std::nullopt, id)));
  ASSERT_OK(run(b->flush()));
  const auto later = run(b->write(object_kind::blob, bytes("later"))).value();
  ASSERT_OK(run(b->update_ref("refs/heads/later", std::nullopt, later)));
  ASSERT_OK(run(b->flush()));
  b.reset();
  // Damage the first batch's payload (its bytes of 'q').
  const auto all = device_->contents();
  const auto at =
      std::string_view(reinterpret_cast<const char*>(all.data()), all.size()).find("qqqq");
  ASSERT_NE(at, std::string_view::npos);
  std::vector<std::byte> one(sector_bytes);
  ASSERT_OK(run(device_->read(sector((at + 700) / sector_bytes), one)));
  one[(at + 700) % sector_bytes] = std::byte{'Q'};
  ASSERT_OK(run(device_->write(sector((at + 700) / sector_bytes), one)));
  // Not a torn tail: refused with the reason...
  auto refused = reopen();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), errc::corrupt);
  EXPECT_NE(refused.error().message().find("damaged"), std::string_view::npos);
  // ...or opened read-only for rescue, the damage in its stats.
  auto rescue = reopen(block_backend_options{.open_damaged = true});
  ASSERT_TRUE(rescue) << rescue.error().message();
  EXPECT_TRUE((*rescue)->stats().damaged);
  EXPECT_EQ((*rescue)->stats().damaged_batch, 0u);
  EXPECT_ERRC(run((*rescue)->write(object_kind::blob, bytes("x"))), errc::permission_denied);
}

TEST_F(BlockTest, FullDeviceThenCompaction) {
  make_device(2 + 2 * 64, false);  // 32 KiB per half
  auto b = create(block_backend_options{.spill_bytes = 4096});
  backend_ref<block_backend> r(*b);
  repo rp(r);
  branch main = branch::open(rp, "main").value();
  run(main.set(key("keep"), bytes("kept"), info_at(1))).value();
  // Scratch objects no ref reaches, until the half is full.
  result<void> last;
  int writes = 0;
  for (; writes < 1000 && last; ++writes) {
    auto w =
        run(b->write(object_kind::blob, bytes(std::to_string(writes) + std::string(500, 'x'))));
    last = w ? run(b->flush()) : result<void>(w.error());
  }
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code(), errc::limit_exceeded);
  EXPECT_GT(writes, 20);
  // Nothing was lost: the branch still reads, and the failed batch is
  // still pending in memory.
  EXPECT_EQ(text(run(main.get(key("keep"))).value()), "kept");
  // Compaction keeps what the refs reach and reclaims the rest.
  const auto head = run(b->read_ref("refs/heads/main")).value();
  auto live = run(reachable(r, std::span(&head, 1))).value();
  const auto before = b->stats();
  auto compacted = run(b->compact(live));
  ASSERT_TRUE(compacted) << compacted.error().message();
  const auto after = b->stats();
  EXPECT_EQ(after.generation, before.generation + 1);
  EXPECT_LT(after.used_sectors * 4, before.used_sectors);
  EXPECT_EQ(text(run(main.get(key("keep"))).value()), "kept");
  // Writes go on, and the compacted store reopens.
  run(main.set(key("more"), bytes("after"), info_at(5000))).value();
  ASSERT_OK(run(b->flush()));
  b.reset();
  auto again = reopen();
  ASSERT_TRUE(again) << again.error().message();
  expect_consistent(**again);
  EXPECT_EQ((*again)->stats().generation, after.generation);
  backend_ref<block_backend> r2(**again);
  repo rp2(r2);
  branch main2 = branch::open(rp2, "main").value();
  EXPECT_EQ(text(run(main2.get(key("more"))).value()), "after");
}

TEST_F(BlockTest, CrashDuringCompactionKeepsTheOldGeneration) {
  make_device(2 + 2 * 256, true);
  auto b = create();
  backend_ref<block_backend> r(*b);
  repo rp(r);
  branch main = branch::open(rp, "main").value();
  for (int i = 0; i < 10; ++i)
    run(main.set(key("k"), bytes(std::to_string(i)), info_at(i))).value();
  ASSERT_OK(run(b->flush()));
  const auto head = run(b->read_ref("refs/heads/main")).value();
  auto live = run(reachable(r, std::span(&head, 1))).value();
  // The device dies after two more writes: in the middle of the copy.
  device_->inject(block_fault{.op = block_op::write, .skip = 2, .times = block_fault::forever});
  EXPECT_FALSE(run(b->compact(live)));
  b.reset();
  device_->clear_faults();
  device_->crash(memory_block::crash_mode::tear_unflushed, 7);
  auto again = reopen();
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ((*again)->stats().generation, 1u);
  EXPECT_EQ(run((*again)->read_ref("refs/heads/main")).value(), head);
  expect_consistent(**again);
}

// A thousand times: a writer commits and flushes at random, and dies at a
// random write (the device fails from then on, part of the failing write
// landing), or the log's last sectors are torn or zeroed afterwards. Every
// reopen gives a valid store whose head is the last acknowledged one or a
// later one, with every reachable object intact.
TEST_F(BlockTest, ThousandCrashes) {
  std::mt19937_64 rng(20261123);
  for (int round = 0; round < 1000; ++round) {
    const std::uint64_t seed = rng();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 r(seed);
    make_device(2 + 2 * 512, true);
    auto b = create(block_backend_options{.spill_bytes = 1024 + r() % 4096});
    ASSERT_NE(b, nullptr);
    backend_ref<block_backend> br(*b);
    std::optional<object_id> acknowledged;
    {
      repo rp(br);
      branch main = branch::open(rp, "main").value();
      const int ops = 5 + static_cast<int>(r() % 30);
      const int mode = static_cast<int>(r() % 3);
      if (mode == 0) {
        device_->inject(block_fault{.op = block_op::write,
                                    .skip = r() % 40,
                                    .times = block_fault::forever,
                                    .sectors_written = r() % 4});
      }
      for (int i = 0; i < ops; ++i) {
        const std::string value(1 + r() % 700, static_cast<char>('a' + r() % 26));
        auto c = run(main.set(key("d" + std::to_string(r() % 4) + "/f" + std::to_string(r() % 6)),
                              bytes(value), info_at(1000 + i)));
        if (!c) break;
        if (r() % 3 == 0) {
          if (!run(b->flush())) break;
          acknowledged = run(b->read_ref("refs/heads/main")).value();
        }
      }
      b.reset();
      device_->clear_faults();
      device_->crash(r() % 2 == 0 ? memory_block::crash_mode::lose_unflushed
                                  : memory_block::crash_mode::tear_unflushed,
                     r());
      if (mode == 2) {
        // Tear or zero the last sectors that were written, flushed or not.
        const auto all = device_->contents();
        std::uint64_t last = 0;
        for (std::uint64_t s = 2; s < all.size() / sector_bytes; ++s) {
          for (std::size_t i = 0; i < sector_bytes; ++i) {
            if (all[s * sector_bytes + i] != std::byte{0}) {
              last = s;
              break;
            }
          }
        }
        if (last > 4) {
          const std::uint64_t n = 1 + r() % 3;
          overwrite(last + 1 - n, n, r() % 2 == 0 ? std::byte{0} : std::byte{0xa5});
          acknowledged.reset();  // damage after the fact may take flushed batches
        }
      }
    }
    auto again = reopen();
    ASSERT_TRUE(again) << again.error().message();
    auto& s = **again;
    expect_consistent(s);
    if (acknowledged) {
      auto head = run(s.read_ref("refs/heads/main"));
      ASSERT_TRUE(head) << "acknowledged commit lost";
      backend_ref<block_backend> sr(s);
      repo rp(sr);
      EXPECT_TRUE(run(rp.is_ancestor(*acknowledged, *head)).value())
          << "head went back past an acknowledged commit";
    }
    // And it takes writes again.
    backend_ref<block_backend> sr(s);
    repo rp(sr);
    branch main = branch::open(rp, "main").value();
    ASSERT_OK(run(main.set(key("after"), bytes("crash"), info_at(9999))));
    ASSERT_OK(run(s.flush()));
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace atl::store::testing
