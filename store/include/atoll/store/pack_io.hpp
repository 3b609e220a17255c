// pack_io: a backend's objects to and from a Git pack (`atoll store
// export` / `import`, and the way a store image is seeded or backed up).
#pragma once

#include <atoll/store/any_backend.hpp>
#include <atoll/store/pack.hpp>

namespace atl::store {

/// reachable(b, roots): every object reachable from `roots` (commits'
/// trees and parents, trees' entries except gitlinks, tags' targets),
/// each once, in the order found. An object missing or corrupt on the way
/// is that error, naming it. limit_exceeded past `max_objects`.
task<result<std::vector<object_id>>> reachable(any_backend& b, std::span<const object_id> roots,
                                               std::size_t max_objects = std::size_t{1} << 22);

/// export_pack(b, roots): a pack and index of everything reachable from
/// `roots`.
task<result<pack_files>> export_pack(any_backend& b, std::span<const object_id> roots);

/// import_pack(b, pack, limits): writes every object of `pack` into `b`
/// (which checks each id); the ids, in pack order.
task<result<std::vector<object_id>>> import_pack(any_backend& b, std::span<const std::byte> pack,
                                                 const pack_limits& limits = {});

}  // namespace atl::store
