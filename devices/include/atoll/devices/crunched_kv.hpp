// crunched_kv: a kv_ro over files compiled into the image (the role of
// MirageOS's crunch).
//
// The `atoll` tool turns a directory into a C++ source at build time. That
// source holds the bytes of each file in a static array and a table of
// crunched_file, and the generated main hands the table to
// crunched_kv::create(). Reads never copy: get() returns buf::borrow views of
// the arrays, which live as long as the image.
//
// The generated source, for a directory with index.html and css/site.css
// (file names are made-up C++ identifiers; the text may also be written as
// a string literal, whose terminating NUL is then left out of the span):
//
//   #include <atoll/devices/crunched_kv.hpp>
//   namespace {
//   constexpr unsigned char file_0[] = {0x3c, 0x21, 0x64, ...};
//   constexpr unsigned char file_1[] = "body { margin: 0 }\n";
//   constexpr atl::crunched_file files[] = {
//       {"css/site.css", {file_1, sizeof file_1 - 1},
//        atl::sha256_digest{std::byte{0x9f}, ...}, 1700000000000000000},
//       {"index.html", file_0, atl::sha256_digest{std::byte{0x2c}, ...}, 1700000000000000000},
//   };
//   }  // namespace
//   std::span<const atl::crunched_file> crunched_site() noexcept { return files; }
//
// Rules for the table, checked by create(): every path is a valid kv_key
// text and not the root; paths are sorted in byte order (std::string_view's
// operator<) and unique; no path is a dictionary of another ("a" and "a/b"
// cannot both be files). Empty directories are not represented. The digest
// must be the SHA-256 of the data (verify_digests() checks it; it hashes
// everything, so the generated main calls it only when asked).
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace atl {

/// crunched_file: one file of a crunched directory. Everything it points to
/// has static storage duration (it is part of the image).
struct crunched_file {
  std::string_view path;                ///< "css/site.css": a kv_key text
  std::span<const unsigned char> data;  ///< the file's bytes
  sha256_digest digest;                 ///< SHA-256 of data
  std::int64_t mtime_ns = 0;            ///< modification time, ns since the Unix epoch
};

class crunched_kv {
public:
  /// create(files): a device over the table, which must outlive it (a static
  /// table does). errc::invalid_argument naming the first path that breaks
  /// the rules above.
  static result<crunched_kv> create(std::span<const crunched_file> files) noexcept;

  /// verify_digests: errc::corrupt naming the first file whose digest is not
  /// the SHA-256 of its data.
  [[nodiscard]] result<void> verify_digests() const noexcept;

  // The kv_ro contract (kv_ro.hpp). Every task completes without suspending.
  // get and get_partial return borrowed views of the image's bytes (never
  // writable, valid forever).
  task<result<buf>> get(kv_key key) const noexcept;
  task<result<buf>> get_partial(kv_key key, std::uint64_t offset,
                                std::uint64_t length) const noexcept;
  task<result<std::vector<kv_entry>>> list(kv_key key) const noexcept;
  task<result<std::optional<kv_kind>>> exists(kv_key key) const noexcept;
  task<result<std::uint64_t>> size(kv_key key) const noexcept;
  task<result<sha256_digest>> digest(kv_key key) const noexcept;
  task<result<wall_time>> last_modified(kv_key key) const noexcept;
  /// info (kv_ro_info): one lookup for what the four questions above give.
  task<result<std::optional<kv_info>>> info(kv_key key) const noexcept;

  /// files: the table.
  [[nodiscard]] std::span<const crunched_file> files() const noexcept { return files_; }

  // The same lookups, synchronously.
  [[nodiscard]] result<const crunched_file*> find_value(const kv_key& key) const noexcept;
  [[nodiscard]] std::optional<kv_kind> kind(const kv_key& key) const noexcept;
  [[nodiscard]] result<std::vector<kv_entry>> entries(const kv_key& key) const noexcept;

private:
  explicit crunched_kv(std::span<const crunched_file> files) noexcept : files_(files) {}
  /// first_at_or_after(text): the first file whose path is not less than text.
  [[nodiscard]] const crunched_file* first_at_or_after(std::string_view text) const noexcept;

  std::span<const crunched_file> files_;
};

static_assert(kv_ro<crunched_kv>);

}  // namespace atl
