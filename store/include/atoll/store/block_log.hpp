// block_log: the on-device format of the block backend, as pure functions
// over bytes (sans-I/O, tested and fuzzed without a device). See
// docs/store-pack.md for the layout and the crash-safety argument.
//
//   sector 0, 1   superblock slots: the valid one with the highest
//                 generation says which half of the device holds the log
//   half A, B     the log: batches, one after another from the half's start
//
// A batch is a 64-byte header and a payload of records, padded to whole
// sectors. The header carries the generation (so a batch left from an older
// generation in the same half is not taken for a current one), a sequence
// number, the chain value of the batch before it (so a stale batch beyond a
// torn one is not taken for its successor), the payload's length and CRC,
// and its own CRC. Records: an object (kind, id, payload) or a ref update
// (name, new id or deletion).
#pragma once

#include <atoll/store/object_id.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace atl::store::block_log {

inline constexpr std::size_t header_size = 64;
inline constexpr std::uint32_t version = 1;

struct superblock {
  hash_format format = hash_format::sha1;
  std::uint32_t sector_size = 512;
  std::uint64_t sector_count = 0;
  std::uint64_t generation = 0;
  std::uint8_t half = 0;  ///< which half holds the current log
};

/// encode_superblock: one sector's worth of bytes (sector_size).
std::vector<std::byte> encode_superblock(const superblock& s);
/// decode_superblock: the slot's superblock, or why it is not one
/// (corrupt: bad magic, version, CRC or field).
result<superblock> decode_superblock(std::span<const std::byte> sector);

struct batch_header {
  std::uint64_t generation = 0;
  std::uint64_t sequence = 0;
  std::uint64_t previous = 0;  ///< chain value of the batch before (0 for the first)
  std::uint32_t payload_size = 0;
  std::uint32_t payload_crc = 0;

  /// chain: this batch's chain value, which the next batch names.
  [[nodiscard]] std::uint64_t chain() const noexcept;
};

std::vector<std::byte> encode_header(const batch_header& h);
result<batch_header> decode_header(std::span<const std::byte> bytes);

std::uint32_t crc(std::span<const std::byte> bytes) noexcept;

enum class record_type : std::uint8_t { object = 'O', ref = 'R' };

/// Appends an object record / a ref record to a batch payload.
void put_object(std::vector<std::byte>& payload, object_kind kind, const object_id& id,
                std::span<const std::byte> data);
void put_ref(std::vector<std::byte>& payload, std::string_view name,
             const std::optional<object_id>& id);

/// record: one decoded record; for objects, `data_offset`/`data_size` say
/// where the payload lies within the batch payload.
struct record {
  record_type type = record_type::object;
  object_kind kind = object_kind::blob;
  object_id id;
  std::size_t data_offset = 0;
  std::size_t data_size = 0;
  std::string name;                 ///< refs
  std::optional<object_id> target;  ///< refs: nullopt deletes
};

/// next_record(format, payload, pos): decodes the record at `pos` and moves
/// `pos` past it; corrupt when it does not fit or is malformed.
result<record> next_record(hash_format format, std::span<const std::byte> payload,
                           std::size_t& pos);

}  // namespace atl::store::block_log
