// random: the entropy device, a cryptographically secure generator.
//
// The role of MirageOS's Mirage_crypto_rng: every target hands the
// application one generator seeded from the target's own entropy
// (unix_target::random over getrandom(2); later RDSEED and virtio-rng in
// kernel images). Protocol code receives it by reference: TCP initial
// sequence numbers, DNS query ids, TLS, keys.
#pragma once

#include <concepts>
#include <cstddef>
#include <span>

namespace atl {

/// random<R>: `r.fill(out)` writes unpredictable bytes over all of `out`.
/// It cannot fail: a generator that could not be seeded is never handed out
/// (its create() failed instead). Synchronous and cheap; no two calls, and no
/// two generators seeded from the target's entropy, give the same bytes.
template <class R>
concept random = requires(R& r, std::span<std::byte> out) {
  { r.fill(out) } -> std::same_as<void>;
};

}  // namespace atl
