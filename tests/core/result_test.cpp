// result<T> and error: values, messages held inline, the TRY helpers.
#include <atoll/core/engine.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/core/task.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace atl {
namespace {

result<int> half(int v) {
  if (v % 2 != 0) return error(errc::invalid_argument, v, " is odd");
  return v / 2;
}

result<int> quarter(int v) {
  ATOLL_TRY(const int h, half(v));
  ATOLL_TRY(const int q, half(h));
  return q;
}

result<void> check_even(int v) {
  ATOLL_TRYV(half(v));
  return ok();
}

TEST(result, value_and_error) {
  auto good = half(8);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 4);
  EXPECT_EQ(good.value_or(-1), 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), errc::invalid_argument);
  EXPECT_TRUE(bad.error() == errc::invalid_argument);
  EXPECT_EQ(bad.error().message(), "3 is odd");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(result, try_propagates_the_first_error) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_EQ(quarter(6).error().message(), "3 is odd");
  EXPECT_EQ(quarter(5).error().message(), "5 is odd");
  EXPECT_TRUE(check_even(2).has_value());
  EXPECT_FALSE(check_even(1).has_value());
}

task<result<int>> co_quarter(int v) {
  ATOLL_CO_TRY(const int h, half(v));
  ATOLL_CO_TRYV(check_even(h));
  co_return h / 2;
}

TEST(result, co_try_in_coroutines) {
  sim_platform p;
  engine e(p);
  EXPECT_EQ(*e.run(co_quarter(8)), 2);
  EXPECT_EQ(e.run(co_quarter(6)).error().message(), "3 is odd");
}

TEST(result, move_only_and_non_trivial_values) {
  result<std::unique_ptr<int>> p = std::make_unique<int>(7);
  ASSERT_TRUE(p.has_value());
  std::unique_ptr<int> taken = std::move(p).value();
  EXPECT_EQ(*taken, 7);
  result<std::string> s = std::string(100, 'x');
  result<std::string> copy = s;
  EXPECT_EQ(copy->size(), 100u);
  copy = result<std::string>(error(errc::eof));
  EXPECT_FALSE(copy.has_value());
  copy = s;
  EXPECT_EQ(*copy, *s);
}

TEST(result, error_without_message_names_its_category) {
  EXPECT_EQ(error(errc::timed_out).message(), "timed_out");
  result<void> r = errc::closed;
  EXPECT_EQ(r.error().message(), "closed");
  EXPECT_EQ(to_string(errc::conflict), "conflict");
}

TEST(result, long_messages_are_cut_not_dropped) {
  const std::string long_text(500, 'y');
  error e(errc::corrupt, long_text);
  EXPECT_EQ(e.message().size(), error::max_message);
  EXPECT_EQ(e.message().substr(error::max_message - 3), "...");
  error parts(errc::corrupt, "n=", -9223372036854775807LL - 1, " u=", 18446744073709551615ULL);
  EXPECT_EQ(parts.message(), "n=-9223372036854775808 u=18446744073709551615");
}

TEST(result_death, value_of_an_error_stops) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  result<int> bad = errc::io_error;
  EXPECT_DEATH((void)bad.value(), "assertion failed");
}

}  // namespace
}  // namespace atl
