// IP fragment reassembly (fragment_buffer.hpp has the contract).
#include <atoll/core/assert.hpp>
#include <atoll/net/ip/fragment_buffer.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace atl::net::ip {

// ---- fragment_buffer ------------------------------------------------------

fragment_buffer::fragment_buffer(std::size_t max_fragments, std::size_t max_len) noexcept
    : max_fragments_(max_fragments), max_len_(max_len) {
  pieces_.reserve(max_fragments);
}

fragment_status fragment_buffer::check_alone(std::uint32_t offset, bool more, std::size_t len,
                                             std::size_t max_len) noexcept {
  if (len == 0 || offset % 8 != 0 || (more && len % 8 != 0)) return fragment_status::bad_fragment;
  if (len > max_len || offset > max_len - len) return fragment_status::too_large;
  return fragment_status::held;
}

fragment_status fragment_buffer::check(std::uint32_t offset, bool more,
                                       std::size_t len) const noexcept {
  const auto alone = check_alone(offset, more, len, max_len_);
  if (alone != fragment_status::held) return alone;
  const std::size_t end = offset + len;
  for (const auto& p : pieces_) {
    const std::size_t p_end = p.offset + p.data.size();
    if (p.offset == offset && p_end == end) {
      // The same range again: a retransmission, unless it changes its mind
      // about being the final fragment.
      const bool was_final = total_len_.has_value() && p_end == *total_len_;
      return was_final == !more ? fragment_status::duplicate : fragment_status::bad_fragment;
    }
    if (offset < p_end && p.offset < end) return fragment_status::overlap;
  }
  if (total_len_.has_value()) {
    if (!more || end > *total_len_) return fragment_status::bad_fragment;
  } else if (!more && !pieces_.empty()) {
    // The final fragment must end after everything already held.
    const auto& last = pieces_.back();
    if (last.offset + last.data.size() > end) return fragment_status::bad_fragment;
  }
  if (pieces_.size() >= max_fragments_) return fragment_status::too_many_fragments;
  const std::size_t total = more ? total_len_.value_or(0) : end;
  const bool done = (!more || total_len_.has_value()) && held_ + len == total;
  return done ? fragment_status::complete : fragment_status::held;
}

fragment_status fragment_buffer::add(std::uint32_t offset, bool more,
                                     std::span<const std::byte> payload,
                                     memory_budget* budget) noexcept {
  const auto status = check(offset, more, payload.size());
  if (status != fragment_status::held && status != fragment_status::complete) return status;
  auto copy = buf::copy_of(payload, 0, budget);
  if (!copy) return fragment_status::no_memory;
  const auto at = std::find_if(pieces_.begin(), pieces_.end(),
                               [offset](const piece& p) { return p.offset > offset; });
  pieces_.insert(at, piece{offset, std::move(*copy)});
  held_ += payload.size();
  if (!more) total_len_ = offset + payload.size();
  return status;
}

result<buf> fragment_buffer::assemble(std::size_t headroom, memory_budget* budget) const noexcept {
  if (!complete()) return error(errc::invalid_argument, "datagram not complete");
  ATOLL_TRY(auto out, buf::allocate(*total_len_, headroom, budget));
  for (const auto& p : pieces_) ATOLL_TRYV(out.fill(p.offset, p.data.bytes()));
  return out;
}

void fragment_buffer::clear() noexcept {
  pieces_.clear();
  held_ = 0;
  total_len_.reset();
}

// ---- reassembly_key -------------------------------------------------------

reassembly_key reassembly_key::make(std::span<const std::byte> source,
                                    std::span<const std::byte> rest) noexcept {
  ATOLL_ASSERT(source.size() + rest.size() <= max_len);
  reassembly_key k;
  if (!source.empty()) std::memcpy(k.bytes.data(), source.data(), source.size());
  if (!rest.empty()) std::memcpy(k.bytes.data() + source.size(), rest.data(), rest.size());
  k.len = static_cast<std::uint8_t>(source.size() + rest.size());
  k.source_len = static_cast<std::uint8_t>(source.size());
  return k;
}

bool reassembly_key::same_source(const reassembly_key& other) const noexcept {
  return source_len == other.source_len &&
         std::memcmp(bytes.data(), other.bytes.data(), source_len) == 0;
}

// ---- reassembler ----------------------------------------------------------

reassembler::reassembler(const reassembly_limits& limits, memory_budget* budget) noexcept
    : limits_(limits), budget_(budget) {
  slots_.reserve(limits_.max_datagrams);
  for (std::size_t i = 0; i < limits_.max_datagrams; ++i) {
    slots_.push_back(
        slot{false, {}, {}, 0, fragment_buffer(limits_.max_fragments, limits_.max_len)});
  }
}

reassembler::slot* reassembler::find(const reassembly_key& key) noexcept {
  for (auto& s : slots_) {
    if (s.used && s.key == key) return &s;
  }
  return nullptr;
}

reassembler::slot* reassembler::free_slot() noexcept {
  for (auto& s : slots_) {
    if (!s.used) return &s;
  }
  return nullptr;
}

reassembler::slot* reassembler::oldest(const slot* except) noexcept {
  slot* best = nullptr;
  for (auto& s : slots_) {
    if (!s.used || &s == except) continue;
    if (best == nullptr || s.first_seen < best->first_seen ||
        (s.first_seen == best->first_seen && s.order < best->order)) {
      best = &s;
    }
  }
  return best;
}

void reassembler::discard(slot& s, reassembly_drop why) noexcept {
  held_ -= s.frags.bytes_held();
  s.frags.clear();
  s.used = false;
  --used_;
  if (why != reassembly_drop::count_) count(why);
}

std::size_t reassembler::source_datagrams(const reassembly_key& key) const noexcept {
  std::size_t n = 0;
  for (const auto& s : slots_) {
    if (s.used && s.key.same_source(key)) ++n;
  }
  return n;
}

std::size_t reassembler::source_bytes(const reassembly_key& key) const noexcept {
  std::size_t n = 0;
  for (const auto& s : slots_) {
    if (s.used && s.key.same_source(key)) n += s.frags.bytes_held();
  }
  return n;
}

std::size_t reassembler::in_progress() const noexcept { return used_; }

namespace {

// The drop reason and error of a refused fragment.
std::pair<reassembly_drop, errc> refusal(fragment_status st) noexcept {
  switch (st) {
    case fragment_status::overlap: return {reassembly_drop::overlap, errc::corrupt};
    case fragment_status::too_large: return {reassembly_drop::too_large, errc::corrupt};
    case fragment_status::too_many_fragments:
      return {reassembly_drop::too_many_fragments, errc::limit_exceeded};
    case fragment_status::no_memory: return {reassembly_drop::no_memory, errc::no_memory};
    default: return {reassembly_drop::bad_fragment, errc::corrupt};
  }
}

}  // namespace

result<std::optional<buf>> reassembler::add(const reassembly_key& key, std::uint32_t offset,
                                            bool more, std::span<const std::byte> payload,
                                            mono_time now) noexcept {
  ++stats_.fragments;
  expire(now);
  slot* s = find(key);
  const std::size_t len = payload.size();

  // Refuse what is wrong on its own or against the datagram before making
  // room for it: a bad fragment must not evict anything.
  const auto st = s != nullptr ? s->frags.check(offset, more, len)
                               : fragment_buffer::check_alone(offset, more, len, limits_.max_len);
  if (st == fragment_status::duplicate) {
    ++stats_.duplicates;
    return std::optional<buf>{};
  }
  if (st != fragment_status::held && st != fragment_status::complete) {
    const auto [why, code] = refusal(st);
    if (s != nullptr) {
      discard(*s, why);
    } else {
      count(why);
    }
    return error(code, "fragment refused");
  }
  if (s == nullptr && source_datagrams(key) >= limits_.max_per_source) {
    count(reassembly_drop::per_source_limit);
    return error(errc::limit_exceeded, "too many datagrams in reassembly from one source");
  }
  if (source_bytes(key) + len > limits_.max_bytes_per_source) {
    if (s != nullptr) {
      discard(*s, reassembly_drop::per_source_bytes);
    } else {
      count(reassembly_drop::per_source_bytes);
    }
    return error(errc::limit_exceeded, "too many fragment bytes from one source");
  }
  // Global limits: evict the oldest other datagrams until this one fits.
  while (held_ + len > limits_.max_bytes) {
    slot* victim = oldest(s);
    if (victim == nullptr) {
      if (s != nullptr) {
        discard(*s, reassembly_drop::no_memory);
      } else {
        count(reassembly_drop::no_memory);
      }
      return error(errc::no_memory, "fragment larger than the reassembly byte limit");
    }
    discard(*victim, reassembly_drop::evicted);
  }
  if (s == nullptr) {
    s = free_slot();
    if (s == nullptr) {
      s = oldest(nullptr);
      if (s == nullptr) {  // max_datagrams == 0
        count(reassembly_drop::no_memory);
        return error(errc::no_memory, "no reassembly slots");
      }
      discard(*s, reassembly_drop::evicted);
    }
    s->used = true;
    ++used_;
    s->key = key;
    s->first_seen = now;
    s->order = next_order_++;
  }

  const auto added = s->frags.add(offset, more, payload, budget_);
  if (added != fragment_status::held && added != fragment_status::complete) {
    discard(*s, refusal(added).first);
    return error(refusal(added).second, "fragment refused");
  }
  held_ += len;
  if (added == fragment_status::held) return std::optional<buf>{};
  auto whole = s->frags.assemble(limits_.headroom, budget_);
  if (!whole) {
    discard(*s, reassembly_drop::no_memory);
    return whole.error();
  }
  discard(*s, reassembly_drop::count_);
  ++stats_.reassembled;
  return std::optional<buf>{std::move(*whole)};
}

void reassembler::expire(mono_time now) noexcept {
  if (used_ == 0) return;
  for (auto& s : slots_) {
    if (s.used && now - s.first_seen >= limits_.timeout) discard(s, reassembly_drop::timeout);
  }
}

mono_time reassembler::next_deadline() const noexcept {
  // Asked for every frame through the direct stack's timer: nothing in
  // progress is the usual case, and costs no scan.
  if (used_ == 0) return mono_never;
  mono_time best = mono_never;
  for (const auto& s : slots_) {
    if (s.used && s.first_seen + limits_.timeout < best) best = s.first_seen + limits_.timeout;
  }
  return best;
}

}  // namespace atl::net::ip
