// The content every kv_ro implementation is tested with.
#pragma once

#include "harness.hpp"
#include <atoll/core/time.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace atl::conformance {

/// kv_fixture_file: a value the Factory must put at `path`, dated `mtime`.
struct kv_fixture_file {
  std::string path;
  std::vector<std::byte> data;
  wall_time mtime;
};

inline wall_time fixture_time(std::int64_t ns) { return wall_time(duration(ns)); }

/// kv_fixture: a small site. Dictionaries: css, css/img, docs, docs/a, docs/a/b,
/// docs/a/b/c. Values of every awkward kind: empty, binary with NUL bytes,
/// larger than a page, deep.
inline std::vector<kv_fixture_file> kv_fixture() {
  std::vector<std::byte> binary(256);
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<std::byte>(i);
  return {
      {"big.bin", pattern(200'000, 11), fixture_time(1'600'000'000'000'000'000)},
      {"css/img/logo.png", binary, fixture_time(1'600'000'001'000'000'001)},
      {"css/site.css", bytes("body { margin: 0 }\n"), fixture_time(1'650'000'000'123'456'789)},
      {"docs/a/b/c/deep.txt", bytes("deep"), fixture_time(1'700'000'000'000'000'000)},
      {"empty", {}, fixture_time(1'500'000'000'000'000'000)},
      {"index.html", bytes("<html>hello</html>\n"), fixture_time(1'710'000'000'987'654'321)},
  };
}

}  // namespace atl::conformance
