// json: the strict parser's acceptance, its refusals, and the canonical form.
#include <atoll/store/json.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace atl::store::json {
namespace {

TEST(Json, ParsesTheGrammar) {
  auto v =
      parse(R"({"n":-1.5e+3,"s":"a\"b\\c\/\b\f\n\r\t","t":true,"f":false,"z":null,"a":[0,{}]})");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->kind(), kind::object);
  EXPECT_EQ(v->find("n")->text(), "-1.5e+3");
  EXPECT_EQ(v->find("s")->text(), "a\"b\\c/\b\f\n\r\t");
  EXPECT_TRUE(v->find("t")->as_bool());
  EXPECT_EQ(v->find("z")->kind(), kind::null);
  EXPECT_EQ(v->find("a")->items().size(), 2u);
  EXPECT_EQ(v->find("missing"), nullptr);
  // Canonical: keys sorted, no spaces, and emit/parse round-trips.
  const std::string canonical = emit(*v);
  EXPECT_EQ(
      canonical,
      R"({"a":[0,{}],"f":false,"n":-1.5e+3,"s":"a\"b\\c/\u0008\u000c\n\r\t","t":true,"z":null})");
  EXPECT_EQ(parse(canonical).value(), *v);
}

TEST(Json, UnicodeEscapes) {
  EXPECT_EQ(parse(R"("\ud83d\ude00")").value().text(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(parse("\"\xe2\x82\xac\"").value().text(), "\xe2\x82\xac");
  for (std::string_view bad :
       {R"("\ud83d")", R"("\ude00")", R"("\ud83dx")", R"("\u12")", "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf5\x80\x80\x80\"", "\"\x01\"", "\"\xe2\x82\""}) {
    auto r = parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::corrupt);
  }
}

TEST(Json, RefusesWhatTheRfcRefuses) {
  for (std::string_view bad : {"",
                               " ",
                               "{",
                               "}",
                               "[1,]",
                               "{\"a\":1,}",
                               "{\"a\" 1}",
                               "{a:1}",
                               "01",
                               "1.",
                               ".5",
                               "-",
                               "1e",
                               "+1",
                               "tru",
                               "nul",
                               "'x'",
                               "[1] 2",
                               "{\"a\":1,\"a\":2}",
                               "\"unterminated",
                               "\"bad \\x escape\"",
                               "NaN",
                               "Infinity"}) {
    auto r = parse(bad);
    EXPECT_FALSE(r) << bad;
  }
}

TEST(Json, Limits) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = parse(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("nesting"), std::string_view::npos);
  EXPECT_TRUE(parse(deep, limits{.max_depth = 128}));
  EXPECT_FALSE(parse("[1,2,3]", limits{.max_bytes = 4}));
}

TEST(Json, ObjectsCompareByMembersNotOrder) {
  EXPECT_EQ(parse(R"({"a":1,"b":2})").value(), parse(R"({"b":2,"a":1})").value());
  EXPECT_FALSE(parse(R"({"a":1})").value() == parse(R"({"a":1.0})").value());
  auto built = value::object({member{"k", value::number("1")}, member{"k", value::string("x")}});
  EXPECT_EQ(emit(built), R"({"k":"x"})");
}

}  // namespace
}  // namespace atl::store::json
