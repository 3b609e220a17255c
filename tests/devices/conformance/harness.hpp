// Shared pieces of the device conformance suites.
//
// Every suite is a typed GoogleTest suite over a Factory type. The fixture
// holds a sim_platform, an engine on it and one Factory; the Factory makes
// the devices (keeping them and whatever backs them alive until the fixture
// goes) and is told the engine, for devices that need one. An implementation
// runs a suite with
//
//   using my_factories = ::testing::Types<my_factory>;
//   INSTANTIATE_TYPED_TEST_SUITE_P(my_device, block_conformance, my_factories);
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atl::conformance {

/// engine_fixture: a sim_platform and an engine, for the typed suites.
template <class Factory>
class engine_fixture : public ::testing::Test {
protected:
  template <class T>
  T run(task<T> t) {
    return engine_.run(std::move(t));
  }

  sim_platform platform_;
  engine engine_{platform_};
  Factory factory_;
};

/// bytes(text): a vector holding the bytes of `text`.
inline std::vector<std::byte> bytes(std::string_view text) {
  std::vector<std::byte> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

/// text(bytes): the bytes as a string, for comparisons with readable output.
inline std::string text(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

/// pattern(size, seed): deterministic, varied bytes.
inline std::vector<std::byte> pattern(std::size_t size, unsigned seed) {
  std::vector<std::byte> out(size);
  std::uint32_t x = 2166136261u ^ seed;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 16777619u + 12345u;
    out[i] = static_cast<std::byte>(x >> 24);
  }
  return out;
}

}  // namespace atl::conformance

/// EXPECT_ERRC(result, code): the result failed with that category.
#define EXPECT_ERRC(expr, expected_code)                                                  \
  do {                                                                                    \
    const auto& atoll_r_ = (expr);                                                        \
    ASSERT_FALSE(atoll_r_.has_value()) << "expected " << ::atl::to_string(expected_code); \
    EXPECT_EQ(atoll_r_.error().code(), expected_code) << atoll_r_.error().message();      \
  } while (false)

/// ASSERT_OK(result): the result succeeded (prints the error otherwise).
#define ASSERT_OK(expr)                                              \
  do {                                                               \
    const auto& atoll_r_ = (expr);                                   \
    ASSERT_TRUE(atoll_r_.has_value()) << atoll_r_.error().message(); \
  } while (false)
