// block_backend: the store's objects and refs in a crash-safe log on a
// Block device, for every target (docs/store-pack.md).
//
// Meets `backend`. Writes go to an in-memory batch; flush() writes the
// batch in one sequential request and then flushes the device, so one
// flush makes many commits durable ("batched flushes"). A batch past
// `spill_bytes` is written early, without the device flush. At open the
// log is scanned: every batch whose header, chain and CRC check is applied,
// and the scan stops at the first that does not (a torn or never-finished
// write), so what survives a crash is exactly a prefix of the log, which
// holds every ref update a completed flush() covered and the objects
// written before it. compact(live) rewrites the live objects and the refs
// into the other half and switches to it with one superblock write; a crash
// before that write leaves the old generation in force.
//
// Errors: open() on a device with no valid superblock, another sector size
// or a format it does not know is errc::corrupt saying so; a full half is
// limit_exceeded (nothing is lost: the batch stays pending; compact or give
// a larger device); a device failure is io_error; a read whose bytes do not
// hash to the id is corrupt naming it.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/event.hpp>
#include <atoll/store/any_block.hpp>
#include <atoll/store/backend.hpp>
#include <atoll/store/block_log.hpp>
#include <atoll/store/ref_table.hpp>

#include <map>
#include <memory>
#include <unordered_map>

namespace atl::store {

struct block_backend_options {
  std::size_t spill_bytes = std::size_t{4} << 20;  ///< pending batch written early past this
  std::size_t max_object_size = default_max_object_size;
  std::size_t max_objects = std::size_t{1} << 24;
  std::size_t max_refs = 1 << 16;
  /// Open a damaged log anyway, read-only, for fsck and rescue (see open).
  bool open_damaged = false;
};

class block_backend {
public:
  /// create(e, dev, format): formats `dev` (everything on it is lost) and
  /// opens it. The device must outlive the backend.
  static task<result<std::unique_ptr<block_backend>>> create(engine& e, any_block& dev,
                                                             hash_format format,
                                                             block_backend_options options = {});
  /// open(e, dev): opens the store on `dev`, recovering after a crash.
  /// Every batch is written and flushed before the next is started, so
  /// only the last batch can be torn by a crash; a batch that fails its
  /// checksum while the next one is intact is damage, not a crash, and open
  /// fails with errc::corrupt saying so, unless options.open_damaged, which
  /// opens the intact prefix read-only and reports the damage in stats().
  static task<result<std::unique_ptr<block_backend>>> open(engine& e, any_block& dev,
                                                           block_backend_options options = {});

  [[nodiscard]] hash_format format() const noexcept { return super_.format; }
  task<result<object_id>> write(object_kind kind, std::span<const std::byte> payload);
  task<result<raw_object>> read(const object_id& id);
  task<result<bool>> contains(const object_id& id);
  task<result<std::vector<object_id>>> object_ids();
  task<result<object_id>> read_ref(std::string_view name);
  task<result<void>> update_ref(std::string_view name, std::optional<object_id> expected,
                                std::optional<object_id> desired);
  task<result<std::vector<ref_entry>>> list_refs(std::string_view prefix);
  task<result<void>> flush();

  /// compact(live): keeps only the objects in `live` (the caller computes
  /// reachability, e.g. pack_io's reachable() from every ref) and the refs,
  /// in the other half; works on a full device. Writes still pending stay
  /// pending (flush() writes them to the new log).
  task<result<void>> compact(std::span<const object_id> live);

  struct usage {
    std::uint64_t half_sectors = 0;  ///< sectors of one half
    std::uint64_t used_sectors = 0;  ///< sectors of the current log
    std::uint64_t generation = 0;
    std::size_t objects = 0;
    std::uint64_t batches_recovered = 0;  ///< batches applied at open
    bool damaged = false;                 ///< a damaged batch ends the log (open_damaged)
    std::uint64_t damaged_batch = 0;      ///< its sequence number
  };
  [[nodiscard]] usage stats() const noexcept;

  block_backend(const block_backend&) = delete;
  block_backend& operator=(const block_backend&) = delete;
  ~block_backend();

private:
  // Where an object's bytes are: in a written batch (sector of the batch,
  // offset of the payload within the batch's bytes), or in memory.
  struct location {
    std::uint64_t batch_sector = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    object_kind kind = object_kind::blob;
    bool pending = false;  ///< offset is into pending_ (or writing_)
  };

  block_backend(engine& e, any_block& dev, block_backend_options options) noexcept;
  [[nodiscard]] std::uint64_t half_start(std::uint8_t half) const noexcept;
  [[nodiscard]] std::uint64_t half_sectors() const noexcept;
  task<result<void>> recover();
  task<result<void>> write_superblock(const block_log::superblock& s);
  // Writes the pending batch (if any) at the log's end; no device flush.
  task<result<void>> write_pending();
  task<result<void>> lock();
  void unlock() noexcept;

  any_block& dev_;
  block_backend_options options_;
  block_log::superblock super_;
  std::uint64_t log_end_ = 0;   ///< first free sector of the current half
  std::uint64_t sequence_ = 0;  ///< of the next batch
  std::uint64_t chain_ = 0;     ///< of the last batch written
  std::uint64_t recovered_ = 0;
  std::optional<std::uint64_t> damaged_;  ///< sequence of a damaged batch with an intact successor
  std::unordered_map<object_id, location, object_id_hash> index_;
  ref_table refs_;
  ref_table disk_refs_;             ///< as the written log has them
  std::vector<std::byte> pending_;  ///< the next batch's payload
  std::vector<std::byte> writing_;  ///< the batch being written (reads still find it)
  bool busy_ = false;
  event idle_;
};

}  // namespace atl::store
