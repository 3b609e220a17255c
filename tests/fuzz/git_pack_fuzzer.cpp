// git_pack_fuzzer: store/pack's reader on any bytes, and the delta decoder.
//
// The first byte picks the target: even, the input after it is a whole pack
// (SHA-1 trailer; the harness fixes the trailer up half of the time so the
// fuzzer gets past the checksum into the entries); odd, it is a base and a
// delta split at the second byte's position. Nothing may crash, read out of
// bounds, or allocate past the limits.
#include <atoll/store/pack.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

using namespace atl::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  const std::span<const std::byte> rest(bytes + 2, size - 2);
  const pack_limits limits{.max_objects = 256,
                           .max_object_size = 1 << 20,
                           .max_delta_depth = 16,
                           .max_total_bytes = 8 << 20};
  if ((data[0] & 1) == 0) {
    std::vector<std::byte> pack(rest.begin(), rest.end());
    if ((data[0] & 2) != 0 && pack.size() >= 20) {
      object_hasher h(hash_format::sha1);
      h.update(std::span<const std::byte>(pack).first(pack.size() - 20));
      const auto sum = h.finish();
      std::copy(sum.raw().begin(), sum.raw().end(), pack.end() - 20);
    }
    auto objects = read_pack(hash_format::sha1, pack, limits);
    if (objects) {
      for (const auto& o : *objects) {
        if (o.id != hash_object(hash_format::sha1, o.object.kind, o.object.payload)) std::abort();
      }
    }
  } else {
    const std::size_t split = std::min<std::size_t>(data[1], rest.size());
    auto out = apply_delta(rest.first(split), rest.subspan(split), 1 << 20);
    (void)out;
  }
  return 0;
}
