// git_object_fuzzer: store/objects' parsers on any bytes.
//
// Byte 0 picks the format (bit 0) and the kind (bits 1-2). A commit or tag
// that parses must emit exactly the bytes parsed (the round trip the store
// relies on to keep git's ids); a tree that passes check_object must give
// its references; nothing may crash.
#include <atoll/store/objects.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace atl::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const hash_format f = (data[0] & 1) != 0 ? hash_format::sha256 : hash_format::sha1;
  const auto kind = static_cast<object_kind>(1 + ((data[0] >> 1) & 3));
  const std::span<const std::byte> payload(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  const raw_object object{kind, std::vector<std::byte>(payload.begin(), payload.end())};
  if (kind == object_kind::commit) {
    auto c = parse_commit(f, payload);
    if (c) {
      auto again = emit_commit(*c);
      if (!again || *again != object.payload) std::abort();
    }
  } else if (kind == object_kind::tag) {
    auto t = parse_tag(f, payload);
    if (t) {
      auto again = emit_tag(*t);
      if (!again || *again != object.payload) std::abort();
    }
  }
  const bool valid = check_object(f, kind, payload).has_value();
  auto refs = references(f, object);
  if (valid && kind != object_kind::blob && !refs) std::abort();
  return 0;
}
