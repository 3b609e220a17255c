// Fuzzes key_set::parse and parse_key_value, the parsers of boot arguments
// (the command line on unix, the kernel command line on kvm). The input is an
// argument list split on NUL bytes, applied to a key_set holding one key of
// each kind. Any list must give either every field set to a valid value, or
// an error that names the problem and leaves every field at its default.
#include <atoll/core/assert.hpp>
#include <atoll/core/format.hpp>
#include <atoll/core/keys.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

struct fields {
  std::int64_t count = 4;
  std::int32_t offset = -1;
  std::int8_t tiny = 0;
  std::uint16_t port = 8080;
  std::uint8_t ttl = 64;
  std::uint64_t limit = 0;
  bool verbose = false;
  bool cache = true;
  std::string_view name = "hello";
  atl::duration interval = atl::duration(1'000'000'000);

  bool operator==(const fields&) const = default;
};

// A value that parses must print back to text that parses to the same value.
template <class T>
void round_trip(std::string_view text) {
  const auto parsed = atl::parse_key_value<T>(text);
  if (!parsed) {
    ATOLL_ASSERT(parsed.error().code() == atl::errc::invalid_argument);
    ATOLL_ASSERT(!parsed.error().message().empty());
    return;
  }
  atl::text_buffer<32> printed(*parsed);
  const auto again = atl::parse_key_value<T>(printed.view());
  ATOLL_ASSERT(again.has_value() && *again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t max_args = 32;
  std::string_view args[max_args];
  std::size_t count = 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (start <= input.size() && count < max_args) {
    std::size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    args[count++] = input.substr(start, end - start);
    start = end + 1;
  }
  if (size == 0) count = 0;

  for (std::size_t i = 0; i < count; ++i) {
    round_trip<std::int64_t>(args[i]);
    round_trip<std::int8_t>(args[i]);
    round_trip<std::uint16_t>(args[i]);
    round_trip<std::uint64_t>(args[i]);
    round_trip<bool>(args[i]);
    const auto d = atl::parse_key_value<atl::duration>(args[i]);
    if (d) ATOLL_ASSERT(d->count() >= 0);
  }

  const fields defaults;
  fields f;
  atl::key_set keys("fuzz");
  keys.add("count", f.count, "int64");
  keys.add("offset", f.offset, "int32");
  keys.add("tiny", f.tiny, "int8");
  keys.add("port", f.port, "uint16");
  keys.add("ttl", f.ttl, "uint8");
  keys.add("limit", f.limit, "uint64");
  keys.add("verbose", f.verbose, "bool");
  keys.add("cache", f.cache, "bool");
  keys.add("name", f.name, "string");
  keys.add("interval", f.interval, "duration");

  const auto outcome = keys.parse(std::span<const std::string_view>(args, count));
  if (!outcome) {
    ATOLL_ASSERT(outcome.error().code() == atl::errc::invalid_argument);
    ATOLL_ASSERT(!outcome.error().message().empty());
    ATOLL_ASSERT(f == defaults);
  } else if (*outcome == atl::key_outcome::help) {
    ATOLL_ASSERT(f == defaults);
    std::size_t lines = 0;
    keys.help([&lines](std::string_view line) {
      ATOLL_ASSERT(!line.empty());
      ++lines;
    });
    ATOLL_ASSERT(lines == keys.size() + 2);
  } else {
    ATOLL_ASSERT(f.interval.count() >= 0);
    // A string field views one of the arguments (or is still the default).
    if (f.name.data() != defaults.name.data()) {
      ATOLL_ASSERT(f.name.data() >= input.data() &&
                   f.name.data() + f.name.size() <= input.data() + input.size());
    }
  }
  return 0;
}
