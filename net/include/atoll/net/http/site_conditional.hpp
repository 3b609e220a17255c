// Validators and conditional requests for the static-file responder
// (RFC 9110 8.8 and 13.1).
//
// The ETag of a value is its content digest: the first 32 hexadecimal digits
// (128 bits) of the SHA-256 the KvRo device keeps, quoted, and strong. 128
// bits are plenty to tell two versions of one file apart (a cache validator
// does not have to resist an attacker choosing both versions), and the header
// stays short. The same bytes give the same ETag on every backend and after
// every restart, so caches stay valid across deployments. If-None-Match is
// compared with http::etag_matches (target.hpp).
#pragma once

#include <atoll/core/time.hpp>
#include <atoll/devices/sha256.hpp>

#include <string>

namespace atl::net {

/// site_etag(digest): the strong entity tag of a value, quoted:
/// "\"0123...\"" (32 lowercase hex digits between double quotes).
[[nodiscard]] std::string site_etag(const sha256_digest& digest);

/// site_not_modified_since(modified, since): true when a value last modified
/// at `modified` has not changed after `since` (an If-Modified-Since date), at
/// the one-second resolution of HTTP dates: floor(modified) <= since.
[[nodiscard]] bool site_not_modified_since(wall_time modified, wall_time since) noexcept;

}  // namespace atl::net
