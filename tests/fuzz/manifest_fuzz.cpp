// Fuzzes the manifest parser of the atoll tool (tools/atoll/manifest.hpp),
// and behind it the unix device graph, the generated files and describe:
// any bytes give a manifest or one "FILE:LINE: message" diagnostic, never a
// crash, a hang or a leak; an accepted manifest parses again to the same
// statements, and whatever it declares can be generated.
#include "codegen.hpp"
#include "describe.hpp"
#include "graph.hpp"
#include "manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace atl::tool;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = parse_manifest("fuzz", text);
  if (!r.value) {
    if (r.error.file != "fuzz" || r.error.message.empty() || r.error.line < 0) std::abort();
    return 0;
  }
  auto again = parse_manifest("fuzz", text);
  if (!again.value || again.value->devices.size() != r.value->devices.size() ||
      again.value->keys.size() != r.value->keys.size() || again.value->name != r.value->name) {
    std::abort();
  }
  auto g = unix_graph(*r.value, "/app");
  if (!g.value) {
    if (g.error.line <= 0 || g.error.message.empty()) std::abort();
    return 0;
  }
  if (unix_main(*r.value, *g.value).empty() || unix_cmake(*r.value, *g.value, "/p").empty() ||
      describe(*r.value, *g.value).empty()) {
    std::abort();
  }
  return 0;
}
