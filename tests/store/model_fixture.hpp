// model_fixture: an engine, a backend and a repo for the model's tests.
#pragma once

#include "../devices/conformance/harness.hpp"
#include <atoll/store/any_backend.hpp>
#include <atoll/store/branch.hpp>
#include <atoll/store/memory_backend.hpp>
#include <atoll/store/repo.hpp>

#include <string>
#include <string_view>

namespace atl::store::testing {

using conformance::bytes;
using conformance::text;

inline kv_key key(std::string_view k) { return kv_key::parse(k).value(); }

inline commit_info info_at(std::int64_t seconds, std::string message = "test\n") {
  commit_info i;
  i.name = "Test";
  i.email = "test@example.org";
  i.time = wall_time(wall_time::duration(seconds * 1'000'000'000));
  i.message = std::move(message);
  return i;
}

class model_test : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }
  branch open(std::string_view name) { return branch::open(repo_, name).value(); }

  sim_platform platform_;
  engine engine_{platform_};
  memory_backend memory_{hash_format::sha1};
  backend_ref<memory_backend> backend_{memory_};
  repo repo_{backend_};
};

}  // namespace atl::store::testing
