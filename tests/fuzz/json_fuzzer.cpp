// json_fuzzer: store/json's parser on any bytes, and json_contents' merge.
//
// The input is up to three documents separated by NUL (ancestor, ours,
// theirs). Each must parse or fail cleanly; a parsed document must emit a
// canonical text that parses back to the same value; the three that parse
// must merge or conflict cleanly, symmetrically.
#include <atoll/store/json.hpp>
#include <atoll/store/json_contents.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

using namespace atl::store;

namespace {

std::optional<json::value> check_one(std::string_view text) {
  auto v = json::parse(text);
  if (!v) return std::nullopt;
  const std::string canonical = json::emit(*v);
  auto again = json::parse(canonical);
  if (!again || !(*again == *v) || json::emit(*again) != canonical) std::abort();
  return std::move(*v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::optional<json::value> docs[3];
  for (auto& doc : docs) {
    const auto nul = input.find('\0');
    doc = check_one(input.substr(0, nul));
    if (nul == std::string_view::npos) break;
    input.remove_prefix(nul + 1);
  }
  auto ab = merge_contents<json_contents>(docs[0], docs[1], docs[2]);
  auto ba = merge_contents<json_contents>(docs[0], docs[2], docs[1]);
  if (ab.has_value() != ba.has_value()) std::abort();
  if (ab && !(*ab == *ba)) std::abort();
  return 0;
}
