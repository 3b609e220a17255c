// console_conformance: the console contract (devices/include/atoll/devices/
// console.hpp) as a typed suite, with the log sink over it.
//
// Factory:
//   using device_type = ...;                  // meets atl::console
//   device_type* make(engine& e);             // or nullptr
//   std::string written(device_type& c);      // every byte written to c so far
#pragma once

#include "harness.hpp"
#include <atoll/core/log.hpp>
#include <atoll/devices/console.hpp>
#include <atoll/devices/console_log_sink.hpp>

#include <string>

namespace atl::conformance {

template <class Factory>
class console_conformance : public engine_fixture<Factory> {};

TYPED_TEST_SUITE_P(console_conformance);

TYPED_TEST_P(console_conformance, writes_text_as_given) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  ASSERT_OK(c->write("hello, console\n"));
  EXPECT_EQ(this->factory_.written(*c), "hello, console\n");
}

TYPED_TEST_P(console_conformance, writes_keep_their_order) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  ASSERT_OK(c->write("one "));
  ASSERT_OK(c->write("two\n"));
  ASSERT_OK(c->write("three"));
  EXPECT_EQ(this->factory_.written(*c), "one two\nthree");
}

TYPED_TEST_P(console_conformance, empty_write_succeeds) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  ASSERT_OK(c->write(""));
  EXPECT_EQ(this->factory_.written(*c), "");
}

TYPED_TEST_P(console_conformance, any_bytes_pass_through) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  const std::string odd(std::string_view("nul\0tab\t\xc3\xa9\r\n", 12));
  ASSERT_OK(c->write(odd));
  EXPECT_EQ(this->factory_.written(*c), odd);
}

TYPED_TEST_P(console_conformance, long_text_is_written_whole) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  const std::string big = text(pattern(std::size_t{256} * 1024, 3));
  ASSERT_OK(c->write(big));
  EXPECT_EQ(this->factory_.written(*c), big);
}

TYPED_TEST_P(console_conformance, log_lines_go_to_the_console) {
  auto* c = this->factory_.make(this->engine_);
  ASSERT_NE(c, nullptr);
  using console_type = std::remove_pointer_t<decltype(c)>;
  log_source source("conformance", log_level::info);
  console_log_sink<console_type> sink(*c);
  log_sink* previous = set_log_sink(&sink);
  source.info("answer ", 42);
  source.debug("not shown");
  source.error("bad ", "thing");
  set_log_sink(previous);
  EXPECT_EQ(this->factory_.written(*c),
            "[info] conformance: answer 42\n[error] conformance: bad thing\n");
  EXPECT_EQ(sink.failures(), 0u);
}

REGISTER_TYPED_TEST_SUITE_P(console_conformance, writes_text_as_given, writes_keep_their_order,
                            empty_write_succeeds, any_bytes_pass_through,
                            long_text_is_written_whole, log_lines_go_to_the_console);

}  // namespace atl::conformance
