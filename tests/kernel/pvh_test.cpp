// The PVH start info and memory map, from bytes as a loader lays them out,
// and the RAM the heap may take from them.
#include <atoll/kernel/pvh.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace atl::kernel {
namespace {

void put(std::vector<std::byte>& b, std::uint64_t v, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) b.push_back(static_cast<std::byte>(v >> (8 * i)));
}

std::vector<std::byte> start_info(std::uint32_t version, std::uint32_t magic = pvh_magic) {
  std::vector<std::byte> b;
  put(b, magic, 4);
  put(b, version, 4);
  put(b, 0, 4);        // flags
  put(b, 0, 4);        // nr_modules
  put(b, 0, 8);        // modlist
  put(b, 0x7000, 8);   // cmdline
  put(b, 0xf5a50, 8);  // rsdp
  if (version >= 1) {
    put(b, 0x7100, 8);  // memmap
    put(b, 5, 4);
    put(b, 0, 4);
  }
  return b;
}

std::vector<std::byte> memmap(const std::vector<memory_range>& ranges) {
  std::vector<std::byte> b;
  for (const auto& r : ranges) {
    put(b, r.addr, 8);
    put(b, r.size, 8);
    put(b, r.type, 4);
    put(b, 0, 4);
  }
  return b;
}

constexpr std::uint32_t ram = 1;
constexpr std::uint32_t reserved = 2;

TEST(kernel_pvh, start_info_of_both_versions) {
  auto v1 = parse_pvh_start_info(start_info(1));
  ASSERT_TRUE(v1) << v1.error().message();
  EXPECT_EQ(v1->version, 1U);
  EXPECT_EQ(v1->cmdline_paddr, 0x7000U);
  EXPECT_EQ(v1->rsdp_paddr, 0xf5a50U);
  EXPECT_EQ(v1->memmap_paddr, 0x7100U);
  EXPECT_EQ(v1->memmap_entries, 5U);
  auto v0 = parse_pvh_start_info(start_info(0));
  ASSERT_TRUE(v0);
  EXPECT_EQ(v0->memmap_entries, 0U);
}

TEST(kernel_pvh, start_info_errors) {
  EXPECT_EQ(parse_pvh_start_info(start_info(1, 0x12345678)).error().code(), errc::corrupt);
  auto short_v1 = start_info(1);
  short_v1.resize(48);
  EXPECT_EQ(parse_pvh_start_info(short_v1).error().code(), errc::corrupt);
  auto tiny = start_info(0);
  tiny.resize(39);
  EXPECT_EQ(parse_pvh_start_info(tiny).error().code(), errc::corrupt);
  auto many = start_info(1);
  many[48] = std::byte{0xff};  // 255 entries
  EXPECT_EQ(parse_pvh_start_info(many).error().code(), errc::limit_exceeded);
}

// The map QEMU gives a 128 MiB microvm guest, near enough.
const std::vector<memory_range> qemu_map = {
    {0x0, 0x9fc00, ram},        {0x9fc00, 0x400, reserved},     {0xf0000, 0x10000, reserved},
    {0x100000, 0x7f00000, ram}, {0xfeffc000, 0x4000, reserved},
};

TEST(kernel_pvh, memory_map_entries) {
  std::vector<memory_range> out(8);
  auto n = parse_pvh_memmap(memmap(qemu_map), out);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, qemu_map.size());
  for (std::size_t i = 0; i < *n; ++i) EXPECT_EQ(out[i], qemu_map[i]);
  auto ragged = memmap(qemu_map);
  ragged.pop_back();
  EXPECT_EQ(parse_pvh_memmap(ragged, out).error().code(), errc::corrupt);
  std::vector<memory_range> small(2);
  EXPECT_EQ(parse_pvh_memmap(memmap(qemu_map), small).error().code(), errc::limit_exceeded);
  EXPECT_EQ(parse_pvh_memmap(memmap({{~std::uint64_t{0} - 10, 100, ram}}), out).error().code(),
            errc::corrupt);
}

TEST(kernel_pvh, ram_regions_leave_out_what_is_reserved) {
  // The first MiB, the kernel image (1 MiB to 1.5 MiB + a bit), the boot info page.
  const std::vector<memory_range> taken = {
      {0, 0x100000, 0}, {0x100000, 0x80123, 0}, {0x2000000, 0x1000, 0}};
  std::vector<memory_range> out(8);
  auto n = ram_regions(qemu_map, taken, out);
  ASSERT_TRUE(n) << n.error().message();
  ASSERT_EQ(*n, 2U);
  EXPECT_EQ(out[0], (memory_range{0x181000, 0x2000000 - 0x181000, ram}));  // rounded up to a page
  EXPECT_EQ(out[1], (memory_range{0x2001000, 0x8000000 - 0x2001000, ram}));
}

TEST(kernel_pvh, ram_marked_otherwise_and_listed_twice) {
  const std::vector<memory_range> map = {
      {0x100000, 0x100000, ram},
      {0x180000, 0x100000, ram},      // overlaps the first: one range
      {0x1c0000, 0x10000, reserved},  // inside RAM: not RAM
      {0x400000, 0x800, ram},         // less than a page: dropped
      {0x500000, 0x1000, 5}};         // unusable
  std::vector<memory_range> out(8);
  auto n = ram_regions(map, {}, out);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, 2U);
  EXPECT_EQ(out[0], (memory_range{0x100000, 0xc0000, ram}));
  EXPECT_EQ(out[1], (memory_range{0x1d0000, 0x280000 - 0x1d0000, ram}));
  std::vector<memory_range> one(1);
  EXPECT_EQ(ram_regions(map, {}, one).error().code(), errc::limit_exceeded);
}

}  // namespace
}  // namespace atl::kernel
