// block_log: superblocks, batch headers and records, to and from bytes.
#include <atoll/store/block_log.hpp>

#include <cstring>
#include <zlib.h>

namespace atl::store::block_log {
namespace {

constexpr char super_magic[12] = {'A', 'T', 'O', 'L', 'L', '-', 'S', 'T', 'O', 'R', 'E', '1'};
constexpr char batch_magic[4] = {'A', 'T', 'L', 'B'};
constexpr std::size_t super_size = 48;

void put_le(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

std::uint64_t get_le(std::span<const std::byte> in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | std::to_integer<std::uint64_t>(in[at + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

std::uint32_t crc(std::span<const std::byte> bytes) noexcept {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::vector<std::byte> encode_superblock(const superblock& s) {
  std::vector<std::byte> out;
  for (char c : super_magic) out.push_back(static_cast<std::byte>(c));
  put_le(out, version, 4);
  put_le(out, s.format == hash_format::sha1 ? 1 : 2, 1);
  put_le(out, s.half, 1);
  put_le(out, 0, 2);
  put_le(out, s.sector_size, 4);
  put_le(out, s.sector_count, 8);
  put_le(out, s.generation, 8);
  put_le(out, 0, 4);
  put_le(out, crc(out), 4);
  out.resize(s.sector_size);
  return out;
}

result<superblock> decode_superblock(std::span<const std::byte> sector) {
  if (sector.size() < super_size) return error(errc::corrupt, "superblock: too short");
  if (std::memcmp(sector.data(), super_magic, sizeof super_magic) != 0) {
    return error(errc::corrupt, "superblock: not an atoll store");
  }
  if (get_le(sector, super_size - 4, 4) != crc(sector.first(super_size - 4))) {
    return error(errc::corrupt, "superblock: checksum fails");
  }
  if (get_le(sector, 12, 4) != version) return error(errc::corrupt, "superblock: unknown version");
  superblock s;
  const auto format = get_le(sector, 16, 1);
  if (format != 1 && format != 2) return error(errc::corrupt, "superblock: unknown object format");
  s.format = format == 1 ? hash_format::sha1 : hash_format::sha256;
  s.half = static_cast<std::uint8_t>(get_le(sector, 17, 1));
  if (s.half > 1) return error(errc::corrupt, "superblock: bad half");
  s.sector_size = static_cast<std::uint32_t>(get_le(sector, 20, 4));
  s.sector_count = get_le(sector, 24, 8);
  s.generation = get_le(sector, 32, 8);
  return s;
}

std::uint64_t batch_header::chain() const noexcept {
  // The header's fields and the payload's CRC: a batch with other contents,
  // or another place in the sequence, has another chain value.
  std::uint64_t v = 1469598103934665603ull;
  for (std::uint64_t x :
       {generation, sequence, previous, std::uint64_t{payload_size}, std::uint64_t{payload_crc}}) {
    v = (v ^ x) * 1099511628211ull;
    v ^= v >> 29;
  }
  return v == 0 ? 1 : v;
}

std::vector<std::byte> encode_header(const batch_header& h) {
  std::vector<std::byte> out;
  for (char c : batch_magic) out.push_back(static_cast<std::byte>(c));
  put_le(out, h.generation, 8);
  put_le(out, h.sequence, 8);
  put_le(out, h.previous, 8);
  put_le(out, h.payload_size, 4);
  put_le(out, h.payload_crc, 4);
  out.resize(header_size - 4);
  put_le(out, crc(out), 4);
  return out;
}

result<batch_header> decode_header(std::span<const std::byte> bytes) {
  if (bytes.size() < header_size) return error(errc::corrupt, "batch: short header");
  if (std::memcmp(bytes.data(), batch_magic, sizeof batch_magic) != 0) {
    return error(errc::corrupt, "batch: no magic");
  }
  if (get_le(bytes, header_size - 4, 4) != crc(bytes.first(header_size - 4))) {
    return error(errc::corrupt, "batch: header checksum fails");
  }
  batch_header h;
  h.generation = get_le(bytes, 4, 8);
  h.sequence = get_le(bytes, 12, 8);
  h.previous = get_le(bytes, 20, 8);
  h.payload_size = static_cast<std::uint32_t>(get_le(bytes, 28, 4));
  h.payload_crc = static_cast<std::uint32_t>(get_le(bytes, 32, 4));
  return h;
}

void put_object(std::vector<std::byte>& payload, object_kind kind, const object_id& id,
                std::span<const std::byte> data) {
  payload.push_back(static_cast<std::byte>(record_type::object));
  payload.push_back(static_cast<std::byte>(kind));
  payload.insert(payload.end(), id.raw().begin(), id.raw().end());
  put_le(payload, data.size(), 4);
  payload.insert(payload.end(), data.begin(), data.end());
}

void put_ref(std::vector<std::byte>& payload, std::string_view name,
             const std::optional<object_id>& id) {
  payload.push_back(static_cast<std::byte>(record_type::ref));
  put_le(payload, name.size(), 2);
  for (char c : name) payload.push_back(static_cast<std::byte>(c));
  payload.push_back(static_cast<std::byte>(id ? 1 : 0));
  if (id) payload.insert(payload.end(), id->raw().begin(), id->raw().end());
}

result<record> next_record(hash_format format, std::span<const std::byte> payload,
                           std::size_t& pos) {
  const std::size_t n = hash_size(format);
  auto need = [&](std::size_t bytes) { return payload.size() - pos >= bytes; };
  if (!need(1)) return error(errc::corrupt, "record: truncated");
  record r;
  const auto type = std::to_integer<std::uint8_t>(payload[pos++]);
  if (type == static_cast<std::uint8_t>(record_type::object)) {
    r.type = record_type::object;
    if (!need(1 + n + 4)) return error(errc::corrupt, "record: truncated object");
    const auto kind = std::to_integer<std::uint8_t>(payload[pos++]);
    if (kind < 1 || kind > 4) return error(errc::corrupt, "record: bad object kind");
    r.kind = static_cast<object_kind>(kind);
    ATOLL_TRY(r.id, object_id::from_raw(format, payload.subspan(pos, n)));
    pos += n;
    r.data_size = static_cast<std::size_t>(get_le(payload, pos, 4));
    pos += 4;
    if (!need(r.data_size)) return error(errc::corrupt, "record: truncated object payload");
    r.data_offset = pos;
    pos += r.data_size;
    return r;
  }
  if (type == static_cast<std::uint8_t>(record_type::ref)) {
    r.type = record_type::ref;
    if (!need(2)) return error(errc::corrupt, "record: truncated ref");
    const auto length = static_cast<std::size_t>(get_le(payload, pos, 2));
    pos += 2;
    if (!need(length + 1)) return error(errc::corrupt, "record: truncated ref name");
    r.name.assign(reinterpret_cast<const char*>(payload.data() + pos), length);
    pos += length;
    const auto has = std::to_integer<std::uint8_t>(payload[pos++]);
    if (has > 1) return error(errc::corrupt, "record: bad ref flag");
    if (has == 1) {
      if (!need(n)) return error(errc::corrupt, "record: truncated ref id");
      ATOLL_TRY(auto id, object_id::from_raw(format, payload.subspan(pos, n)));
      r.target = id;
      pos += n;
    }
    return r;
  }
  return error(errc::corrupt, "record: unknown type");
}

}  // namespace atl::store::block_log
