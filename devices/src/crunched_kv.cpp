#include <atoll/devices/crunched_kv.hpp>

#include <algorithm>
#include <string>

namespace atl {

namespace {

std::span<const std::byte> bytes_of(const crunched_file& f) noexcept {
  return {reinterpret_cast<const std::byte*>(f.data.data()), f.data.size()};
}

/// The text that every path beneath dictionary `key` starts with.
std::string dictionary_prefix(const kv_key& key) {
  if (key.is_root()) return {};
  std::string prefix(key.text());
  prefix.push_back('/');
  return prefix;
}

}  // namespace

const crunched_file* crunched_kv::first_at_or_after(std::string_view text) const noexcept {
  return std::lower_bound(files_.data(), files_.data() + files_.size(), text,
                          [](const crunched_file& f, std::string_view t) { return f.path < t; });
}

result<crunched_kv> crunched_kv::create(std::span<const crunched_file> files) noexcept {
  crunched_kv device(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string_view path = files[i].path;
    ATOLL_TRY(const kv_key key, kv_key::parse(path));
    if (key.is_root()) return error(errc::invalid_argument, "crunched file with an empty path");
    if (i > 0 && !(files[i - 1].path < path)) {
      return error(errc::invalid_argument, "crunched paths not sorted and unique at '", path, "'");
    }
    // A file whose parent is also a file: the table is sorted, so look it up.
    for (kv_key above = key.parent(); !above.is_root(); above = above.parent()) {
      const crunched_file* f = device.first_at_or_after(above.text());
      if (f != files.data() + files.size() && f->path == above.text()) {
        return error(errc::invalid_argument, "crunched path '", path, "' is beneath the file '",
                     above.text(), "'");
      }
    }
  }
  return device;
}

result<void> crunched_kv::verify_digests() const noexcept {
  for (const crunched_file& f : files_) {
    if (sha256_of(bytes_of(f)) != f.digest) {
      return error(errc::corrupt, "crunched file '", f.path, "' does not match its digest");
    }
  }
  return ok();
}

std::optional<kv_kind> crunched_kv::kind(const kv_key& key) const noexcept {
  if (key.is_root()) return kv_kind::dictionary;
  const crunched_file* end = files_.data() + files_.size();
  const crunched_file* f = first_at_or_after(key.text());
  if (f != end && f->path == key.text()) return kv_kind::value;
  const std::string prefix = dictionary_prefix(key);
  f = first_at_or_after(prefix);
  if (f != end && f->path.starts_with(prefix)) return kv_kind::dictionary;
  return std::nullopt;
}

result<const crunched_file*> crunched_kv::find_value(const kv_key& key) const noexcept {
  const auto k = kind(key);
  if (!k) return error(errc::not_found, "'", key.text(), "' not found");
  if (*k == kv_kind::dictionary) {
    return error(errc::invalid_argument, "'", key.text(), "' is a dictionary");
  }
  return first_at_or_after(key.text());
}

result<std::vector<kv_entry>> crunched_kv::entries(const kv_key& key) const noexcept {
  const auto k = kind(key);
  if (!k) return error(errc::not_found, "'", key.text(), "' not found");
  if (*k == kv_kind::value) return error(errc::invalid_argument, "'", key.text(), "' is a value");
  const std::string prefix = dictionary_prefix(key);
  const crunched_file* end = files_.data() + files_.size();
  std::vector<kv_entry> out;
  // Paths that share a prefix are adjacent in the sorted table.
  for (const crunched_file* f = first_at_or_after(prefix); f != end && f->path.starts_with(prefix);
       ++f) {
    const std::string_view rest = f->path.substr(prefix.size());
    const std::size_t slash = rest.find('/');
    const std::string_view name = rest.substr(0, slash);
    if (!out.empty() && out.back().name == name) continue;
    if (out.size() == kv_max_list) {
      return error(errc::limit_exceeded, "'", key.text(), "' has more than ", kv_max_list,
                   " entries");
    }
    out.push_back(kv_entry{std::string(name),
                           slash == std::string_view::npos ? kv_kind::value : kv_kind::dictionary});
  }
  std::sort(out.begin(), out.end(),
            [](const kv_entry& a, const kv_entry& b) { return a.name < b.name; });
  return out;
}

task<result<buf>> crunched_kv::get(kv_key key) const noexcept {
  ATOLL_CO_TRY(const crunched_file* f, find_value(key));
  co_return buf::borrow(bytes_of(*f));
}

task<result<buf>> crunched_kv::get_partial(kv_key key, std::uint64_t offset,
                                           std::uint64_t length) const noexcept {
  ATOLL_CO_TRY(const crunched_file* f, find_value(key));
  const std::uint64_t size = f->data.size();
  if (offset > size) {
    co_return error(errc::invalid_argument, "offset ", offset, " is past the end (", size, ")");
  }
  const auto count = static_cast<std::size_t>(std::min(length, size - offset));
  co_return buf::borrow(bytes_of(*f).subspan(static_cast<std::size_t>(offset), count));
}

task<result<std::vector<kv_entry>>> crunched_kv::list(kv_key key) const noexcept {
  co_return entries(key);
}

task<result<std::optional<kv_kind>>> crunched_kv::exists(kv_key key) const noexcept {
  co_return kind(key);
}

task<result<std::uint64_t>> crunched_kv::size(kv_key key) const noexcept {
  ATOLL_CO_TRY(const crunched_file* f, find_value(key));
  co_return std::uint64_t{f->data.size()};
}

task<result<sha256_digest>> crunched_kv::digest(kv_key key) const noexcept {
  ATOLL_CO_TRY(const crunched_file* f, find_value(key));
  co_return f->digest;
}

task<result<std::optional<kv_info>>> crunched_kv::info(kv_key key) const noexcept {
  const auto k = kind(key);
  if (!k) co_return std::optional<kv_info>();
  if (*k == kv_kind::dictionary) co_return std::optional<kv_info>(kv_info{kv_kind::dictionary});
  const crunched_file* f = first_at_or_after(key.text());
  co_return std::optional<kv_info>(kv_info{kv_kind::value, std::uint64_t{f->data.size()},
                                           wall_time(duration(f->mtime_ns)), f->digest});
}

task<result<wall_time>> crunched_kv::last_modified(kv_key key) const noexcept {
  ATOLL_CO_TRY(const crunched_file* f, find_value(key));
  co_return wall_time(duration(f->mtime_ns));
}

}  // namespace atl
