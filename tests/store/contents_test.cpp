// contents: the built-in mergeable values and the shared three-way rules.
#include <atoll/store/contents.hpp>
#include <atoll/store/contents_types.hpp>
#include <atoll/store/json_contents.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <string_view>

namespace atl::store {
namespace {

std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
std::string text(const std::vector<std::byte>& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

template <class C>
using opt = std::optional<typename C::value_type>;

TEST(Contents, SharedRules) {
  using C = bytes_contents;
  // Equal sides, or one side unchanged: no merge function needed.
  EXPECT_EQ(merge_contents<C>(opt<C>("a"), opt<C>("b"), opt<C>("b")).value(), opt<C>("b"));
  EXPECT_EQ(merge_contents<C>(opt<C>("a"), opt<C>("a"), opt<C>("c")).value(), opt<C>("c"));
  EXPECT_EQ(merge_contents<C>(opt<C>("a"), opt<C>("d"), opt<C>("a")).value(), opt<C>("d"));
  // Deleted on both sides, and deleted on one side while unchanged on the other.
  EXPECT_EQ(merge_contents<C>(opt<C>("a"), std::nullopt, std::nullopt).value(), std::nullopt);
  EXPECT_EQ(merge_contents<C>(opt<C>("a"), std::nullopt, opt<C>("a")).value(), std::nullopt);
  // Deleted against changed: a conflict, whichever side deleted.
  auto del = merge_contents<C>(opt<C>("a"), std::nullopt, opt<C>("b"));
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code(), errc::conflict);
  EXPECT_FALSE(merge_contents<C>(opt<C>("a"), opt<C>("b"), std::nullopt));
  // Bytes changed differently on both sides: a conflict; created alike: fine.
  auto both = merge_contents<C>(opt<C>("a"), opt<C>("b"), opt<C>("c"));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code(), errc::conflict);
  EXPECT_EQ(merge_contents<C>(std::nullopt, opt<C>("x"), opt<C>("x")).value(), opt<C>("x"));
  EXPECT_FALSE(merge_contents<C>(std::nullopt, opt<C>("x"), opt<C>("y")));
}

TEST(Contents, CounterAddsBothChanges) {
  using C = counter_contents;
  EXPECT_EQ(merge_contents<C>(opt<C>(10), opt<C>(13), opt<C>(8)).value(), opt<C>(11));
  EXPECT_EQ(merge_contents<C>(std::nullopt, opt<C>(2), opt<C>(5)).value(), opt<C>(7));
  constexpr auto top = std::numeric_limits<std::int64_t>::max();
  auto overflow = merge_contents<C>(opt<C>(0), opt<C>(top), opt<C>(1));
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code(), errc::conflict);
  EXPECT_EQ(text(C::encode(-42)), "-42\n");
  EXPECT_EQ(C::decode(bytes("-42\n")).value(), -42);
  EXPECT_EQ(C::decode(bytes("0\n")).value(), 0);
  for (std::string_view bad :
       {"", "\n", "42", "+1\n", "01\n", "-0\n", "1x\n", "99999999999999999999\n"}) {
    auto r = C::decode(bytes(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::corrupt);
  }
}

TEST(Contents, SetKeepsAdditionsAndRemovals) {
  using C = string_set_contents;
  auto s = [](std::vector<std::string> v) { return opt<C>(C::make_set(std::move(v))); };
  // Ours removes b and adds d; theirs removes c and adds e.
  auto merged = merge_contents<C>(s({"a", "b", "c"}), s({"a", "c", "d"}), s({"a", "b", "e"}));
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged, s({"a", "d", "e"}));
  // Symmetric.
  EXPECT_EQ(merge_contents<C>(s({"a", "b", "c"}), s({"a", "b", "e"}), s({"a", "c", "d"})).value(),
            *merged);
  // Encoding round-trips awkward elements; decoding refuses unsorted sets.
  auto awkward = C::make_set({"line\nbreak", "back\\slash", ""});
  EXPECT_EQ(C::decode(C::encode(awkward)).value(), awkward);
  EXPECT_FALSE(C::decode(bytes("b\na\n")));
  EXPECT_FALSE(C::decode(bytes("a\na\n")));
  EXPECT_FALSE(C::decode(bytes("a\\x\n")));
  EXPECT_FALSE(C::decode(bytes("a")));
}

TEST(Contents, LogAppendsBothRunsSymmetrically) {
  using C = log_contents;
  const opt<C> old = C::value_type{"one", "two"};
  const opt<C> ours = C::value_type{"one", "two", "b1", "b2"};
  const opt<C> theirs = C::value_type{"one", "two", "a1"};
  auto merged = merge_contents<C>(old, ours, theirs);
  ASSERT_TRUE(merged);
  EXPECT_EQ(**merged, (C::value_type{"one", "two", "a1", "b1", "b2"}));
  EXPECT_EQ(merge_contents<C>(old, theirs, ours).value(), *merged);
  // A side that rewrote history conflicts.
  auto rewritten = merge_contents<C>(old, opt<C>(C::value_type{"one", "TWO", "x"}), theirs);
  ASSERT_FALSE(rewritten);
  EXPECT_EQ(rewritten.error().code(), errc::conflict);
  EXPECT_EQ(C::decode(C::encode(*ours)).value(), *ours);
}

TEST(Contents, JsonMergesPerKey) {
  using C = json_contents;
  auto j = [](std::string_view t) { return opt<C>(json::parse(t).value()); };
  auto merged = merge_contents<C>(j(R"({"a":1,"b":{"x":1,"y":2},"c":3})"),
                                  j(R"({"a":2,"b":{"x":1,"y":5},"c":3})"),
                                  j(R"({"a":1,"b":{"x":9,"y":2},"d":4})"));
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ(json::emit(**merged), R"({"a":2,"b":{"x":9,"y":5},"d":4})");
  // The same key changed on both sides: the conflict names its path.
  auto conflict =
      merge_contents<C>(j(R"({"b":{"x":1}})"), j(R"({"b":{"x":2}})"), j(R"({"b":{"x":3}})"));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), errc::conflict);
  EXPECT_NE(conflict.error().message().find("b.x"), std::string_view::npos)
      << conflict.error().message();
  // Not objects: conflict unless equal.
  EXPECT_FALSE(merge_contents<C>(j("[1]"), j("[1,2]"), j("[1,3]")));
  // Stored as canonical text; any valid JSON decodes.
  EXPECT_EQ(text(C::encode(*j(R"( { "z" : [ true , null ] , "a" : "\u00e9" } )"))),
            "{\"a\":\"\xc3\xa9\",\"z\":[true,null]}\n");
}

}  // namespace
}  // namespace atl::store
