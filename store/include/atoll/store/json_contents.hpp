// json_contents: JSON documents as store contents, merged per key.
//
// A value is stored as its canonical JSON text and a newline. Merge: when
// the two sides and the ancestor are objects, each key merges on its own
// with merge_contents' rules (equal sides, or one side unchanged, need
// nothing; a key added by both with different values, or deleted by one and
// changed by the other, conflicts), recursing into nested objects; anything
// else that both sides changed differently is a conflict naming the key path
// ("a.b.c"). Decoding accepts any valid JSON text (json.hpp's limits).
#pragma once

#include <atoll/store/contents.hpp>
#include <atoll/store/json.hpp>

namespace atl::store {

struct json_contents {
  using value_type = json::value;
  static std::vector<std::byte> encode(const value_type& v);
  static result<value_type> decode(std::span<const std::byte> bytes);
  static result<value_type> merge(const std::optional<value_type>& old, const value_type& ours,
                                  const value_type& theirs);
};

}  // namespace atl::store
