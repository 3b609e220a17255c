#include <atoll/devices/kv_memory_store.hpp>

#include <algorithm>
#include <utility>

namespace atl {

namespace {

/// The text that every key beneath dictionary `key` starts with.
std::string dictionary_prefix(const kv_key& key) {
  if (key.is_root()) return {};
  std::string prefix(key.text());
  prefix.push_back('/');
  return prefix;
}

}  // namespace

std::optional<kv_kind> kv_memory_store::kind_in(const state& s, const kv_key& key) noexcept {
  if (key.is_root()) return kv_kind::dictionary;
  if (s.entries.find(key.text()) != s.entries.end()) return kv_kind::value;
  const std::string prefix = dictionary_prefix(key);
  const auto it = s.entries.lower_bound(prefix);
  if (it != s.entries.end() && it->first.starts_with(prefix)) return kv_kind::dictionary;
  return std::nullopt;
}

result<const kv_memory_store::entry*> kv_memory_store::find_value(
    const kv_key& key) const noexcept {
  const auto it = state_.entries.find(key.text());
  if (it != state_.entries.end()) return &it->second;
  if (kind_in(state_, key)) {
    return error(errc::invalid_argument, "'", key.text(), "' is a dictionary");
  }
  return error(errc::not_found, "'", key.text(), "' not found");
}

std::optional<kv_kind> kv_memory_store::exists(const kv_key& key) const noexcept {
  return kind_in(state_, key);
}

result<buf> kv_memory_store::get(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry* e, find_value(key));
  return buf::copy_of(e->data.bytes(), 0, budget_);
}

result<buf> kv_memory_store::get_partial(const kv_key& key, std::uint64_t offset,
                                         std::uint64_t length) const noexcept {
  ATOLL_TRY(const entry* e, find_value(key));
  const std::uint64_t size = e->data.size();
  if (offset > size) {
    return error(errc::invalid_argument, "offset ", offset, " is past the end (", size, ")");
  }
  const auto count = static_cast<std::size_t>(std::min(length, size - offset));
  return buf::copy_of(e->data.bytes().subspan(static_cast<std::size_t>(offset), count), 0, budget_);
}

result<std::vector<kv_entry>> kv_memory_store::list(const kv_key& key) const noexcept {
  const auto kind = kind_in(state_, key);
  if (!kind) return error(errc::not_found, "'", key.text(), "' not found");
  if (*kind == kv_kind::value) {
    return error(errc::invalid_argument, "'", key.text(), "' is a value");
  }
  const std::string prefix = dictionary_prefix(key);
  std::vector<kv_entry> out;
  // Keys that share a prefix are adjacent in the map, so every entry of one
  // sub-dictionary comes in one run.
  for (auto it = state_.entries.lower_bound(prefix);
       it != state_.entries.end() && it->first.starts_with(prefix); ++it) {
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
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

result<std::uint64_t> kv_memory_store::size(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry* e, find_value(key));
  return std::uint64_t{e->data.size()};
}

result<sha256_digest> kv_memory_store::digest(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry* e, find_value(key));
  return e->digest;
}

result<wall_time> kv_memory_store::last_modified(const kv_key& key) const noexcept {
  ATOLL_TRY(const entry* e, find_value(key));
  return e->modified;
}

result<void> kv_memory_store::apply_set(state& s, const kv_key& key,
                                        std::span<const std::byte> data,
                                        wall_time now) const noexcept {
  if (key.is_root()) return error(errc::invalid_argument, "cannot set the root");
  if (kind_in(s, key) == kv_kind::dictionary) {
    return error(errc::invalid_argument, "'", key.text(), "' is a dictionary");
  }
  for (kv_key above = key.parent(); !above.is_root(); above = above.parent()) {
    if (s.entries.find(above.text()) != s.entries.end()) {
      return error(errc::invalid_argument, "'", above.text(), "' is a value");
    }
  }
  const auto existing = s.entries.find(key.text());
  const std::size_t old_size =
      existing == s.entries.end() ? 0 : key.text().size() + existing->second.data.size();
  const std::size_t new_size = key.text().size() + data.size();
  if (new_size > max_bytes_ || s.used - old_size > max_bytes_ - new_size) {
    return error(errc::limit_exceeded, "setting '", key.text(), "' would exceed ", max_bytes_,
                 " bytes");
  }
  ATOLL_TRY(buf copy, buf::copy_of(data, 0, budget_));
  entry e{std::move(copy), sha256_of(data), now};
  if (existing == s.entries.end()) {
    s.entries.emplace(std::string(key.text()), std::move(e));
  } else {
    existing->second = std::move(e);
  }
  s.used = s.used - old_size + new_size;
  return ok();
}

result<void> kv_memory_store::apply_remove(state& s, const kv_key& key) noexcept {
  if (key.is_root()) return error(errc::invalid_argument, "cannot remove the root");
  const auto it = s.entries.find(key.text());
  if (it != s.entries.end()) {
    s.used -= it->first.size() + it->second.data.size();
    s.entries.erase(it);
    return ok();
  }
  const std::string prefix = dictionary_prefix(key);
  auto first = s.entries.lower_bound(prefix);
  auto last = first;
  while (last != s.entries.end() && last->first.starts_with(prefix)) {
    s.used -= last->first.size() + last->second.data.size();
    ++last;
  }
  if (first == last) return error(errc::not_found, "'", key.text(), "' not found");
  s.entries.erase(first, last);
  return ok();
}

result<void> kv_memory_store::set(const kv_key& key, std::span<const std::byte> data,
                                  wall_time now) noexcept {
  return apply_set(state_, key, data, now);
}

result<void> kv_memory_store::remove(const kv_key& key) noexcept {
  return apply_remove(state_, key);
}

result<void> kv_memory_store::batch(std::span<const kv_op> ops, wall_time now) noexcept {
  if (ops.size() > kv_max_batch) {
    return error(errc::limit_exceeded, "batch of ", ops.size(), " operations (at most ",
                 kv_max_batch, ")");
  }
  state next = state_;
  for (const kv_op& op : ops) {
    if (op.kind == kv_op_kind::set) {
      ATOLL_TRYV(apply_set(next, op.key, op.data, now));
    } else {
      ATOLL_TRYV(apply_remove(next, op.key));
    }
  }
  state_ = std::move(next);
  return ok();
}

}  // namespace atl
