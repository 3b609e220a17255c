// The manifest parser: what it accepts, and every diagnostic it gives, with
// its file and line.
#include "manifest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::tool {
namespace {

constexpr std::string_view good =
    "# hello, as in examples/\n"
    "name   hello\n"
    "app    hello.hpp hello::unikernel   # trailing comment\n"
    "\n"
    "device console console\n"
    "\tdevice sleep   sleep\r\n"
    "device kv_ro   site crunch=htdocs\n"
    "device kv_ro   live dir\n"
    "device block   disk file=disk.img sectors=2048 read_only\n"
    "key    count   uint 4 \"how many greetings\"\n"
    "key    interval duration 1s \"time between\"\n"
    "key    message string \"hello world\" \"the \\\"greeting\\\"\"\n"
    "key    quiet   bool false \"say nothing\"\n"
    "key    empty   string \"\" \"# not a comment\"\n";

// error_of(text): the diagnostic for a manifest that must be refused.
std::string error_of(std::string_view text) {
  auto r = parse_manifest("m", text);
  EXPECT_FALSE(r.value) << "accepted:\n" << text;
  return r.error.text();
}

// A manifest with a name and an app, then `rest` from line 3.
std::string with_head(std::string_view rest) { return "name a\napp a.hpp a\n" + std::string(rest); }

TEST(manifest, parses_every_statement) {
  auto r = parse_manifest("examples/hello/atoll.manifest", good);
  ASSERT_TRUE(r.value) << r.error.text();
  const manifest& m = *r.value;
  EXPECT_EQ(m.path, "examples/hello/atoll.manifest");
  EXPECT_EQ(m.name, "hello");
  EXPECT_EQ(m.name_line, 2);
  EXPECT_EQ(m.header, "hello.hpp");
  EXPECT_EQ(m.class_name, "hello::unikernel");
  EXPECT_EQ(m.app_line, 3);

  ASSERT_EQ(m.devices.size(), 5u);
  EXPECT_EQ(m.devices[0].kind, "console");
  EXPECT_EQ(m.devices[0].name, "console");
  EXPECT_EQ(m.devices[0].line, 5);
  EXPECT_EQ(m.devices[1].kind, "sleep");
  EXPECT_EQ(m.devices[1].line, 6);
  ASSERT_NE(m.devices[2].option("crunch"), nullptr);
  EXPECT_EQ(m.devices[2].option("crunch")->value, "htdocs");
  ASSERT_NE(m.devices[3].option("dir"), nullptr);
  EXPECT_FALSE(m.devices[3].option("dir")->value.has_value());
  EXPECT_EQ(m.devices[4].option("sectors")->value, "2048");
  EXPECT_NE(m.devices[4].option("read_only"), nullptr);
  EXPECT_EQ(m.devices[4].option("sector_size"), nullptr);

  ASSERT_EQ(m.keys.size(), 5u);
  EXPECT_EQ(m.keys[0].name, "count");
  EXPECT_EQ(m.keys[0].type, key_type::unsigned_integer);
  EXPECT_EQ(m.keys[0].default_text, "4");
  EXPECT_EQ(m.keys[0].doc, "how many greetings");
  EXPECT_EQ(m.keys[0].line, 10);
  EXPECT_EQ(m.keys[1].type, key_type::duration);
  EXPECT_EQ(m.keys[2].default_text, "hello world");
  EXPECT_EQ(m.keys[2].doc, "the \"greeting\"");
  EXPECT_EQ(m.keys[3].type, key_type::boolean);
  EXPECT_EQ(m.keys[4].default_text, "");
  EXPECT_EQ(m.keys[4].doc, "# not a comment");
}

TEST(manifest, accepts_the_smallest_and_qualified_names) {
  auto r = parse_manifest("m", "name x-1_y\napp dir/x+.hpp ::ns::x_2\n");
  ASSERT_TRUE(r.value) << r.error.text();
  EXPECT_TRUE(r.value->devices.empty());
  EXPECT_EQ(r.value->class_name, "::ns::x_2");
  EXPECT_EQ(r.value->header, "dir/x+.hpp");
  // The last line needs no newline; statements may come in any order.
  EXPECT_TRUE(parse_manifest("m", "app a.hpp a\nkey k int -5 \"d\"\nname a").value);
}

TEST(manifest, key_types_and_their_cpp_fields) {
  EXPECT_EQ(parse_key_type("bool"), key_type::boolean);
  EXPECT_EQ(parse_key_type("port"), key_type::port);
  EXPECT_FALSE(parse_key_type("integer"));
  EXPECT_EQ(cpp_type(key_type::integer), "std::int64_t");
  EXPECT_EQ(cpp_type(key_type::unsigned_integer), "std::uint64_t");
  EXPECT_EQ(cpp_type(key_type::port), "std::uint16_t");
  EXPECT_EQ(cpp_type(key_type::string), "std::string_view");
  EXPECT_EQ(cpp_type(key_type::duration), "atl::duration");
  EXPECT_EQ(to_string(key_type::unsigned_integer), "uint");
  EXPECT_EQ(field_name("site-dir"), "site_dir");
  EXPECT_TRUE(is_cpp_keyword("co_await"));
  EXPECT_FALSE(is_cpp_keyword("count"));
  EXPECT_EQ(check_key_value(key_type::port, "65536"), "'65536' is out of range (0 to 65535)");
  EXPECT_EQ(check_key_value(key_type::string, ""), "");
}

TEST(manifest, lexical_errors) {
  EXPECT_EQ(error_of(with_head("key x uint 1 \"unterminated\n")), "m:3: unterminated quoted word");
  EXPECT_EQ(error_of(with_head("key x uint 1 \"doc\"x\n")),
            "m:3: a quoted word must be followed by a blank");
  EXPECT_EQ(error_of(with_head("key x uint 1 do\"c\n")), "m:3: a quote in the middle of a word");
  EXPECT_EQ(error_of(std::string_view("name a\0\napp a.hpp a\n", 19)), "m:1: a NUL byte");
  EXPECT_EQ(error_of("name a\n#" + std::string(4096, 'x') + "\n"),
            "m:2: a line longer than 4096 characters");
  std::string long_file = "name a\napp a.hpp a\n";
  for (int i = 0; i < 10000; ++i) long_file += "# comment\n";
  EXPECT_EQ(error_of(long_file), "m:10001: more than 10000 lines");
}

TEST(manifest, statement_errors) {
  EXPECT_EQ(error_of("name a\nfrobnicate x\n"),
            "m:2: unknown statement 'frobnicate' (name, app, device, key, cert)");
  EXPECT_EQ(error_of("app a.hpp a\n"), "m: the manifest has no 'name' statement");
  EXPECT_EQ(error_of("name a\n"), "m: the manifest has no 'app' statement");
  EXPECT_EQ(error_of(""), "m: the manifest has no 'name' statement");
}

TEST(manifest, name_errors) {
  EXPECT_EQ(error_of("name a\nname b\napp a.hpp a\n"),
            "m:2: a second 'name' (the first is on line 1)");
  EXPECT_EQ(error_of("name\n"), "m:1: 'name' takes one word: name NAME");
  EXPECT_EQ(error_of("name a b\n"), "m:1: 'name' takes one word: name NAME");
  const std::string bad =
      " (lower-case letters, digits, '-' and '_', starting with a letter, at most 48)";
  EXPECT_EQ(error_of("name A\napp a.hpp a\n"), "m:1: bad application name 'A'" + bad);
  EXPECT_EQ(error_of("name 1a\n"), "m:1: bad application name '1a'" + bad);
  EXPECT_EQ(error_of("name a.b\n"), "m:1: bad application name 'a.b'" + bad);
  EXPECT_EQ(error_of("name " + std::string(49, 'a') + "\n"),
            "m:1: bad application name '" + std::string(49, 'a') + "'" + bad);
}

TEST(manifest, app_errors) {
  EXPECT_EQ(error_of("name a\napp a.hpp a\napp b.hpp b\n"),
            "m:3: a second 'app' (the first is on line 2)");
  EXPECT_EQ(error_of("name a\napp a.hpp\n"),
            "m:2: 'app' takes two words: app HEADER CLASS_TEMPLATE");
  const std::string relative =
      " must be a path relative to the manifest, of letters, digits "
      "and . _ - + /";
  EXPECT_EQ(error_of("name a\napp /x.hpp a\n"), "m:2: the app header '/x.hpp'" + relative);
  EXPECT_EQ(error_of("name a\napp \"a b.hpp\" a\n"), "m:2: the app header 'a b.hpp'" + relative);
  EXPECT_EQ(error_of("name a\napp \"\" a\n"), "m:2: the app header ''" + relative);
  const std::string not_class = " is not a C++ class template name (such as hello::unikernel)";
  EXPECT_EQ(error_of("name a\napp a.hpp 1bad\n"), "m:2: '1bad'" + not_class);
  EXPECT_EQ(error_of("name a\napp a.hpp a::\n"), "m:2: 'a::'" + not_class);
  EXPECT_EQ(error_of("name a\napp a.hpp a<b>\n"), "m:2: 'a<b>'" + not_class);
  EXPECT_EQ(error_of("name a\napp a.hpp ns::class\n"), "m:2: 'ns::class'" + not_class);
}

TEST(manifest, device_errors) {
  EXPECT_EQ(error_of(with_head("device console\n")),
            "m:3: 'device' takes a kind and a name: device KIND NAME [OPTION ...]");
  EXPECT_EQ(error_of(with_head("device consol c\n")),
            "m:3: unknown device kind 'consol' (console, mono_clock, wall_clock, sleep, random, "
            "block, kv_ro, kv, stack)");
  EXPECT_EQ(error_of(with_head("device console Con\n")),
            "m:3: bad device name 'Con' (lower-case letters, digits and '_', starting with a "
            "letter, at most 48)");
  EXPECT_TRUE(
      error_of(with_head("device console c-d\n")).starts_with("m:3: bad device name 'c-d' ("));
  EXPECT_EQ(error_of(with_head("device console c\ndevice sleep c\n")),
            "m:4: a second device named 'c' (the first is on line 3)");
  std::string many = with_head("");
  for (int i = 0; i < 33; ++i) many += "device sleep s" + std::to_string(i) + "\n";
  EXPECT_EQ(error_of(many), "m:35: too many devices (32 at most)");
}

TEST(manifest, device_option_errors) {
  EXPECT_EQ(error_of(with_head("device console c speed=9600\n")),
            "m:3: device kind 'console' takes no options ('speed=9600')");
  EXPECT_EQ(error_of(with_head("device block disk speed=1\n")),
            "m:3: device kind 'block' has no option 'speed' (file, sectors, sector_size, "
            "read_only)");
  EXPECT_EQ(error_of(with_head("device block disk file\n")),
            "m:3: option 'file' of device 'disk' needs a value (file=...)");
  EXPECT_EQ(error_of(with_head("device block disk file=\n")),
            "m:3: option 'file' of device 'disk' needs a value (file=...)");
  EXPECT_EQ(error_of(with_head("device block disk read_only=yes\n")),
            "m:3: option 'read_only' of device 'disk' takes no value");
  EXPECT_EQ(error_of(with_head("device kv_ro site dir=\n")),
            "m:3: option 'dir' of device 'site' needs a value after '=' (or none: dir)");
  EXPECT_EQ(error_of(with_head("device block disk file=a file=b\n")),
            "m:3: option 'file' of device 'disk' is given twice");
  EXPECT_EQ(error_of(with_head("device block disk sectors=many\n")),
            "m:3: option 'sectors' of device 'disk': 'many' is not an unsigned integer");
  EXPECT_EQ(
      error_of(with_head("device kv cache size=-1\n")),
      "m:3: option 'size' of device 'cache': '-1' is out of range (0 to 18446744073709551615)");
  EXPECT_EQ(error_of(with_head("device kv_ro site\n")),
            "m:3: a kv_ro device takes crunch=FOLDER, dir[=FOLDER], or crunch=FOLDER dir");
  EXPECT_EQ(error_of(with_head("device kv_ro site crunch=a dir=b\n")),
            "m:3: a kv_ro device takes crunch=FOLDER, dir[=FOLDER], or crunch=FOLDER dir");
}

TEST(manifest, key_errors) {
  EXPECT_EQ(error_of(with_head("key count uint 4\n")),
            "m:3: 'key' takes four words: key NAME TYPE DEFAULT \"DOC\"");
  const std::string bad_name =
      " (lower-case letters, digits and '-', starting with a letter, at most 32)";
  EXPECT_EQ(error_of(with_head("key Count uint 4 \"d\"\n")),
            "m:3: bad key name 'Count'" + bad_name);
  EXPECT_EQ(error_of(with_head("key a_b uint 4 \"d\"\n")), "m:3: bad key name 'a_b'" + bad_name);
  EXPECT_EQ(error_of(with_head("key " + std::string(33, 'k') + " uint 4 \"d\"\n")),
            "m:3: bad key name '" + std::string(33, 'k') + "'" + bad_name);
  const std::string reserved = " is reserved (help, logs, and no-... which turns a bool key off)";
  EXPECT_EQ(error_of(with_head("key help bool false \"d\"\n")),
            "m:3: the key name 'help'" + reserved);
  EXPECT_EQ(error_of(with_head("key logs string x \"d\"\n")),
            "m:3: the key name 'logs'" + reserved);
  EXPECT_EQ(error_of(with_head("key no-cache bool false \"d\"\n")),
            "m:3: the key name 'no-cache'" + reserved);
  EXPECT_EQ(error_of(with_head("key new bool false \"d\"\n")),
            "m:3: the key name 'new' is a C++ keyword (its field keys.new could not be written)");
  EXPECT_EQ(error_of(with_head("key count integer 4 \"d\"\n")),
            "m:3: unknown key type 'integer' (bool, int, uint, port, string, duration)");
  EXPECT_EQ(error_of(with_head("key count uint four \"d\"\n")),
            "m:3: bad default for key 'count': 'four' is not an unsigned integer");
  EXPECT_EQ(error_of(with_head("key t duration 5 \"d\"\n")),
            "m:3: bad default for key 't': " + check_key_value(key_type::duration, "5"));
  EXPECT_EQ(error_of(with_head("key p port 70000 \"d\"\n")),
            "m:3: bad default for key 'p': '70000' is out of range (0 to 65535)");
  EXPECT_EQ(error_of(with_head("key b bool maybe \"d\"\n")),
            "m:3: bad default for key 'b': " + check_key_value(key_type::boolean, "maybe"));
  EXPECT_EQ(error_of(with_head("key x uint 1 \"a\"\nkey x uint 2 \"b\"\n")),
            "m:4: a second key named 'x' (the first is on line 3)");
  std::string many = with_head("");
  for (int i = 0; i < 49; ++i) many += "key k" + std::to_string(i) + " uint 1 \"d\"\n";
  EXPECT_EQ(error_of(many), "m:51: too many keys (48 at most)");
}

TEST(manifest, cert_statements) {
  auto r = parse_manifest("m", with_head("cert ca secrets/ca \"name=a CA\" days=30\n"
                                         "cert server secrets/server ca=secrets/ca dns=localhost "
                                         "ip=127.0.0.1 ip=::1\n"
                                         "cert bitcoin secrets/bitcoin\n"
                                         "cert self-signed tls/server dns=x\n"));
  ASSERT_TRUE(r.value) << r.error.text();
  const auto& certs = r.value->certs;
  ASSERT_EQ(certs.size(), 4U);
  EXPECT_EQ(certs[0].action, "ca");
  EXPECT_EQ(certs[0].out, "secrets/ca");
  using option = std::pair<std::string, std::string>;
  EXPECT_EQ(certs[0].options, (std::vector<option>{{"name", "a CA"}, {"days", "30"}}));
  EXPECT_EQ(certs[1].options,
            (std::vector<option>{
                {"ca", "secrets/ca"}, {"dns", "localhost"}, {"ip", "127.0.0.1"}, {"ip", "::1"}}));
  EXPECT_EQ(certs[1].line, 4);
  EXPECT_TRUE(certs[2].options.empty());
  EXPECT_EQ(certs[3].action, "self-signed");
}

TEST(manifest, cert_errors) {
  EXPECT_EQ(error_of(with_head("cert ca\n")),
            "m:3: 'cert' takes an action and a prefix: cert ACTION OUT [OPTION=VALUE ...]");
  EXPECT_EQ(
      error_of(with_head("cert bitcoin-address k\n")),
      "m:3: unknown cert action 'bitcoin-address' (ca, server, client, self-signed, bitcoin)");
  const std::string inside =
      " must be a path inside the manifest's folder (letters, digits, . _ - + /; no '..')";
  for (const char* out :
       {"/etc/ca", "../ca", "a/../../ca", "a//ca", "ca/", "./ca", "c a", "a/./b"}) {
    EXPECT_EQ(error_of(with_head("cert ca \"" + std::string(out) + "\"\n")),
              "m:3: the cert prefix '" + std::string(out) + "'" + inside);
  }
  EXPECT_EQ(error_of(with_head("cert server s ca=../ca dns=x\n")),
            "m:3: the CA prefix '../ca'" + inside);
  EXPECT_EQ(error_of(with_head("cert ca s force\n")),
            "m:3: unknown cert option 'force' (ca, name, dns, ip, days, key)");
  EXPECT_EQ(error_of(with_head("cert ca s out=x\n")),
            "m:3: unknown cert option 'out' (ca, name, dns, ip, days, key)");
  EXPECT_EQ(error_of(with_head("cert ca s name=\n")),
            "m:3: cert option 'name' needs a value (name=...)");
  EXPECT_EQ(error_of(with_head("cert ca s\ncert bitcoin s\n")),
            "m:4: a second cert 's' (the first is on line 3)");
  std::string many = with_head("");
  for (int i = 0; i < 17; ++i) many += "cert bitcoin b" + std::to_string(i) + "\n";
  EXPECT_EQ(error_of(many), "m:19: too many cert statements (16 at most)");
}

TEST(manifest, diagnostics_print_file_and_line) {
  EXPECT_EQ((diagnostic{"f", 4, "bad"}).text(), "f:4: bad");
  EXPECT_EQ((diagnostic{"f", 0, "bad"}).text(), "f: bad");
}

}  // namespace
}  // namespace atl::tool
