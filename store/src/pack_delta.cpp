// apply_delta: git's delta encoding (gitformat-pack(5), "Deltified
// representation"): the base's size, the result's size, then instructions
// that copy a range of the base or insert literal bytes.
#include <atoll/store/pack.hpp>

#include <cstring>

namespace atl::store {
namespace {

// A size as the delta header writes it: 7 bits per byte, least significant
// first, the top bit saying another byte follows.
result<std::uint64_t> delta_size(std::span<const std::byte> delta, std::size_t& pos) {
  std::uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (pos >= delta.size()) return error(errc::corrupt, "delta: truncated size");
    const auto b = std::to_integer<std::uint64_t>(delta[pos++]);
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return error(errc::corrupt, "delta: size too long");
}

}  // namespace

result<std::vector<std::byte>> apply_delta(std::span<const std::byte> base,
                                           std::span<const std::byte> delta, std::size_t max_size) {
  std::size_t pos = 0;
  ATOLL_TRY(const std::uint64_t base_size, delta_size(delta, pos));
  ATOLL_TRY(const std::uint64_t result_size, delta_size(delta, pos));
  if (base_size != base.size()) return error(errc::corrupt, "delta: base size does not match");
  if (result_size > max_size)
    return error(errc::limit_exceeded, "delta: result larger than the limit");
  std::vector<std::byte> out;
  out.reserve(static_cast<std::size_t>(result_size));
  while (pos < delta.size()) {
    const auto op = std::to_integer<unsigned>(delta[pos++]);
    if (op & 0x80) {
      // Copy: which offset and size bytes follow is given by the op's bits.
      std::uint64_t offset = 0;
      std::uint64_t size = 0;
      for (unsigned i = 0; i < 4; ++i) {
        if (op & (1u << i)) {
          if (pos >= delta.size()) return error(errc::corrupt, "delta: truncated copy");
          offset |= std::to_integer<std::uint64_t>(delta[pos++]) << (8 * i);
        }
      }
      for (unsigned i = 0; i < 3; ++i) {
        if (op & (0x10u << i)) {
          if (pos >= delta.size()) return error(errc::corrupt, "delta: truncated copy");
          size |= std::to_integer<std::uint64_t>(delta[pos++]) << (8 * i);
        }
      }
      if (size == 0) size = 0x10000;
      if (offset > base.size() || size > base.size() - offset) {
        return error(errc::corrupt, "delta: copy outside the base");
      }
      if (size > result_size - out.size()) return error(errc::corrupt, "delta: result overflows");
      out.insert(out.end(), base.begin() + static_cast<std::ptrdiff_t>(offset),
                 base.begin() + static_cast<std::ptrdiff_t>(offset + size));
    } else if (op != 0) {
      if (op > delta.size() - pos) return error(errc::corrupt, "delta: truncated insert");
      if (op > result_size - out.size()) return error(errc::corrupt, "delta: result overflows");
      out.insert(out.end(), delta.begin() + static_cast<std::ptrdiff_t>(pos),
                 delta.begin() + static_cast<std::ptrdiff_t>(pos + op));
      pos += op;
    } else {
      return error(errc::corrupt, "delta: reserved instruction 0");
    }
  }
  if (out.size() != result_size) return error(errc::corrupt, "delta: result size does not match");
  return out;
}

}  // namespace atl::store
