// kv_ro_either<A, B>: one of two KvRo devices, chosen when it is made.
//
// For an application that takes one kv_ro device and a target that can back
// it two ways picked by a key at boot: on unix, static-site's `htdocs` is the
// crunched files (A) unless --htdocs-dir names a host folder (B). Every call
// goes to the chosen device, so the kv_ro contract (kv_ro.hpp) is the chosen
// device's. The choice is a tag and two optionals: no allocation, no
// virtual calls, no RTTI.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace atl {

template <kv_ro A, kv_ro B>
class kv_ro_either {
public:
  /// first(a) / second(b): the device over `a` or `b` (moved in).
  static kv_ro_either first(A a) noexcept { return kv_ro_either(std::move(a), std::nullopt); }
  static kv_ro_either second(B b) noexcept { return kv_ro_either(std::nullopt, std::move(b)); }
  /// The same from a device's create(): its error passes through.
  static result<kv_ro_either> first(result<A> a) noexcept {
    if (!a) return a.error();
    return first(std::move(*a));
  }
  static result<kv_ro_either> second(result<B> b) noexcept {
    if (!b) return b.error();
    return second(std::move(*b));
  }

  /// is_first: the device is the first kind (A).
  [[nodiscard]] bool is_first() const noexcept { return a_.has_value(); }

  task<result<buf>> get(kv_key key) noexcept {
    return a_ ? a_->get(std::move(key)) : b_->get(std::move(key));
  }
  task<result<buf>> get_partial(kv_key key, std::uint64_t offset, std::uint64_t length) noexcept {
    return a_ ? a_->get_partial(std::move(key), offset, length)
              : b_->get_partial(std::move(key), offset, length);
  }
  task<result<std::vector<kv_entry>>> list(kv_key key) noexcept {
    return a_ ? a_->list(std::move(key)) : b_->list(std::move(key));
  }
  task<result<std::optional<kv_kind>>> exists(kv_key key) noexcept {
    return a_ ? a_->exists(std::move(key)) : b_->exists(std::move(key));
  }
  task<result<std::uint64_t>> size(kv_key key) noexcept {
    return a_ ? a_->size(std::move(key)) : b_->size(std::move(key));
  }
  task<result<sha256_digest>> digest(kv_key key) noexcept {
    return a_ ? a_->digest(std::move(key)) : b_->digest(std::move(key));
  }
  task<result<wall_time>> last_modified(kv_key key) noexcept {
    return a_ ? a_->last_modified(std::move(key)) : b_->last_modified(std::move(key));
  }
  /// info(key): the chosen device's kv_describe (kv_ro.hpp): its own info()
  /// when it has one.
  task<result<std::optional<kv_info>>> info(kv_key key) noexcept {
    return a_ ? kv_describe(*a_, std::move(key)) : kv_describe(*b_, std::move(key));
  }

private:
  kv_ro_either(std::optional<A> a, std::optional<B> b) noexcept
      : a_(std::move(a)), b_(std::move(b)) {}

  std::optional<A> a_;
  std::optional<B> b_;
};

}  // namespace atl
