// hello on portable devices and virtual time: the lines and their timing are
// exact, whatever the machine's load.
#include "hello.hpp"
#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/engine_sleep.hpp>
#include <atoll/devices/memory_console.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

namespace {

struct keys_t {
  std::uint64_t count = 4;
  atl::duration interval = atl::duration(1'000'000'000);
  std::string_view message = "hello";
};

TEST(hello, prints_four_greetings_one_second_apart) {
  atl::sim_platform platform;
  atl::engine engine(platform);
  atl::memory_console console;
  atl::engine_sleep sleep(engine);
  hello::unikernel<atl::memory_console, atl::engine_sleep> app;
  const auto start = platform.now();
  EXPECT_EQ(engine.run(app.start(keys_t{}, console, sleep)), 0);
  EXPECT_EQ(console.text(), "hello\nhello\nhello\nhello\n");
  EXPECT_EQ(platform.now() - start, atl::duration(3'000'000'000));
}

TEST(hello, keys_change_count_interval_and_message) {
  atl::sim_platform platform;
  atl::engine engine(platform);
  atl::memory_console console;
  atl::engine_sleep sleep(engine);
  hello::unikernel<atl::memory_console, atl::engine_sleep> app;
  const auto start = platform.now();
  EXPECT_EQ(engine.run(app.start(keys_t{2, atl::duration(250'000'000), "hi"}, console, sleep)), 0);
  EXPECT_EQ(console.text(), "hi\nhi\n");
  EXPECT_EQ(platform.now() - start, atl::duration(250'000'000));
}

}  // namespace
