// pack: reading and writing Git's pack v2 and its index v2.
#include <atoll/store/pack.hpp>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <zlib.h>

namespace atl::store {
namespace {

constexpr int type_ofs_delta = 6;
constexpr int type_ref_delta = 7;

void put_be32(std::vector<std::byte>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::byte>(v >> shift));
}

void put_be64(std::vector<std::byte>& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::byte>(v >> shift));
}

std::uint32_t be32(std::span<const std::byte> b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(b[at + i]);
  return v;
}

std::uint32_t crc_of(std::span<const std::byte> bytes) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// The object header: type and inflated size, 4 bits then 7 per byte.
void put_object_header(std::vector<std::byte>& out, int type, std::uint64_t size) {
  std::uint8_t b = static_cast<std::uint8_t>((type << 4) | (size & 0x0f));
  size >>= 4;
  while (size != 0) {
    out.push_back(static_cast<std::byte>(b | 0x80));
    b = static_cast<std::uint8_t>(size & 0x7f);
    size >>= 7;
  }
  out.push_back(static_cast<std::byte>(b));
}

result<std::vector<std::byte>> deflate_bytes(std::span<const std::byte> in) {
  uLongf bound = compressBound(static_cast<uLong>(in.size()));
  std::vector<std::byte> out(bound);
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &bound,
                           reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                           Z_DEFAULT_COMPRESSION);
  if (rc != Z_OK) return error(errc::no_memory, "zlib: deflate failed");
  out.resize(bound);
  return out;
}

// Inflates the zlib stream at the start of `in` into exactly `size` bytes;
// `consumed` is set to the stream's length.
result<std::vector<std::byte>> inflate_exact(std::span<const std::byte> in, std::size_t size,
                                             std::size_t& consumed) {
  std::vector<std::byte> out(size + 1);  // one spare byte shows a stream that is too long
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return error(errc::no_memory, "zlib: inflateInit failed");
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  consumed = z.total_in;
  const std::size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) {
    return error(errc::corrupt, "pack: an object's zlib stream is bad or has the wrong size");
  }
  out.resize(size);
  return out;
}

struct packed {
  std::size_t offset = 0;
  int type = 0;
  std::vector<std::byte> data;  // whole object, or the delta
  std::size_t base_offset = 0;  // OFS_DELTA
  object_id base_id;            // REF_DELTA
  bool resolved = false;
  object_kind kind = object_kind::blob;  // once resolved
  object_id id;                          // once resolved
};

class reader {
public:
  reader(hash_format f, std::span<const std::byte> pack, const pack_limits& limits)
      : format_(f), pack_(pack), limits_(limits) {}

  result<std::vector<pack_entry>> run() {
    const std::size_t trailer = hash_size(format_);
    if (pack_.size() < 12 + trailer) return error(errc::corrupt, "pack: too short");
    if (std::memcmp(pack_.data(), "PACK", 4) != 0)
      return error(errc::corrupt, "pack: no PACK signature");
    const std::uint32_t version = be32(pack_, 4);
    if (version != 2 && version != 3) return error(errc::corrupt, "pack: version ", version);
    const std::uint32_t count = be32(pack_, 8);
    if (count > limits_.max_objects)
      return error(errc::limit_exceeded, "pack: more objects than the limit");
    object_hasher h(format_);
    h.update(pack_.first(pack_.size() - trailer));
    const object_id sum = h.finish();
    if (!std::equal(sum.raw().begin(), sum.raw().end(),
                    pack_.end() - static_cast<std::ptrdiff_t>(trailer))) {
      return error(errc::corrupt, "pack: trailer checksum does not match");
    }
    const std::span<const std::byte> body = pack_.first(pack_.size() - trailer);
    std::size_t pos = 12;
    entries_.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      ATOLL_TRY(auto e, parse_entry(body, pos));
      by_offset_.emplace(e.offset, entries_.size());
      entries_.push_back(std::move(e));
    }
    if (pos != body.size()) return error(errc::corrupt, "pack: bytes after the last object");
    // Resolve in passes: whole objects and offset deltas at once, reference
    // deltas once their base is known by id.
    // Each pass resolves at least one more link of every reference chain,
    // so chains no deeper than the limit need no more passes than this.
    for (std::size_t pass = 0, progress = 1; progress != 0 && pass <= limits_.max_delta_depth + 1;
         ++pass) {
      progress = 0;
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].resolved) continue;
        ATOLL_TRY(bool done, resolve(i, 0));
        if (done) ++progress;
      }
    }
    std::vector<pack_entry> out;
    out.reserve(entries_.size());
    for (auto& e : entries_) {
      if (!e.resolved)
        return error(errc::unsupported, "pack: a delta's base is not in the pack (thin pack)");
      out.push_back(pack_entry{e.id, raw_object{e.kind, std::move(e.data)}});
    }
    return out;
  }

private:
  result<packed> parse_entry(std::span<const std::byte> body, std::size_t& pos) {
    packed e;
    e.offset = pos;
    if (pos >= body.size()) return error(errc::corrupt, "pack: truncated object header");
    auto b = std::to_integer<unsigned>(body[pos++]);
    e.type = static_cast<int>((b >> 4) & 7);
    std::uint64_t size = b & 0x0f;
    unsigned shift = 4;
    while (b & 0x80) {
      if (pos >= body.size() || shift > 57) return error(errc::corrupt, "pack: bad object header");
      b = std::to_integer<unsigned>(body[pos++]);
      size |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      shift += 7;
    }
    if (size > limits_.max_object_size)
      return error(errc::limit_exceeded, "pack: object larger than the limit");
    if (e.type == type_ofs_delta) {
      if (pos >= body.size()) return error(errc::corrupt, "pack: truncated delta offset");
      b = std::to_integer<unsigned>(body[pos++]);
      std::uint64_t back = b & 0x7f;
      while (b & 0x80) {
        if (pos >= body.size() || back > (UINT64_MAX >> 8))
          return error(errc::corrupt, "pack: bad delta offset");
        b = std::to_integer<unsigned>(body[pos++]);
        back = ((back + 1) << 7) | (b & 0x7f);
      }
      if (back == 0 || back > e.offset)
        return error(errc::corrupt, "pack: delta base outside the pack");
      e.base_offset = e.offset - static_cast<std::size_t>(back);
    } else if (e.type == type_ref_delta) {
      const std::size_t n = hash_size(format_);
      if (body.size() - pos < n) return error(errc::corrupt, "pack: truncated delta base id");
      ATOLL_TRY(e.base_id, object_id::from_raw(format_, body.subspan(pos, n)));
      pos += n;
    } else if (e.type < 1 || e.type > 4) {
      return error(errc::corrupt, "pack: unknown object type ", e.type);
    }
    total_ += size;
    if (total_ > limits_.max_total_bytes)
      return error(errc::limit_exceeded, "pack: more bytes than the limit");
    std::size_t consumed = 0;
    ATOLL_TRY(e.data, inflate_exact(body.subspan(pos), static_cast<std::size_t>(size), consumed));
    pos += consumed;
    return e;
  }

  // Resolves entry i if its base is known; false when it must wait for a
  // later pass (a reference delta whose base is not resolved yet).
  result<bool> resolve(std::size_t i, std::size_t depth) {
    packed& e = entries_[i];
    if (e.resolved) return true;
    if (depth > limits_.max_delta_depth)
      return error(errc::limit_exceeded, "pack: delta chain too deep");
    if (e.type >= 1 && e.type <= 4) {
      e.kind = static_cast<object_kind>(e.type);
      return finish(e);
    }
    std::size_t base = 0;
    if (e.type == type_ofs_delta) {
      auto it = by_offset_.find(e.base_offset);
      if (it == by_offset_.end())
        return error(errc::corrupt, "pack: delta base is not an object's start");
      base = it->second;
    } else {
      auto it = by_id_.find(e.base_id);
      if (it == by_id_.end()) return false;
      base = it->second;
    }
    ATOLL_TRY(bool ready, resolve(base, depth + 1));
    if (!ready) return false;
    const packed& b = entries_[base];
    ATOLL_TRY(auto whole, apply_delta(b.data, e.data, limits_.max_object_size));
    total_ += whole.size();
    if (total_ > limits_.max_total_bytes)
      return error(errc::limit_exceeded, "pack: more bytes than the limit");
    e.data = std::move(whole);
    e.kind = b.kind;
    return finish(e);
  }

  result<bool> finish(packed& e) {
    e.id = hash_object(format_, e.kind, e.data);
    e.resolved = true;
    by_id_.emplace(e.id, static_cast<std::size_t>(&e - entries_.data()));
    return true;
  }

  hash_format format_;
  std::span<const std::byte> pack_;
  const pack_limits& limits_;
  std::vector<packed> entries_;
  std::unordered_map<std::size_t, std::size_t> by_offset_;
  std::unordered_map<object_id, std::size_t, object_id_hash> by_id_;
  std::uint64_t total_ = 0;
};

// A delta of `target` against `base` in git's format: the common prefix and
// suffix copied, the middle inserted. Simple, but it is what consecutive
// versions of a file mostly are; empty when it would not pay.
std::vector<std::byte> make_delta(std::span<const std::byte> base,
                                  std::span<const std::byte> target) {
  std::size_t prefix = 0;
  const std::size_t limit = std::min(base.size(), target.size());
  while (prefix < limit && base[prefix] == target[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < limit - prefix &&
         base[base.size() - 1 - suffix] == target[target.size() - 1 - suffix])
    ++suffix;
  std::vector<std::byte> out;
  auto put_size = [&](std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<std::byte>(v));
  };
  auto copy = [&](std::uint64_t offset, std::uint64_t size) {
    while (size > 0) {
      const std::uint64_t n = std::min<std::uint64_t>(size, 0xffffff);
      std::byte op{0x80};
      std::vector<std::byte> args;
      for (unsigned i = 0; i < 4; ++i) {
        const auto b = static_cast<std::uint8_t>(offset >> (8 * i));
        if (b != 0) {
          op |= static_cast<std::byte>(1u << i);
          args.push_back(static_cast<std::byte>(b));
        }
      }
      for (unsigned i = 0; i < 3; ++i) {
        const auto b = static_cast<std::uint8_t>(n >> (8 * i));
        if (b != 0) {
          op |= static_cast<std::byte>(0x10u << i);
          args.push_back(static_cast<std::byte>(b));
        }
      }
      out.push_back(op);
      out.insert(out.end(), args.begin(), args.end());
      offset += n;
      size -= n;
    }
  };
  put_size(base.size());
  put_size(target.size());
  copy(0, prefix);
  for (std::size_t at = prefix; at < target.size() - suffix;) {
    const std::size_t n = std::min<std::size_t>(127, target.size() - suffix - at);
    out.push_back(static_cast<std::byte>(n));
    out.insert(out.end(), target.begin() + static_cast<std::ptrdiff_t>(at),
               target.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  copy(base.size() - suffix, suffix);
  if (out.size() * 4 > target.size() * 3) return {};  // saves too little
  return out;
}

void put_offset(std::vector<std::byte>& out, std::uint64_t back) {
  // OFS_DELTA's offset: big-endian 7-bit groups, each but the last +1.
  std::byte buf[10];
  std::size_t n = sizeof buf;
  buf[--n] = static_cast<std::byte>(back & 0x7f);
  while (back >>= 7) {
    --back;
    buf[--n] = static_cast<std::byte>(0x80 | (back & 0x7f));
  }
  out.insert(out.end(), buf + n, buf + sizeof buf);
}
}  // namespace

result<std::vector<pack_entry>> read_pack(hash_format format, std::span<const std::byte> pack,
                                          const pack_limits& limits) {
  return reader(format, pack, limits).run();
}

result<pack_files> write_pack(hash_format format, std::span<const raw_object> objects) {
  if (objects.empty()) return error(errc::invalid_argument, "pack: no objects");
  if (objects.size() > UINT32_MAX) return error(errc::limit_exceeded, "pack: too many objects");
  struct placed {
    object_id id;
    std::uint64_t offset;
    std::uint32_t crc;
  };
  std::vector<placed> index;
  index.reserve(objects.size());
  pack_files out;
  out.pack.insert(out.pack.end(), {std::byte{'P'}, std::byte{'A'}, std::byte{'C'}, std::byte{'K'}});
  put_be32(out.pack, 2);
  put_be32(out.pack, static_cast<std::uint32_t>(objects.size()));
  // Each object is tried as a delta on the few before it of its kind (the
  // previous version of a file, in the usual export order); a chain is
  // kept short so that reading stays cheap.
  constexpr std::size_t window = 8;
  constexpr std::size_t max_depth = 16;
  std::vector<std::size_t> depth(objects.size(), 0);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto& o = objects[i];
    const std::size_t start = out.pack.size();
    std::vector<std::byte> best;
    std::size_t base = 0;
    if (o.payload.size() >= 64) {
      for (std::size_t j = i > window ? i - window : 0; j < i; ++j) {
        if (objects[j].kind != o.kind || depth[j] >= max_depth) continue;
        auto d = make_delta(objects[j].payload, o.payload);
        if (!d.empty() && (best.empty() || d.size() < best.size())) {
          best = std::move(d);
          base = j;
        }
      }
    }
    if (best.empty()) {
      put_object_header(out.pack, static_cast<int>(o.kind), o.payload.size());
      ATOLL_TRY(auto z, deflate_bytes(o.payload));
      out.pack.insert(out.pack.end(), z.begin(), z.end());
    } else {
      depth[i] = depth[base] + 1;
      put_object_header(out.pack, type_ofs_delta, best.size());
      put_offset(out.pack, start - index[base].offset);
      ATOLL_TRY(auto z, deflate_bytes(best));
      out.pack.insert(out.pack.end(), z.begin(), z.end());
    }
    const auto entry = std::span<const std::byte>(out.pack).subspan(start);
    index.push_back(placed{hash_object(format, o.kind, o.payload), start, crc_of(entry)});
  }
  object_hasher pack_hash(format);
  pack_hash.update(out.pack);
  out.checksum = pack_hash.finish();
  out.pack.insert(out.pack.end(), out.checksum.raw().begin(), out.checksum.raw().end());

  std::sort(index.begin(), index.end(),
            [](const placed& a, const placed& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < index.size(); ++i) {
    if (index[i - 1].id == index[i].id)
      return error(errc::invalid_argument, "pack: an object twice");
  }
  auto& idx = out.idx;
  idx.insert(idx.end(), {std::byte{0xff}, std::byte{'t'}, std::byte{'O'}, std::byte{'c'}});
  put_be32(idx, 2);
  std::size_t at = 0;
  for (unsigned first = 0; first < 256; ++first) {
    while (at < index.size() && std::to_integer<unsigned>(index[at].id.raw()[0]) <= first) ++at;
    put_be32(idx, static_cast<std::uint32_t>(at));
  }
  for (const auto& p : index) idx.insert(idx.end(), p.id.raw().begin(), p.id.raw().end());
  for (const auto& p : index) put_be32(idx, p.crc);
  std::vector<std::uint64_t> large;
  for (const auto& p : index) {
    if (p.offset < 0x80000000u) {
      put_be32(idx, static_cast<std::uint32_t>(p.offset));
    } else {
      put_be32(idx, 0x80000000u | static_cast<std::uint32_t>(large.size()));
      large.push_back(p.offset);
    }
  }
  for (std::uint64_t v : large) put_be64(idx, v);
  idx.insert(idx.end(), out.checksum.raw().begin(), out.checksum.raw().end());
  object_hasher idx_hash(format);
  idx_hash.update(idx);
  const object_id idx_sum = idx_hash.finish();
  idx.insert(idx.end(), idx_sum.raw().begin(), idx_sum.raw().end());
  return out;
}

}  // namespace atl::store
