// block_backend: the log, its recovery, reads, batched flushes, compaction.
#include <atoll/store/block_backend.hpp>

#include <algorithm>

namespace atl::store {
namespace {

constexpr std::uint64_t tag_pending = ~std::uint64_t{0};
constexpr std::uint64_t tag_writing = ~std::uint64_t{0} - 1;
constexpr std::uint64_t min_half_sectors = 8;

error device_error(const error& e, std::string_view what) {
  if (e.code() == errc::io_error || e.code() == errc::permission_denied) return e;
  return error(errc::io_error, what, ": ", e.message());
}

}  // namespace

block_backend::block_backend(engine& e, any_block& dev, block_backend_options options) noexcept
    : dev_(dev),
      options_(options),
      refs_(options.max_refs),
      disk_refs_(options.max_refs),
      idle_(e) {}

block_backend::~block_backend() = default;

std::uint64_t block_backend::half_sectors() const noexcept { return (super_.sector_count - 2) / 2; }

std::uint64_t block_backend::half_start(std::uint8_t half) const noexcept {
  return 2 + half * half_sectors();
}

task<result<void>> block_backend::lock() {
  while (busy_) co_await idle_.wait();
  busy_ = true;
  co_return ok();
}

void block_backend::unlock() noexcept {
  busy_ = false;
  idle_.set();
}

task<result<std::unique_ptr<block_backend>>> block_backend::create(engine& e, any_block& dev,
                                                                   hash_format format,
                                                                   block_backend_options options) {
  const block_info info = dev.info();
  if (info.read_only) co_return error(errc::permission_denied, "store: the device is read-only");
  if (info.sector_count < 2 + 2 * min_half_sectors)
    co_return error(errc::invalid_argument, "store: device too small");
  std::unique_ptr<block_backend> b(new block_backend(e, dev, options));
  b->super_ = block_log::superblock{format, info.sector_size, info.sector_count, 1, 0};
  // Destroy whatever log a previous store left at the start of each half,
  // and its superblocks, so none of it can be taken for this store's.
  std::vector<std::byte> zero(info.sector_size);
  for (std::uint64_t s : {std::uint64_t{0}, b->half_start(0), b->half_start(1)}) {
    auto w = co_await dev.write(sector(s), zero);
    if (!w) co_return device_error(w.error(), "store: format");
  }
  ATOLL_CO_TRYV(co_await b->write_superblock(b->super_));
  ATOLL_CO_TRYV(co_await b->recover());
  co_return b;
}

task<result<std::unique_ptr<block_backend>>> block_backend::open(engine& e, any_block& dev,
                                                                 block_backend_options options) {
  const block_info info = dev.info();
  if (info.sector_count < 2 + 2 * min_half_sectors)
    co_return error(errc::corrupt, "store: device too small to hold a store");
  std::vector<std::byte> slots(2 * std::size_t{info.sector_size});
  auto r = co_await dev.read(sector(0), slots);
  if (!r) co_return device_error(r.error(), "store: reading the superblocks");
  std::optional<block_log::superblock> best;
  error why(errc::corrupt, "store: no atoll store on this device (no valid superblock)");
  for (std::size_t i = 0; i < 2; ++i) {
    auto s = block_log::decode_superblock(
        std::span(slots).subspan(i * info.sector_size, info.sector_size));
    if (!s) {
      if (i == 0)
        why = error(errc::corrupt, "store: no atoll store on this device: ", s.error().message());
      continue;
    }
    if (!best || s->generation > best->generation) best = *s;
  }
  if (!best) co_return why;
  if (best->sector_size != info.sector_size || best->sector_count != info.sector_count) {
    co_return error(errc::corrupt, "store: made for a device of another shape (",
                    best->sector_count, " sectors of ", best->sector_size, " bytes)");
  }
  std::unique_ptr<block_backend> b(new block_backend(e, dev, options));
  b->super_ = *best;
  ATOLL_CO_TRYV(co_await b->recover());
  if (b->damaged_ && !options.open_damaged) {
    co_return error(errc::corrupt, "store: batch ", *b->damaged_,
                    " fails its checksum while later batches are intact: the device is damaged");
  }
  co_return b;
}

task<result<void>> block_backend::write_superblock(const block_log::superblock& s) {
  const auto bytes = block_log::encode_superblock(s);
  auto w = co_await dev_.write(sector(s.generation % 2), bytes);
  if (!w) co_return device_error(w.error(), "store: writing the superblock");
  auto f = co_await dev_.flush();
  if (!f) co_return device_error(f.error(), "store: flushing the superblock");
  co_return ok();
}

task<result<void>> block_backend::recover() {
  index_.clear();
  refs_.clear();
  recovered_ = 0;
  damaged_.reset();
  sequence_ = 0;
  chain_ = 0;
  const std::uint64_t start = half_start(super_.half);
  const std::uint64_t end = start + half_sectors();
  const std::size_t size = super_.sector_size;
  log_end_ = start;
  std::vector<std::byte> head(size);
  while (log_end_ < end) {
    auto r = co_await dev_.read(sector(log_end_), head);
    if (!r) co_return device_error(r.error(), "store: reading the log");
    auto h = block_log::decode_header(head);
    if (!h || h->generation != super_.generation || h->sequence != sequence_ ||
        h->previous != chain_)
      break;
    const std::uint64_t sectors = (block_log::header_size + h->payload_size + size - 1) / size;
    if (sectors > end - log_end_) break;
    std::vector<std::byte> batch(sectors * size);
    r = co_await dev_.read(sector(log_end_), batch);
    if (!r) co_return device_error(r.error(), "store: reading the log");
    const auto payload =
        std::span<const std::byte>(batch).subspan(block_log::header_size, h->payload_size);
    if (block_log::crc(payload) != h->payload_crc) {
      // Torn by a crash, if it was the last batch written; damaged, if the
      // batch after it is intact (it was written after this one's flush).
      const std::uint64_t next = log_end_ + sectors;
      if (next < end) {
        r = co_await dev_.read(sector(next), head);
        if (!r) co_return device_error(r.error(), "store: reading the log");
        auto after = block_log::decode_header(head);
        if (after && after->generation == super_.generation && after->sequence == sequence_ + 1 &&
            after->previous == h->chain()) {
          damaged_ = sequence_;
        }
      }
      break;
    }
    std::size_t pos = 0;
    while (pos < payload.size()) {
      auto rec = block_log::next_record(super_.format, payload, pos);
      if (!rec)
        co_return error(errc::corrupt, "store: batch ", sequence_, ": ", rec.error().message());
      if (rec->type == block_log::record_type::object) {
        index_.try_emplace(
            rec->id, location{log_end_,
                              static_cast<std::uint32_t>(block_log::header_size + rec->data_offset),
                              static_cast<std::uint32_t>(rec->data_size), rec->kind, false});
      } else {
        if (!check_ref_name(rec->name))
          co_return error(errc::corrupt, "store: batch ", sequence_, ": bad ref name");
        refs_.apply(rec->name, rec->target);
      }
    }
    log_end_ += sectors;
    ++sequence_;
    chain_ = h->chain();
    ++recovered_;
  }
  disk_refs_ = refs_;
  // Writes made while a compaction ran are still pending: index them again.
  std::size_t pos = 0;
  while (pos < pending_.size()) {
    auto rec = block_log::next_record(super_.format, pending_, pos);
    if (!rec) co_return error(errc::corrupt, "store: pending batch: ", rec.error().message());
    if (rec->type == block_log::record_type::object) {
      index_.try_emplace(rec->id,
                         location{tag_pending, static_cast<std::uint32_t>(rec->data_offset),
                                  static_cast<std::uint32_t>(rec->data_size), rec->kind, true});
    } else {
      refs_.apply(rec->name, rec->target);
    }
  }
  co_return ok();
}

task<result<object_id>> block_backend::write(object_kind kind, std::span<const std::byte> payload) {
  if (payload.size() > options_.max_object_size) {
    co_return error(errc::limit_exceeded, "store: object larger than ", options_.max_object_size,
                    " bytes");
  }
  if (damaged_) co_return error(errc::permission_denied, "store: opened damaged, read-only");
  const object_id id = hash_object(super_.format, kind, payload);
  if (index_.contains(id)) co_return id;
  if (index_.size() >= options_.max_objects)
    co_return error(errc::limit_exceeded, "store: too many objects");
  block_log::put_object(pending_, kind, id, payload);
  const std::size_t data_offset = pending_.size() - payload.size();
  index_.emplace(id, location{tag_pending, static_cast<std::uint32_t>(data_offset),
                              static_cast<std::uint32_t>(payload.size()), kind, true});
  if (pending_.size() >= options_.spill_bytes) {
    // Written and flushed: a batch is never written before the one before
    // it is durable, so only the last batch can be torn (see open()).
    ATOLL_CO_TRYV(co_await flush());
  }
  co_return id;
}

task<result<void>> block_backend::write_pending() {
  if (pending_.empty()) co_return ok();
  const std::size_t size = super_.sector_size;
  block_log::batch_header h;
  h.generation = super_.generation;
  h.sequence = sequence_;
  h.previous = chain_;
  h.payload_size = static_cast<std::uint32_t>(pending_.size());
  h.payload_crc = block_log::crc(pending_);
  const std::uint64_t sectors = (block_log::header_size + pending_.size() + size - 1) / size;
  const std::uint64_t end = half_start(super_.half) + half_sectors();
  if (sectors > end - log_end_)
    co_return error(errc::limit_exceeded, "store: the device is full (compact it)");
  writing_ = std::move(pending_);
  pending_.clear();
  for (auto& [id, loc] : index_) {
    if (loc.pending && loc.batch_sector == tag_pending) loc.batch_sector = tag_writing;
  }
  std::vector<std::byte> bytes = block_log::encode_header(h);
  bytes.insert(bytes.end(), writing_.begin(), writing_.end());
  bytes.resize(sectors * size);
  const std::uint64_t at = log_end_;
  auto w = co_await dev_.write(sector(at), bytes);
  if (!w) {
    // Put the batch back in front of what was written meanwhile.
    const auto shift = static_cast<std::uint32_t>(writing_.size());
    for (auto& [id, loc] : index_) {
      if (!loc.pending) continue;
      if (loc.batch_sector == tag_pending) loc.offset += shift;
      loc.batch_sector = tag_pending;
    }
    writing_.insert(writing_.end(), pending_.begin(), pending_.end());
    pending_ = std::move(writing_);
    writing_.clear();
    co_return device_error(w.error(), "store: writing the log");
  }
  for (auto& [id, loc] : index_) {
    if (loc.pending && loc.batch_sector == tag_writing) {
      loc = location{at, static_cast<std::uint32_t>(block_log::header_size + loc.offset), loc.size,
                     loc.kind, false};
    }
  }
  for (std::size_t pos = 0; pos < writing_.size();) {
    auto rec = block_log::next_record(super_.format, writing_, pos);
    if (!rec) break;  // the batch was made here; it parses
    if (rec->type != block_log::record_type::ref) continue;
    disk_refs_.apply(rec->name, rec->target);
  }
  writing_.clear();
  log_end_ = at + sectors;
  ++sequence_;
  chain_ = h.chain();
  co_return ok();
}

task<result<raw_object>> block_backend::read(const object_id& id) {
  if (id.format() != super_.format)
    co_return error(errc::invalid_argument, "store: object id of another format");
  auto it = index_.find(id);
  if (it == index_.end()) co_return error(errc::not_found, "store: no object ", id.hex().view());
  const location loc = it->second;
  raw_object out{loc.kind, {}};
  if (loc.pending) {
    const auto& buffer = loc.batch_sector == tag_pending ? pending_ : writing_;
    out.payload.assign(buffer.begin() + loc.offset, buffer.begin() + loc.offset + loc.size);
  } else {
    const std::uint64_t size = super_.sector_size;
    const std::uint64_t byte = loc.batch_sector * size + loc.offset;
    const std::uint64_t first = byte / size;
    const std::uint64_t count =
        std::max<std::uint64_t>(1, (byte + loc.size - first * size + size - 1) / size);
    std::vector<std::byte> sectors(count * size);
    auto r = co_await dev_.read(sector(first), sectors);
    if (!r) co_return device_error(r.error(), "store: reading an object");
    const auto skip = static_cast<std::ptrdiff_t>(byte - first * size);
    out.payload.assign(sectors.begin() + skip, sectors.begin() + skip + loc.size);
  }
  if (hash_object(super_.format, out.kind, out.payload) != id) {
    co_return error(errc::corrupt, "store: object ", id.hex().view(), " fails its hash");
  }
  co_return out;
}

task<result<bool>> block_backend::contains(const object_id& id) {
  if (id.format() != super_.format)
    co_return error(errc::invalid_argument, "store: object id of another format");
  co_return index_.contains(id);
}

task<result<std::vector<object_id>>> block_backend::object_ids() {
  std::vector<object_id> ids;
  ids.reserve(index_.size());
  for (const auto& [id, loc] : index_) ids.push_back(id);
  co_return ids;
}

task<result<object_id>> block_backend::read_ref(std::string_view name) {
  co_return refs_.read(name);
}

task<result<void>> block_backend::update_ref(std::string_view name,
                                             std::optional<object_id> expected,
                                             std::optional<object_id> desired) {
  if (damaged_) co_return error(errc::permission_denied, "store: opened damaged, read-only");
  for (const auto* id : {&expected, &desired}) {
    if (*id && (*id)->format() != super_.format) {
      co_return error(errc::invalid_argument, "store: id of another format");
    }
  }
  ATOLL_CO_TRYV(refs_.check(name, expected, desired));
  block_log::put_ref(pending_, name, desired);
  refs_.apply(name, desired);
  co_return ok();
}

task<result<std::vector<ref_entry>>> block_backend::list_refs(std::string_view prefix) {
  co_return refs_.list(prefix);
}

task<result<void>> block_backend::flush() {
  ATOLL_CO_TRYV(co_await lock());
  auto w = co_await write_pending();
  if (w) {
    auto f = co_await dev_.flush();
    if (!f) w = device_error(f.error(), "store: flushing the device");
  }
  unlock();
  co_return w;
}

task<result<void>> block_backend::compact(std::span<const object_id> live) {
  ATOLL_CO_TRYV(co_await lock());
  auto done = [this](result<void> r) {
    unlock();
    return r;
  };
  // The pending batch stays pending (the current half may be full, which is
  // when compaction is wanted): live objects in it are copied like the
  // rest, and recover() indexes what remains pending after the switch.
  block_log::superblock next = super_;
  next.generation = super_.generation + 1;
  next.half = static_cast<std::uint8_t>(1 - super_.half);
  const std::size_t size = super_.sector_size;
  std::uint64_t at = half_start(next.half);
  const std::uint64_t end = at + half_sectors();
  std::uint64_t sequence = 0;
  std::uint64_t chain = 0;
  std::vector<std::byte> batch;
  // Writes one batch of the new generation (the scan in recover() reads it back).
  auto emit = [&](std::vector<std::byte>& payload)
      -> std::optional<std::pair<std::vector<std::byte>, std::uint64_t>> {
    block_log::batch_header h{next.generation, sequence, chain,
                              static_cast<std::uint32_t>(payload.size()), block_log::crc(payload)};
    std::vector<std::byte> bytes = block_log::encode_header(h);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    const std::uint64_t sectors = (bytes.size() + size - 1) / size;
    bytes.resize(sectors * size);
    if (sectors > end - at) return std::nullopt;
    ++sequence;
    chain = h.chain();
    payload.clear();
    return std::make_pair(std::move(bytes), sectors);
  };
  std::vector<object_id> wanted(live.begin(), live.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (std::size_t i = 0; i <= wanted.size(); ++i) {
    if (i < wanted.size()) {
      auto o = co_await read(wanted[i]);
      if (!o) co_return done(o.error());
      block_log::put_object(batch, o->kind, wanted[i], o->payload);
    } else {
      // The refs as the log has them: their objects are on the device (a
      // ref moved since points at objects still pending, which stay so).
      for (const auto& [name, id] : disk_refs_.entries()) block_log::put_ref(batch, name, id);
    }
    if (batch.size() >= options_.spill_bytes || (i == wanted.size() && !batch.empty())) {
      auto out = emit(batch);
      if (!out)
        co_return done(
            error(errc::limit_exceeded, "store: live data does not fit in the other half"));
      auto wr = co_await dev_.write(sector(at), out->first);
      if (!wr) co_return done(device_error(wr.error(), "store: compaction"));
      at += out->second;
    }
  }
  // The end of the new log: a zero sector, so a stale batch of an older
  // generation cannot follow it (the generation check refuses those anyway).
  if (at < end) {
    std::vector<std::byte> zero(size);
    auto wr = co_await dev_.write(sector(at), zero);
    if (!wr) co_return done(device_error(wr.error(), "store: compaction"));
  }
  auto f = co_await dev_.flush();
  if (!f) co_return done(device_error(f.error(), "store: compaction"));
  // The switch: one superblock write. Before it completes, the old
  // generation is the store.
  auto s = co_await write_superblock(next);
  if (!s) co_return done(s);
  super_ = next;
  co_return done(co_await recover());
}

block_backend::usage block_backend::stats() const noexcept {
  return usage{half_sectors(),      log_end_ - half_start(super_.half),
               super_.generation,   index_.size(),
               recovered_,          damaged_.has_value(),
               damaged_.value_or(0)};
}

}  // namespace atl::store
