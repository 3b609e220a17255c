// kernel::pvh: the boot information a PVH loader hands to the kernel.
//
// QEMU's -kernel (on -M microvm and q35) and Xen start a PVH kernel at the
// 32-bit entry named by its ELF note (type 18, XEN_ELFNOTE_PHYS32_ENTRY)
// with %ebx holding the physical address of a start_info structure (Xen's
// public arch-x86/hvm/start_info.h), all fields little-endian:
//
//   offset  size  field
//        0     4  magic           0x336ec578 ("xEn3" with the top bit set)
//        4     4  version         0, or 1 and later with the memory map
//        8     4  flags
//       12     4  nr_modules
//       16     8  modlist_paddr
//       24     8  cmdline_paddr   a NUL-terminated string, or 0
//       32     8  rsdp_paddr      the ACPI RSDP, or 0
//       40     8  memmap_paddr    version 1+: the memory map (E820 types)
//       48     4  memmap_entries
//       52     4  reserved
//
// and each memory map entry is { u64 addr, u64 size, u32 type, u32 reserved }.
// These are parsed from bytes (never a struct cast over boot memory), and
// ram_regions() turns the map into the ranges the heap may take.
#pragma once

#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace atl::kernel {

inline constexpr std::uint32_t pvh_magic = 0x336ec578;
inline constexpr std::size_t pvh_start_info_size = 56;  ///< version 1
inline constexpr std::size_t pvh_memmap_entry_size = 24;
/// The most memory map entries read (QEMU gives a handful).
inline constexpr std::size_t pvh_max_memmap_entries = 128;

struct pvh_start_info {
  std::uint32_t version = 0;
  std::uint32_t flags = 0;
  std::uint32_t nr_modules = 0;
  std::uint64_t modlist_paddr = 0;
  std::uint64_t cmdline_paddr = 0;
  std::uint64_t rsdp_paddr = 0;
  std::uint64_t memmap_paddr = 0;  ///< 0 for version 0
  std::uint32_t memmap_entries = 0;
};

/// parse_pvh_start_info(bytes): the structure at the start of `bytes`
/// (40 bytes for version 0, 56 from version 1). corrupt for a wrong magic
/// or too few bytes; limit_exceeded for more than pvh_max_memmap_entries.
result<pvh_start_info> parse_pvh_start_info(std::span<const std::byte> bytes) noexcept;

enum class memory_type : std::uint32_t {
  ram = 1,
  reserved = 2,
  acpi = 3,
  nvs = 4,
  unusable = 5,
};

/// memory_range: [addr, addr + size) of one kind.
struct memory_range {
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
  std::uint32_t type = 0;  ///< memory_type, or another E820 value

  [[nodiscard]] std::uint64_t end() const noexcept { return addr + size; }
  friend bool operator==(const memory_range&, const memory_range&) = default;
};

/// parse_pvh_memmap(bytes, out): the entries in `bytes` (a whole number of
/// 24-byte entries) into `out`; returns how many. corrupt for a ragged
/// length or an entry that wraps around the address space; limit_exceeded
/// when `out` is too small.
result<std::size_t> parse_pvh_memmap(std::span<const std::byte> bytes,
                                     std::span<memory_range> out) noexcept;

/// ram_regions(map, reserved, out): the RAM of `map` (type ram) less every
/// range in `reserved` (the first MiB, the kernel image, the boot
/// information), cut to 4 KiB pages, pieces smaller than a page dropped,
/// sorted by address, overlapping RAM entries merged, into `out`; returns
/// how many. A RAM range that another entry marks otherwise is not RAM.
/// limit_exceeded when `out` is too small.
result<std::size_t> ram_regions(std::span<const memory_range> map,
                                std::span<const memory_range> reserved,
                                std::span<memory_range> out) noexcept;

}  // namespace atl::kernel
