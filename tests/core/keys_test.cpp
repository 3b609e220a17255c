#include <atoll/core/keys.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace atl {
namespace {

struct app_keys {
  std::int64_t count = 4;
  std::int32_t offset = -1;
  std::int8_t tiny = 0;
  std::uint16_t port = 8080;
  std::uint8_t ttl = 64;
  std::uint64_t limit = 0;
  bool verbose = false;
  bool cache = true;
  std::string_view name = "hello";
  duration interval = 1s;
};

struct fixture {
  app_keys k;
  key_set keys{"app"};
  fixture() {
    keys.add("count", k.count, "how many greetings");
    keys.add("offset", k.offset, "a signed 32-bit offset");
    keys.add("tiny", k.tiny, "a signed byte");
    keys.add("port", k.port, "TCP port");
    keys.add("ttl", k.ttl, "IP time to live");
    keys.add("limit", k.limit, "an unsigned 64-bit limit");
    keys.add("verbose", k.verbose, "say more");
    keys.add("cache", k.cache, "use the cache");
    keys.add("name", k.name, "who to greet");
    keys.add("interval", k.interval, "time between greetings");
  }
  result<key_outcome> parse(std::initializer_list<std::string_view> args) {
    return keys.parse(std::span<const std::string_view>(args.begin(), args.size()));
  }
};

std::string message_of(const result<key_outcome>& r) {
  EXPECT_FALSE(r.has_value());
  if (r.has_value()) return {};
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  return std::string(r.error().message());
}

TEST(keys, defaults_stay_without_arguments) {
  fixture f;
  auto r = f.parse({});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, key_outcome::run);
  EXPECT_EQ(f.k.count, 4);
  EXPECT_EQ(f.k.name, "hello");
  EXPECT_EQ(f.keys.size(), 10u);
}

TEST(keys, equals_and_separate_value_forms) {
  fixture f;
  auto r = f.parse(
      {"--count=7", "--port", "443", "--name=world", "--interval", "250ms", "--offset", "-12"});
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(f.k.count, 7);
  EXPECT_EQ(f.k.port, 443);
  EXPECT_EQ(f.k.name, "world");
  EXPECT_EQ(f.k.interval, 250ms);
  EXPECT_EQ(f.k.offset, -12);
}

TEST(keys, last_value_of_a_repeated_key_wins) {
  fixture f;
  ASSERT_TRUE(f.parse({"--count=1", "--count=2"}).has_value());
  EXPECT_EQ(f.k.count, 2);
}

TEST(keys, string_value_may_contain_equals_and_be_empty) {
  fixture f;
  ASSERT_TRUE(f.parse({"--name=a=b"}).has_value());
  EXPECT_EQ(f.k.name, "a=b");
  ASSERT_TRUE(f.parse({"--name="}).has_value());
  EXPECT_EQ(f.k.name, "");
}

TEST(keys, booleans) {
  fixture f;
  ASSERT_TRUE(f.parse({"--verbose", "--no-cache"}).has_value());
  EXPECT_TRUE(f.k.verbose);
  EXPECT_FALSE(f.k.cache);
  for (std::string_view yes : {"true", "1", "yes", "on"}) {
    f.k.cache = false;
    const std::string arg = "--cache=" + std::string(yes);
    const std::string_view args[] = {arg};
    ASSERT_TRUE(f.keys.parse(args).has_value()) << yes;
    EXPECT_TRUE(f.k.cache) << yes;
  }
  for (std::string_view no : {"false", "0", "no", "off"}) {
    f.k.cache = true;
    const std::string arg = "--cache=" + std::string(no);
    const std::string_view args[] = {arg};
    ASSERT_TRUE(f.keys.parse(args).has_value()) << no;
    EXPECT_FALSE(f.k.cache) << no;
  }
  EXPECT_EQ(message_of(f.parse({"--verbose=maybe"})),
            "key 'verbose': 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
  EXPECT_EQ(message_of(f.parse({"--no-verbose=1"})), "key 'verbose': --no-verbose takes no value");
  EXPECT_EQ(message_of(f.parse({"--no-count"})), "key 'count': --no-count is only for booleans");
}

TEST(keys, a_boolean_never_takes_the_next_argument) {
  fixture f;
  EXPECT_EQ(message_of(f.parse({"--verbose", "false"})),
            "unexpected argument 'false' (keys are --name=value; --help lists them)");
  EXPECT_FALSE(f.k.verbose);
}

TEST(keys, bad_integer_names_the_key) {
  fixture f;
  EXPECT_EQ(message_of(f.parse({"--count=four"})), "key 'count': 'four' is not an integer");
  EXPECT_EQ(message_of(f.parse({"--count="})), "key 'count': '' is not an integer");
  EXPECT_EQ(message_of(f.parse({"--count=12x"})), "key 'count': '12x' is not an integer");
  EXPECT_EQ(message_of(f.parse({"--count=-"})), "key 'count': '-' is not an integer");
  EXPECT_EQ(message_of(f.parse({"--count= 1"})), "key 'count': ' 1' is not an integer");
  EXPECT_EQ(message_of(f.parse({"--port=0x"})), "key 'port': '0x' is not an unsigned integer");
  EXPECT_EQ(message_of(f.parse({"--port=+1"})), "key 'port': '+1' is not an unsigned integer");
}

TEST(keys, signed_ranges_by_width) {
  fixture f;
  ASSERT_TRUE(f.parse({"--tiny=-128"}).has_value());
  EXPECT_EQ(f.k.tiny, -128);
  ASSERT_TRUE(f.parse({"--tiny=+127"}).has_value());
  EXPECT_EQ(f.k.tiny, 127);
  EXPECT_EQ(message_of(f.parse({"--tiny=128"})), "key 'tiny': '128' is out of range (-128 to 127)");
  EXPECT_EQ(message_of(f.parse({"--tiny=-129"})),
            "key 'tiny': '-129' is out of range (-128 to 127)");
  ASSERT_TRUE(f.parse({"--offset=-2147483648"}).has_value());
  EXPECT_EQ(f.k.offset, INT32_MIN);
  EXPECT_FALSE(f.parse({"--offset=2147483648"}).has_value());
  ASSERT_TRUE(f.parse({"--count=-9223372036854775808"}).has_value());
  EXPECT_EQ(f.k.count, INT64_MIN);
  ASSERT_TRUE(f.parse({"--count=9223372036854775807"}).has_value());
  EXPECT_EQ(f.k.count, INT64_MAX);
  EXPECT_EQ(message_of(f.parse({"--count=9223372036854775808"})),
            "key 'count': '9223372036854775808' is out of range (-9223372036854775808 to "
            "9223372036854775807)");
  // Far beyond 64 bits: overflow is detected, not wrapped.
  EXPECT_FALSE(f.parse({"--count=99999999999999999999999999"}).has_value());
  EXPECT_FALSE(f.parse({"--count=-99999999999999999999999999"}).has_value());
  EXPECT_EQ(f.k.count, INT64_MAX);
}

TEST(keys, unsigned_ranges_and_hex) {
  fixture f;
  ASSERT_TRUE(f.parse({"--port=65535", "--ttl=0xff", "--limit=18446744073709551615"}).has_value());
  EXPECT_EQ(f.k.port, 65535);
  EXPECT_EQ(f.k.ttl, 255);
  EXPECT_EQ(f.k.limit, UINT64_MAX);
  ASSERT_TRUE(f.parse({"--limit=0XFFFFFFFFFFFFFFFF", "--ttl=0x0A"}).has_value());
  EXPECT_EQ(f.k.limit, UINT64_MAX);
  EXPECT_EQ(f.k.ttl, 10);
  EXPECT_EQ(message_of(f.parse({"--port=65536"})),
            "key 'port': '65536' is out of range (0 to 65535)");
  EXPECT_EQ(message_of(f.parse({"--ttl=0x100"})), "key 'ttl': '0x100' is out of range (0 to 255)");
  EXPECT_EQ(message_of(f.parse({"--port=-1"})), "key 'port': '-1' is out of range (0 to 65535)");
  EXPECT_EQ(message_of(f.parse({"--limit=18446744073709551616"})),
            "key 'limit': '18446744073709551616' is out of range (0 to 18446744073709551615)");
  EXPECT_EQ(message_of(f.parse({"--limit=0x10000000000000000"})),
            "key 'limit': '0x10000000000000000' is out of range (0 to 18446744073709551615)");
  EXPECT_EQ(message_of(f.parse({"--port=0xfg"})), "key 'port': '0xfg' is not an unsigned integer");
  ASSERT_TRUE(f.parse({"--port=-0"}).has_value());
  EXPECT_EQ(f.k.port, 0);
}

TEST(keys, durations_with_units) {
  struct sample {
    std::string_view text;
    duration value;
  };
  const sample samples[] = {
      {"15ns", 15ns},
      {"7us", 7us},
      {"1500ms", 1500ms},
      {"2s", 2s},
      {"3m", 180s},
      {"2h", 7200s},
      {"1.5s", 1500ms},
      {"0.25ms", 250us},
      {"1.5h", 5400s},
      {"0", 0ns},
      {"0.000000001s", 1ns},
      {"0s", 0ns},
      {"1.50s", 1500ms},
      {"0.99999999999h", duration(3'599'999'999'964)},
      {"9223372036854775807ns", duration(INT64_MAX)},
  };
  for (const sample& s : samples) {
    auto v = parse_key_value<duration>(s.text);
    ASSERT_TRUE(v.has_value()) << s.text << ": " << v.error().message();
    EXPECT_EQ(*v, s.value) << s.text;
  }
}

TEST(keys, bad_durations) {
  fixture f;
  EXPECT_EQ(message_of(f.parse({"--interval=5"})),
            "key 'interval': '5' needs a unit (ns, us, ms, s, m, h)");
  EXPECT_EQ(message_of(f.parse({"--interval=5 s"})),
            "key 'interval': '5 s' is not a duration (e.g. 250ms, 2s, 1.5h)");
  EXPECT_EQ(message_of(f.parse({"--interval=-1s"})),
            "key 'interval': '-1s' is not a duration (e.g. 250ms, 2s, 1.5h)");
  EXPECT_EQ(message_of(f.parse({"--interval=1d"})),
            "key 'interval': '1d' is not a duration (e.g. 250ms, 2s, 1.5h)");
  EXPECT_EQ(message_of(f.parse({"--interval=1.s"})),
            "key 'interval': '1.s' is not a duration (e.g. 250ms, 2s, 1.5h)");
  EXPECT_EQ(message_of(f.parse({"--interval=.5s"})),
            "key 'interval': '.5s' is not a duration (e.g. 250ms, 2s, 1.5h)");
  EXPECT_EQ(message_of(f.parse({"--interval=1.5ns"})),
            "key 'interval': '1.5ns' is finer than a nanosecond");
  EXPECT_EQ(message_of(f.parse({"--interval=9223372036854775808ns"})),
            "key 'interval': '9223372036854775808ns' is out of range (at most 292 years)");
  EXPECT_EQ(message_of(f.parse({"--interval=2562048h"})),
            "key 'interval': '2562048h' is out of range (at most 292 years)");
  EXPECT_EQ(f.k.interval, 1s);
}

TEST(keys, unknown_key_is_named_with_a_suggestion) {
  fixture f;
  EXPECT_EQ(message_of(f.parse({"--cuont=3"})), "unknown key '--cuont' (did you mean '--count'?)");
  EXPECT_EQ(message_of(f.parse({"--colour"})), "unknown key '--colour'");
  EXPECT_EQ(message_of(f.parse({"count=3"})),
            "unexpected argument 'count=3' (keys are --name=value; --help lists them)");
  EXPECT_EQ(message_of(f.parse({"--"})),
            "unexpected argument '--' (keys are --name=value; --help lists them)");
}

TEST(keys, missing_value) {
  fixture f;
  EXPECT_EQ(message_of(f.parse({"--count"})), "key 'count': missing value (--count=int64)");
  EXPECT_EQ(message_of(f.parse({"--count", "--verbose"})),
            "key 'count': missing value (--count=int64)");
}

TEST(keys, long_values_are_shortened_in_messages) {
  fixture f;
  const std::string value(500, '9');
  const std::string arg = "--port=" + value;
  const std::string_view args[] = {arg};
  auto r = f.keys.parse(args);
  const std::string m = message_of(r);
  EXPECT_EQ(m, "key 'port': '" + std::string(37, '9') + "...' is out of range (0 to 65535)");
}

TEST(keys, an_error_changes_no_field) {
  fixture f;
  EXPECT_FALSE(f.parse({"--count=9", "--name=x", "--verbose", "--port=99999"}).has_value());
  EXPECT_EQ(f.k.count, 4);
  EXPECT_EQ(f.k.name, "hello");
  EXPECT_FALSE(f.k.verbose);
  EXPECT_EQ(f.k.port, 8080);
}

TEST(keys, help_wins_and_changes_nothing) {
  fixture f;
  auto r = f.parse({"--count=9", "--bogus", "--help"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, key_outcome::help);
  EXPECT_EQ(f.k.count, 4);
  auto h = f.parse({"-h"});
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(*h, key_outcome::help);
}

TEST(keys, help_lists_types_docs_and_defaults) {
  fixture f;
  f.k.count = 99;  // help shows the default recorded by add(), not the current value
  std::vector<std::string> lines;
  f.keys.help([&lines](std::string_view line) { lines.emplace_back(line); });
  const std::vector<std::string> expected = {
      "usage: app [--key=value ...]",
      "  --count=int64  how many greetings (default: 4)",
      "  --offset=int32  a signed 32-bit offset (default: -1)",
      "  --tiny=int8  a signed byte (default: 0)",
      "  --port=uint16  TCP port (default: 8080)",
      "  --ttl=uint8  IP time to live (default: 64)",
      "  --limit=uint64  an unsigned 64-bit limit (default: 0)",
      "  --verbose=bool  say more (default: false)",
      "  --cache=bool  use the cache (default: true)",
      "  --name=string  who to greet (default: \"hello\")",
      "  --interval=duration  time between greetings (default: 1s)",
      "  --help  print this list and exit",
  };
  EXPECT_EQ(lines, expected);
}

TEST(keys, help_shows_durations_in_the_largest_exact_unit) {
  duration a = 1500ms, b = std::chrono::minutes(90), c = 0ns, d = 7ns;
  key_set keys("t");
  keys.add("a", a, "");
  keys.add("b", b, "");
  keys.add("c", c, "");
  keys.add("d", d, "");
  std::vector<std::string> lines;
  keys.help([&lines](std::string_view line) { lines.emplace_back(line); });
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[1], "  --a=duration   (default: 1500ms)");
  EXPECT_EQ(lines[2], "  --b=duration   (default: 90m)");
  EXPECT_EQ(lines[3], "  --c=duration   (default: 0s)");
  EXPECT_EQ(lines[4], "  --d=duration   (default: 7ns)");
}

TEST(keys, parse_key_value_for_each_type) {
  EXPECT_EQ(*parse_key_value<std::uint16_t>("0x1f90"), 8080);
  EXPECT_EQ(*parse_key_value<std::int16_t>("-32768"), -32768);
  EXPECT_FALSE(parse_key_value<std::int16_t>("32768").has_value());
  EXPECT_EQ(*parse_key_value<std::uint32_t>("4294967295"), 4294967295u);
  EXPECT_FALSE(parse_key_value<std::uint32_t>("4294967296").has_value());
  EXPECT_EQ(*parse_key_value<bool>("on"), true);
  EXPECT_EQ(*parse_key_value<std::string_view>("x y"), "x y");
  EXPECT_EQ(*parse_key_value<duration>("3s"), 3s);
  auto bad = parse_key_value<std::int64_t>("four");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "'four' is not an integer");
}

TEST(keys_death, bad_names_and_duplicates_are_program_bugs) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::int64_t a = 0;
  bool flag = false;
  EXPECT_DEATH(
      {
        key_set keys("t");
        keys.add("Count", a, "upper case");
      },
      "assertion failed");
  EXPECT_DEATH(
      {
        key_set keys("t");
        keys.add("help", a, "reserved");
      },
      "assertion failed");
  EXPECT_DEATH(
      {
        key_set keys("t");
        keys.add("a", a, "");
        keys.add("a", a, "");
      },
      "assertion failed");
  EXPECT_DEATH(
      {
        key_set keys("t");
        keys.add("cache", flag, "");
        keys.add("no-cache", a, "ambiguous with --no-cache");
      },
      "assertion failed");
}

}  // namespace
}  // namespace atl
