#include <atoll/kernel/pvh.hpp>

namespace atl::kernel {

namespace {

constexpr std::uint64_t page = 4096;

std::uint64_t le(std::span<const std::byte> b, std::size_t at, std::size_t width) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  }
  return v;
}
std::uint32_t le32(std::span<const std::byte> b, std::size_t at) noexcept {
  return static_cast<std::uint32_t>(le(b, at, 4));
}
std::uint64_t le64(std::span<const std::byte> b, std::size_t at) noexcept { return le(b, at, 8); }

// subtract(pieces, n, cut, cap): removes `cut` from each piece, splitting
// where it falls inside one; false when the pieces would exceed `cap`.
bool subtract(memory_range* pieces, std::size_t& n, const memory_range& cut,
              std::size_t cap) noexcept {
  for (std::size_t i = 0; i < n;) {
    memory_range& p = pieces[i];
    if (cut.end() <= p.addr || cut.addr >= p.end()) {
      ++i;
      continue;
    }
    const bool keeps_head = cut.addr > p.addr;
    const bool keeps_tail = cut.end() < p.end();
    if (keeps_head && keeps_tail) {
      if (n == cap) return false;
      pieces[n++] = memory_range{cut.end(), p.end() - cut.end(), p.type};
      p.size = cut.addr - p.addr;
      ++i;
    } else if (keeps_head) {
      p.size = cut.addr - p.addr;
      ++i;
    } else if (keeps_tail) {
      p.size = p.end() - cut.end();
      p.addr = cut.end();
      ++i;
    } else {
      pieces[i] = pieces[--n];  // wholly cut: the last piece takes its place
    }
  }
  return true;
}

}  // namespace

result<pvh_start_info> parse_pvh_start_info(std::span<const std::byte> bytes) noexcept {
  constexpr std::size_t version0_size = 40;
  if (bytes.size() < version0_size) return error(errc::corrupt, "PVH start info: truncated");
  if (le32(bytes, 0) != pvh_magic) return error(errc::corrupt, "PVH start info: bad magic");
  pvh_start_info info;
  info.version = le32(bytes, 4);
  info.flags = le32(bytes, 8);
  info.nr_modules = le32(bytes, 12);
  info.modlist_paddr = le64(bytes, 16);
  info.cmdline_paddr = le64(bytes, 24);
  info.rsdp_paddr = le64(bytes, 32);
  if (info.version >= 1) {
    if (bytes.size() < pvh_start_info_size) {
      return error(errc::corrupt, "PVH start info: truncated (version ", info.version, ")");
    }
    info.memmap_paddr = le64(bytes, 40);
    info.memmap_entries = le32(bytes, 48);
    if (info.memmap_entries > pvh_max_memmap_entries) {
      return error(errc::limit_exceeded, "PVH memory map: ", info.memmap_entries, " entries");
    }
  }
  return info;
}

result<std::size_t> parse_pvh_memmap(std::span<const std::byte> bytes,
                                     std::span<memory_range> out) noexcept {
  if (bytes.size() % pvh_memmap_entry_size != 0) {
    return error(errc::corrupt, "PVH memory map: ", bytes.size(), " bytes is not whole entries");
  }
  const std::size_t n = bytes.size() / pvh_memmap_entry_size;
  if (n > out.size()) return error(errc::limit_exceeded, "PVH memory map: ", n, " entries");
  for (std::size_t i = 0; i < n; ++i) {
    const auto e = bytes.subspan(i * pvh_memmap_entry_size, pvh_memmap_entry_size);
    const memory_range r{le64(e, 0), le64(e, 8), le32(e, 16)};
    if (r.addr + r.size < r.addr)
      return error(errc::corrupt, "PVH memory map: entry ", i, " wraps");
    out[i] = r;
  }
  return n;
}

result<std::size_t> ram_regions(std::span<const memory_range> map,
                                std::span<const memory_range> reserved,
                                std::span<memory_range> out) noexcept {
  std::size_t n = 0;
  for (const memory_range& r : map) {
    if (r.type != static_cast<std::uint32_t>(memory_type::ram) || r.size == 0) continue;
    if (n == out.size()) return error(errc::limit_exceeded, "more RAM ranges than ", out.size());
    out[n++] = r;
  }
  const auto too_many = [&] {
    return error(errc::limit_exceeded, "more RAM pieces than ", out.size());
  };
  for (const memory_range& r : map) {  // what the loader marks otherwise is not RAM
    if (r.type == static_cast<std::uint32_t>(memory_type::ram)) continue;
    if (!subtract(out.data(), n, r, out.size())) return too_many();
  }
  for (const memory_range& r : reserved) {
    if (!subtract(out.data(), n, r, out.size())) return too_many();
  }
  // Whole pages only.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t start = (out[i].addr + page - 1) & ~(page - 1);
    const std::uint64_t end = out[i].end() & ~(page - 1);
    if (end > start) out[kept++] = memory_range{start, end - start, out[i].type};
  }
  // Sorted by address (insertion sort: a handful of ranges), then merged.
  for (std::size_t i = 1; i < kept; ++i) {
    const memory_range x = out[i];
    std::size_t j = i;
    for (; j > 0 && out[j - 1].addr > x.addr; --j) out[j] = out[j - 1];
    out[j] = x;
  }
  // RAM the loader listed twice is one range, not two to give out twice.
  std::size_t merged = 0;
  for (std::size_t i = 0; i < kept; ++i) {
    if (merged > 0 && out[i].addr <= out[merged - 1].end()) {
      if (out[i].end() > out[merged - 1].end()) {
        out[merged - 1].size = out[i].end() - out[merged - 1].addr;
      }
    } else {
      out[merged++] = out[i];
    }
  }
  return merged;
}

}  // namespace atl::kernel
