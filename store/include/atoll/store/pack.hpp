// pack: Git's pack files, version 2, and their .idx (gitformat-pack(5)),
// in portable code: `atoll store export/import`, and later sync from images.
//
// write_pack gives a pack a `git clone` or `git index-pack` accepts: each
// object zlib-compressed, whole or as an offset delta on one of the eight
// objects of its kind before it (prefix and suffix copied, the middle
// inserted: what successive versions of a file mostly are; chains at most
// 16 deep), the trailer hash, and the version 2 index (fan-out, sorted ids,
// CRC-32s, offsets). read_pack takes
// any pack git writes: whole objects and both delta kinds (OFS_DELTA, and
// REF_DELTA on an object of the same pack), checks the trailer, and gives
// every object with the id it hashes to.
//
// Reading is bounded: past max_objects, an inflated object past
// max_object_size, a delta chain deeper than max_delta_depth, or total
// inflated bytes past max_total_bytes, it stops with limit_exceeded; a
// malformed pack (bad header, truncated entry, bad zlib stream, a delta
// that copies outside its base or does not produce its stated size, a
// wrong trailer) is errc::corrupt. A thin pack (REF_DELTA on an object
// that is not in it) is errc::unsupported.
#pragma once

#include <atoll/store/backend.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace atl::store {

struct pack_limits {
  std::size_t max_objects = std::size_t{1} << 22;
  std::size_t max_object_size = default_max_object_size;
  std::size_t max_delta_depth = 64;
  std::size_t max_total_bytes = std::size_t{1} << 32;
};

/// pack_entry: an object of a pack, with its id.
struct pack_entry {
  object_id id;
  raw_object object;
};

struct pack_files {
  std::vector<std::byte> pack;
  std::vector<std::byte> idx;
  object_id checksum;  ///< the pack's trailer: git names the files pack-<checksum>.pack/.idx
};

/// write_pack(format, objects): a pack and its index holding `objects`
/// (each once; their ids are computed here). invalid_argument for an empty
/// list or a duplicate.
result<pack_files> write_pack(hash_format format, std::span<const raw_object> objects);

/// read_pack(format, pack, limits): every object of `pack`, in pack order.
result<std::vector<pack_entry>> read_pack(hash_format format, std::span<const std::byte> pack,
                                          const pack_limits& limits = {});

/// apply_delta(base, delta, max_size): git's delta format (copy and insert
/// instructions after the two sizes), or corrupt.
result<std::vector<std::byte>> apply_delta(std::span<const std::byte> base,
                                           std::span<const std::byte> delta, std::size_t max_size);

}  // namespace atl::store
