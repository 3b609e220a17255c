// kv_key: what is a key and what is refused.
#include "conformance/harness.hpp"
#include <atoll/devices/kv_key.hpp>

#include <string>

namespace atl {
namespace {

TEST(kv_key, parses_paths) {
  auto k = kv_key::parse("css/img/logo.png");
  ASSERT_OK(k);
  EXPECT_EQ(k->text(), "css/img/logo.png");
  EXPECT_EQ(k->depth(), 3u);
  EXPECT_EQ(k->name(), "logo.png");
  EXPECT_EQ(k->parent().text(), "css/img");
  EXPECT_EQ(k->parent().parent().parent(), kv_key());
  EXPECT_TRUE(kv_key().parent().is_root());
}

TEST(kv_key, empty_text_is_the_root) {
  auto k = kv_key::parse("");
  ASSERT_OK(k);
  EXPECT_TRUE(k->is_root());
  EXPECT_EQ(k->depth(), 0u);
  EXPECT_EQ(k->name(), "");
}

TEST(kv_key, refuses_escapes_and_malformed_paths) {
  for (std::string_view bad : {"/", "/etc/passwd", "a/", "a//b", ".", "..", "../etc/passwd",
                               "a/../b", "a/./b", "a/..", "./a"}) {
    EXPECT_ERRC(kv_key::parse(bad), errc::invalid_argument);
  }
  EXPECT_ERRC(kv_key::parse(std::string_view("a\0b", 3)), errc::invalid_argument);
}

TEST(kv_key, dots_inside_names_are_fine) {
  for (std::string_view good : {"...", ".hidden", "a..b", "..a", "a.", "x/.well-known/y"}) {
    EXPECT_TRUE(kv_key::parse(good).has_value()) << good;
  }
}

TEST(kv_key, enforces_limits) {
  EXPECT_TRUE(kv_key::parse(std::string(255, 'a')).has_value());
  EXPECT_ERRC(kv_key::parse(std::string(256, 'a')), errc::invalid_argument);
  std::string deep;
  for (int i = 0; i < 64; ++i) deep += i == 0 ? "d" : "/d";
  EXPECT_TRUE(kv_key::parse(deep).has_value());
  EXPECT_ERRC(kv_key::parse(deep + "/d"), errc::invalid_argument);
  std::string longest;
  while (longest.size() + 101 <= kv_key::max_length) longest += std::string(100, 'x') + "/";
  longest += std::string(kv_key::max_length - longest.size(), 'y');
  EXPECT_TRUE(kv_key::parse(longest).has_value());
  EXPECT_ERRC(kv_key::parse(longest + "y"), errc::invalid_argument);
}

TEST(kv_key, child_checks_the_segment) {
  auto base = kv_key::parse("a/b");
  ASSERT_OK(base);
  auto c = base->child("c.txt");
  ASSERT_OK(c);
  EXPECT_EQ(c->text(), "a/b/c.txt");
  auto top = kv_key().child("top");
  ASSERT_OK(top);
  EXPECT_EQ(top->text(), "top");
  for (std::string_view bad : {"", ".", "..", "x/y"}) {
    EXPECT_ERRC(base->child(bad), errc::invalid_argument);
  }
}

TEST(kv_key, containment_and_order) {
  auto a = kv_key::parse("a");
  auto ab = kv_key::parse("a/b");
  auto abc = kv_key::parse("a-b");
  ASSERT_OK(a);
  ASSERT_OK(ab);
  ASSERT_OK(abc);
  EXPECT_TRUE(kv_key().contains(*ab));
  EXPECT_TRUE(a->contains(*ab));
  EXPECT_TRUE(a->contains(*a));
  EXPECT_FALSE(a->contains(*abc));
  EXPECT_FALSE(ab->contains(*a));
  EXPECT_LT(*a, *ab);
  EXPECT_EQ(*a, ab->parent());
}

}  // namespace
}  // namespace atl
