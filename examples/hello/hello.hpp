// hello: prints a greeting a few times, one interval apart.
//
// The smallest unikernel: a class template over the two devices it needs, a
// Console to write to and a Sleep to wait with. Its keys (count, interval,
// message) come from atoll.manifest; `atoll run -- --count=2` overrides them.
#pragma once

#include <atoll/core/log.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/console.hpp>
#include <atoll/devices/sleep.hpp>

#include <cstdint>

namespace hello {

template <atl::console Console, atl::sleep Sleep>
class unikernel {
public:
  template <class Keys>
  atl::task<int> start(const Keys& keys, Console& console, Sleep& sleep) {
    for (std::uint64_t i = 0; i < keys.count; ++i) {
      if (i != 0) co_await sleep.sleep_for(keys.interval);
      log_.debug("greeting ", i + 1, " of ", keys.count);
      const atl::text_buffer<256> line(keys.message, "\n");
      if (auto written = console.write(line.view()); !written) {
        log_.error("cannot write to the console: ", written.error().message());
        co_return 1;
      }
    }
    co_return 0;
  }

private:
  atl::log_source log_{"hello"};
};

}  // namespace hello
