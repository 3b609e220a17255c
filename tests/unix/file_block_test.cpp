// unix_target::file_block: the block conformance suite over files, and what
// files add: persistence, creation, size checks, locking, truncation.
#include "../devices/conformance/block_conformance.hpp"
#include "temp_dir.hpp"
#include <atoll/unix/block_file.hpp>

#include <deque>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace atl::conformance {
namespace {

using unix_target::file_block;

struct file_block_factory {
  using device_type = file_block;
  unix_target::temp_dir dir;
  std::deque<file_block> made;
  int files = 0;

  file_block* keep(result<file_block> b) {
    if (!b) {
      ADD_FAILURE() << b.error().message();
      return nullptr;
    }
    made.push_back(std::move(*b));
    return &made.back();
  }
  file_block* make(engine&, const block_info& shape) {
    const std::string path = dir / ("disk" + std::to_string(files++) + ".img");
    return keep(file_block::create(
        path, {.sector_size = shape.sector_size, .create_sectors = shape.sector_count}));
  }
  file_block* make_read_only(engine&, const block_info& shape) {
    const std::string path = dir / ("ro" + std::to_string(files++) + ".img");
    {
      auto writable = file_block::create(
          path, {.sector_size = shape.sector_size, .create_sectors = shape.sector_count});
      if (!writable) return keep(std::move(writable));
    }
    return keep(file_block::create(path, {.sector_size = shape.sector_size, .read_only = true}));
  }
};

using factories = ::testing::Types<file_block_factory>;
INSTANTIATE_TYPED_TEST_SUITE_P(unix_file_block, block_conformance, factories);

class file_block_host : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  void make_file(const std::string& path, std::size_t size) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    ::close(fd);
  }

  sim_platform platform_;
  engine engine_{platform_};
  unix_target::temp_dir dir_;
};

TEST_F(file_block_host, data_survives_reopening) {
  const std::string path = dir_ / "disk.img";
  const auto data = pattern(4096, 1);
  {
    auto dev = file_block::create(path, {.create_sectors = 32});
    ASSERT_OK(dev);
    EXPECT_EQ(dev->info().sector_count, 32u);
    ASSERT_OK(run(dev->write(sector(8), data)));
    ASSERT_OK(run(dev->flush()));
  }
  // An existing file keeps its size, whatever create_sectors says.
  auto dev = file_block::create(path, {.create_sectors = 1000});
  ASSERT_OK(dev);
  EXPECT_EQ(dev->info().sector_count, 32u);
  auto back = run(read_sectors(*dev, sector(8), 8));
  ASSERT_OK(back);
  EXPECT_EQ(*back, data);
}

TEST_F(file_block_host, missing_file_without_a_size_is_not_found) {
  EXPECT_ERRC(file_block::create(dir_ / "none.img"), errc::not_found);
  EXPECT_ERRC(file_block::create(dir_ / "none.img", {.create_sectors = 8, .read_only = true}),
              errc::not_found);
  EXPECT_ERRC(file_block::create(dir_ / "no/such/dir.img", {.create_sectors = 8}), errc::not_found);
}

TEST_F(file_block_host, sizes_are_checked) {
  make_file(dir_ / "odd.img", 1000);
  EXPECT_ERRC(file_block::create(dir_ / "odd.img"), errc::invalid_argument);
  make_file(dir_ / "empty.img", 0);
  EXPECT_ERRC(file_block::create(dir_ / "empty.img"), errc::invalid_argument);
  make_file(dir_ / "small.img", 2048);
  EXPECT_ERRC(file_block::create(dir_ / "small.img", {.sector_size = 4096}),
              errc::invalid_argument);
  EXPECT_ERRC(file_block::create(dir_ / "small.img", {.sector_size = 1000}),
              errc::invalid_argument);
  auto ok4k = file_block::create(dir_ / "small.img", {.sector_size = 1024});
  ASSERT_OK(ok4k);
  EXPECT_EQ(ok4k->info().sector_count, 2u);
  // An empty file is grown when a size is given.
  auto grown = file_block::create(dir_ / "empty.img", {.create_sectors = 4});
  ASSERT_OK(grown);
  EXPECT_EQ(grown->info().sector_count, 4u);
}

TEST_F(file_block_host, only_regular_files) {
  EXPECT_ERRC(file_block::create(dir_.path(), {.read_only = true}), errc::invalid_argument);
  EXPECT_ERRC(file_block::create(dir_.path()), errc::invalid_argument);
  EXPECT_ERRC(file_block::create(""), errc::invalid_argument);
}

TEST_F(file_block_host, one_writer_at_a_time) {
  const std::string path = dir_ / "locked.img";
  auto first = file_block::create(path, {.create_sectors = 8});
  ASSERT_OK(first);
  EXPECT_ERRC(file_block::create(path), errc::busy);
  EXPECT_ERRC(file_block::create(path, {.read_only = true}), errc::busy);
  *first = std::move(*file_block::create(dir_ / "other.img", {.create_sectors = 8}));
  auto second = file_block::create(path);  // the first one let go of it
  ASSERT_OK(second);
}

TEST_F(file_block_host, readers_share) {
  make_file(dir_ / "shared.img", 4096);
  auto a = file_block::create(dir_ / "shared.img", {.read_only = true});
  auto b = file_block::create(dir_ / "shared.img", {.read_only = true});
  ASSERT_OK(a);
  ASSERT_OK(b);
}

TEST_F(file_block_host, a_file_truncated_behind_its_back_gives_io_error) {
  const std::string path = dir_ / "shrinking.img";
  auto dev = file_block::create(path, {.create_sectors = 16});
  ASSERT_OK(dev);
  ASSERT_EQ(::truncate(path.c_str(), off_t{4} * 512), 0);
  std::vector<std::byte> out(512);
  ASSERT_OK(run(dev->read(sector(3), out)));
  EXPECT_ERRC(run(dev->read(sector(10), out)), errc::io_error);
}

}  // namespace
}  // namespace atl::conformance
