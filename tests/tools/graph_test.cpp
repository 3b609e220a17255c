// The device graph on the unix target, the generated main and CMake project,
// and `atoll describe`'s text.
#include "codegen.hpp"
#include "describe.hpp"
#include "graph.hpp"
#include "manifest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace atl::tool {
namespace {

manifest parsed(std::string_view text) {
  auto r = parse_manifest("app/atoll.manifest", text);
  EXPECT_TRUE(r.value) << r.error.text();
  return r.value ? *r.value : manifest{};
}

device_graph graph_of(const manifest& m) {
  auto g = unix_graph(m, "/apps/app");
  EXPECT_TRUE(g.value) << g.error.text();
  return g.value ? *g.value : device_graph{};
}

std::string graph_error(std::string_view text) {
  auto g = unix_graph(parsed(text), "/apps/app");
  EXPECT_FALSE(g.value);
  return g.error.text();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

constexpr std::string_view every_kind = R"(name every
app every.hpp ns::every
device console    out
device mono_clock mono
device wall_clock wall
device sleep      sleep
device random     rng
device block      disk file=images/disk.img sectors=64 read_only
device block      scratch
device kv_ro      site crunch=htdocs
device kv_ro      live dir=../shared
device kv_ro      any_dir dir
device kv         cache size=1024
key count uint 4 "how many"
)";

TEST(unix_graph, fills_each_slot_in_order) {
  const manifest m = parsed(every_kind);
  const device_graph g = graph_of(m);
  EXPECT_EQ(g.target, "unix");
  EXPECT_EQ(g.platform, "atl::unix_target::epoll_platform");
  ASSERT_EQ(g.devices.size(), 11u);
  const char* types[] = {"atl::unix_target::console",
                         "atl::unix_target::mono_clock",
                         "atl::unix_target::wall_clock",
                         "atl::engine_sleep",
                         "atl::unix_target::random",
                         "atl::unix_target::file_block",
                         "atl::unix_target::file_block",
                         "atl::crunched_kv",
                         "atl::unix_target::dir_kv",
                         "atl::unix_target::dir_kv",
                         "atl::memory_kv<atl::unix_target::wall_clock>"};
  for (std::size_t i = 0; i < g.devices.size(); ++i) {
    EXPECT_EQ(g.devices[i].concrete_type, types[i]) << i;
    EXPECT_EQ(g.devices[i].name, m.devices[i].name);
    EXPECT_EQ(g.devices[i].line, m.devices[i].line);
  }
  ASSERT_EQ(g.crunches.size(), 1u);
  EXPECT_EQ(g.crunches[0].function, "atoll_crunched_site");
  EXPECT_EQ(g.crunches[0].folder, "/apps/app/htdocs");
  EXPECT_EQ(g.crunches[0].line, 10);
}

TEST(unix_graph, adds_the_target_keys) {
  const device_graph g = graph_of(parsed(every_kind));
  ASSERT_EQ(g.keys.size(), 6u);
  EXPECT_EQ(g.keys[0].name, "logs");
  EXPECT_EQ(g.keys[1].name, "sandbox");
  EXPECT_EQ(g.keys[1].type, key_type::boolean);
  EXPECT_EQ(g.keys[1].default_text, "true");
  EXPECT_EQ(g.keys[2].name, "disk-file");
  EXPECT_EQ(g.keys[2].default_text, "/apps/app/images/disk.img");
  EXPECT_FALSE(g.keys[2].required);
  EXPECT_EQ(g.keys[3].name, "scratch-file");
  EXPECT_TRUE(g.keys[3].required);
  EXPECT_EQ(g.keys[4].name, "live-dir");
  EXPECT_EQ(g.keys[4].default_text, "/apps/shared");
  EXPECT_EQ(g.keys[5].name, "any-dir-dir");
  EXPECT_TRUE(g.keys[5].required);
  // The sandbox keeps the devices' paths, and no more.
  ASSERT_EQ(g.devices[5].paths.size(), 1u);
  EXPECT_EQ(g.devices[5].paths[0].key, "disk-file");
  EXPECT_FALSE(g.devices[5].paths[0].write);  // read_only
  EXPECT_TRUE(g.devices[6].paths[0].write);
  EXPECT_EQ(g.devices[8].paths[0].key, "live-dir");
  EXPECT_TRUE(g.devices[0].paths.empty());
  EXPECT_TRUE(g.devices[7].paths.empty());  // crunched: nothing on the host
}

TEST(unix_graph, errors_name_the_line) {
  EXPECT_EQ(
      graph_error("name a\napp a.hpp a\nkey site-dir string x \"d\"\ndevice kv_ro site dir\n"),
      "app/atoll.manifest:4: device 'site' needs the key 'site-dir' on unix, which the key "
      "on line 3 already declares");
  EXPECT_EQ(graph_error("name a\napp a.hpp a\ndevice block " + std::string(30, 'd') + "\n"),
            "app/atoll.manifest:3: the key " + std::string(30, 'd') + "-file that device '" +
                std::string(30, 'd') +
                "' needs is longer than 32 characters: shorten the "
                "device's name");
  EXPECT_EQ(graph_error("name a\napp a.hpp a\nkey sandbox bool true \"d\"\n"),
            "app/atoll.manifest:3: the key name 'sandbox' is the unix target's own");
  std::string many = "name a\napp a.hpp a\n";
  for (int i = 0; i < 48; ++i) many += "key k" + std::to_string(i) + " uint 1 \"d\"\n";
  for (int i = 0; i < 15; ++i) many += "device kv_ro d" + std::to_string(i) + " dir\n";
  EXPECT_EQ(graph_error(many),
            "app/atoll.manifest:65: too many keys: 48 of the application and 17 of the unix "
            "target (64 at most)");
}

TEST(unix_main, builds_the_graph_and_runs_start) {
  const manifest m = parsed(every_kind);
  const std::string main = unix_main(m, graph_of(m));
  EXPECT_TRUE(contains(main, "#include \"every.hpp\"\n"));
  EXPECT_TRUE(contains(main, "#include <atoll/unix/kv_dir.hpp>\n"));
  EXPECT_TRUE(
      contains(main, "std::span<const atl::crunched_file> atoll_crunched_site() noexcept;"));
  EXPECT_TRUE(contains(
      main, "struct app_keys {\n  /// --count: how many\n  std::uint64_t count = 4U;\n};"));
  EXPECT_TRUE(contains(main, "  bool sandbox = true;\n"));
  EXPECT_TRUE(contains(main, "  std::string_view live_dir = \"/apps/shared\";\n"));
  EXPECT_TRUE(contains(main, "key_set.add(\"count\", keys.count, \"how many\");"));
  EXPECT_TRUE(contains(main, "key_set.add(\"live-dir\", target.live_dir,"));
  EXPECT_TRUE(
      contains(main, "if (target.scratch_file.empty()) return failure(\"key 'scratch-file'\""));
  EXPECT_TRUE(contains(main,
                       "using application = ns::every<atl::unix_target::console, "
                       "atl::unix_target::mono_clock, atl::unix_target::wall_clock, "
                       "atl::engine_sleep, atl::unix_target::random"));
  EXPECT_TRUE(contains(main, "atl::engine_sleep dev_sleep(engine);"));
  EXPECT_TRUE(contains(main, "dev_disk_options.read_only = true;"));
  EXPECT_TRUE(contains(main, "dev_disk_options.create_sectors = 64U;"));
  EXPECT_TRUE(contains(main, "policy.allow_read(target.disk_file);"));
  EXPECT_TRUE(contains(main, "policy.allow_read_write(target.scratch_file);"));
  EXPECT_TRUE(contains(main, "policy.allow_read(target.live_dir);"));
  EXPECT_TRUE(contains(main,
                       "engine.run(app->start(keys, dev_out, dev_mono, dev_wall, dev_sleep, "
                       "dev_rng, dev_disk, dev_scratch, dev_site, dev_live, dev_any_dir, "
                       "dev_cache));"));
  // The devices are made in start()'s order, the sandbox after the last.
  EXPECT_LT(main.find("dev_out(1)"), main.find("dev_sleep(engine)"));
  EXPECT_LT(main.find("auto& dev_cache") == std::string::npos ? main.find("dev_cache(")
                                                              : main.find("auto& dev_cache"),
            main.find("policy.apply()"));
}

TEST(unix_graph, crunch_or_a_folder_by_key) {
  const manifest m =
      parsed("name site\napp site.hpp ns::site\ndevice kv_ro htdocs crunch=htdocs dir\n");
  const device_graph g = graph_of(m);
  ASSERT_EQ(g.devices.size(), 1u);
  EXPECT_EQ(g.devices[0].concrete_type,
            "atl::kv_ro_either<atl::crunched_kv, atl::unix_target::dir_kv>");
  ASSERT_EQ(g.crunches.size(), 1u);
  EXPECT_EQ(g.crunches[0].folder, "/apps/app/htdocs");
  // An optional key: empty serves the compiled-in files.
  ASSERT_EQ(g.keys.size(), 3u);
  EXPECT_EQ(g.keys[2].name, "htdocs-dir");
  EXPECT_EQ(g.keys[2].default_text, "");
  EXPECT_FALSE(g.keys[2].required);
  ASSERT_EQ(g.devices[0].paths.size(), 1u);
  EXPECT_TRUE(g.devices[0].paths[0].optional);
  const std::string main = unix_main(m, g);
  EXPECT_TRUE(contains(main, "#include <atoll/devices/kv_ro_either.hpp>\n"));
  EXPECT_TRUE(contains(main, "#include <atoll/devices/crunched_kv.hpp>\n"));
  EXPECT_TRUE(contains(main, "#include <atoll/unix/kv_dir.hpp>\n"));
  EXPECT_TRUE(contains(main, "target.htdocs_dir.empty() ? "));
  EXPECT_TRUE(contains(main, "::first(atl::crunched_kv::create(atoll_crunched_htdocs()))"));
  EXPECT_TRUE(contains(main, "::second(atl::unix_target::dir_kv::create(target.htdocs_dir))"));
  EXPECT_TRUE(
      contains(main, "if (!target.htdocs_dir.empty()) policy.allow_read(target.htdocs_dir);"));
}

TEST(unix_main, comments_cannot_swallow_code) {
  // A backslash at the end of a // comment would continue it over the field.
  const manifest m = parsed("name a\napp a.hpp a\nkey x string v \"ends in \\\\\"\n");
  ASSERT_EQ(m.keys.size(), 1u);
  EXPECT_EQ(m.keys[0].doc, "ends in \\");
  const std::string main = unix_main(m, graph_of(m));
  EXPECT_TRUE(contains(main, "  /// --x: ends in  \n  std::string_view x = \"v\";\n"));
  EXPECT_TRUE(contains(main, "key_set.add(\"x\", keys.x, \"ends in \\\\\");"));
}

TEST(unix_main, key_defaults_are_cpp) {
  EXPECT_EQ(cpp_key_default(key_type::boolean, "yes"), "true");
  EXPECT_EQ(cpp_key_default(key_type::integer, "-5"), "-5");
  EXPECT_EQ(cpp_key_default(key_type::integer, "-9223372036854775808"), "INT64_MIN");
  EXPECT_EQ(cpp_key_default(key_type::unsigned_integer, "0x10"), "16U");
  EXPECT_EQ(cpp_key_default(key_type::port, "8080"), "8080U");
  EXPECT_EQ(cpp_key_default(key_type::duration, "1.5s"), "atl::duration{1500000000}");
  EXPECT_EQ(cpp_key_default(key_type::string, "a\"b\\c\n?"), "\"a\\\"b\\\\c\\012\\077\"");
  EXPECT_EQ(cmake_string("a\"b$c;d\\"), "\"a\\\"b\\$c\\;d\\\\\"");
}

TEST(unix_cmake, finds_the_package_and_crunches) {
  const manifest m = parsed(every_kind);
  const std::string cmake = unix_cmake(m, graph_of(m), "/opt/atoll/lib/cmake/atoll");
  EXPECT_TRUE(contains(cmake, "project(every LANGUAGES CXX)\n"));
  EXPECT_TRUE(contains(cmake,
                       "find_package(atoll CONFIG REQUIRED PATHS \"/opt/atoll/lib/cmake/atoll\" "
                       "NO_DEFAULT_PATH)\n"));
  EXPECT_TRUE(contains(cmake, "atoll_add_unikernel(NAME every TARGET unix\n"));
  EXPECT_TRUE(contains(cmake, "INCLUDE_DIRS \"/apps/app\""));
  EXPECT_TRUE(contains(cmake, "CRUNCH atoll_crunched_site \"/apps/app/htdocs\")"));
}

TEST(describe, prints_slots_types_and_keys) {
  const manifest m = parsed(
      "name hello\napp hello.hpp hello::unikernel\n"
      "device console console\ndevice sleep sleep\n"
      "key count uint 4 \"how many greetings\"\n"
      "key message string \"hi there\" \"the greeting\"\n");
  const std::string text = describe(m, graph_of(m));
  EXPECT_EQ(text,
            "hello: hello::unikernel (hello.hpp) on unix\n"
            "  engine  atl::engine over atl::unix_target::epoll_platform\n"
            "  start   app.start(keys, console, sleep) -> atl::task<int>\n"
            "  devices (in start's order)\n"
            "    console  console  atl::unix_target::console  standard output\n"
            "    sleep    sleep    atl::engine_sleep          the engine's timers (epoll)\n"
            "  keys of hello\n"
            "    --count=uint      4           how many greetings\n"
            "    --message=string  \"hi there\"  the greeting\n"
            "  keys of the unix target\n"
            "    --logs=string   \"\"    log levels: SOURCE:LEVEL,... (*:debug for every source)\n"
            "    --sandbox=bool  true  seal the process once its devices are open (--no-sandbox "
            "to debug)\n"
            "  sandbox (after the devices open, unless --no-sandbox): the host paths kept\n"
            "    read-only   none\n"
            "    read-write  none\n");
}

constexpr std::string_view with_stack = R"(name echo
app echo.hpp echo::unikernel
device console console
device stack   net
key port port 7007 "the port"
)";

TEST(unix_graph, a_stack_device_is_chosen_by_net) {
  const device_graph g = graph_of(parsed(with_stack));
  ASSERT_EQ(g.devices.size(), 2u);
  const device_slot& net = g.devices[1];
  EXPECT_EQ(net.concrete_type, "Stack");
  ASSERT_EQ(net.choices.size(), 2u);
  EXPECT_EQ(net.choices[0], "atl::unix_target::socket_stack");
  EXPECT_EQ(net.choices[1], "atl::net::direct_stack<atl::unix_target::tap_network>");
  EXPECT_EQ(net.choice_names, (std::vector<std::string>{"socket", "direct"}));
  EXPECT_EQ(chosen_slot(g), &net);
  const char* names[] = {"logs",         "sandbox", "net",  "tap",         "ipv4",
                         "ipv4-gateway", "dhcp",    "ipv6", "ipv6-address"};
  ASSERT_EQ(g.keys.size(), std::size(names));
  for (std::size_t i = 0; i < g.keys.size(); ++i) EXPECT_EQ(g.keys[i].name, names[i]) << i;
  EXPECT_EQ(g.keys[2].default_text, "socket");
  EXPECT_EQ(g.keys[3].default_text, "tap0");
  EXPECT_EQ(g.keys[6].type, key_type::boolean);
  EXPECT_EQ(g.keys[2].device, "net");
  EXPECT_EQ(chosen_slot(graph_of(parsed(every_kind))), nullptr);
}

TEST(unix_graph, stack_errors_name_the_line) {
  EXPECT_EQ(graph_error("name a\napp a.hpp a\ndevice stack one\ndevice stack two\n"),
            "app/atoll.manifest:4: a second stack device: --net chooses one stack for the whole "
            "application (device 'one')");
  EXPECT_EQ(graph_error("name a\napp a.hpp a\nkey net string x \"d\"\ndevice stack one\n"),
            "app/atoll.manifest:4: device 'one' needs the key 'net' on unix, which the key on line "
            "3 already declares");
}

TEST(unix_main, instantiates_the_application_over_both_stacks) {
  const manifest m = parsed(with_stack);
  const device_graph g = graph_of(m);
  const std::string main = unix_main(m, g);
  EXPECT_TRUE(contains(main,
                       "template <class Stack>\nusing application_over = "
                       "echo::unikernel<atl::unix_target::console, Stack>;"));
  EXPECT_TRUE(contains(main,
                       "static_assert(startable<application_over<atl::unix_target::socket_stack>, "
                       "atl::unix_target::socket_stack>,"));
  EXPECT_TRUE(contains(main,
                       "static_assert(startable<application_over<atl::net::direct_stack<atl::unix_"
                       "target::tap_network>>, atl::net::direct_stack<atl::unix_target::tap_"
                       "network>>,"));
  EXPECT_TRUE(contains(main, "#include <atoll/net/direct/direct_stack.hpp>\n"));
  EXPECT_TRUE(contains(main, "#include <atoll/unix/tap.hpp>\n"));
  EXPECT_TRUE(contains(main, "  std::string_view net = \"socket\";\n"));
  EXPECT_TRUE(contains(main, "  bool dhcp = false;\n"));
  // One function template boots either stack; main picks it by --net.
  EXPECT_TRUE(contains(main,
                       "template <class Net>\nint run(const app_keys& keys, const "
                       "target_keys& target) {\n  using application = "
                       "application_over<typename Net::stack_type>;\n"));
  EXPECT_TRUE(contains(main,
                       "  if (target.net == \"socket\") return run<socket_net>(keys, target);\n"
                       "  if (target.net == \"direct\") return run<direct_net>(keys, target);\n"));
  EXPECT_TRUE(contains(main, "return failure(\"key 'net'\", unknown.view());"));
  EXPECT_TRUE(contains(main, "  Net dev_net_choice;\n"));
  EXPECT_TRUE(contains(main, "  auto& dev_net = *dev_net_choice.stack;\n"));
  EXPECT_TRUE(contains(main, "    dev_net_choice.allow(policy);\n"));
  EXPECT_TRUE(contains(main, "policy.allow_sockets();"));
  EXPECT_TRUE(
      contains(main, "atl::unix_target::tap_network::create(engine, platform, target.tap)"));
  EXPECT_TRUE(contains(main, "engine.run(app->start(keys, dev_console, dev_net));"));
  // The engine, the devices and the sandbox are written once, in run<Net>.
  EXPECT_EQ(main.find("atl::engine engine(*platform);"),
            main.rfind("atl::engine engine(*platform);"));
  EXPECT_LT(main.find("int run("), main.find("atl::engine engine(*platform);"));
  EXPECT_LT(main.find("policy.apply()"), main.find("int main("));

  const std::string cmake = unix_cmake(m, g, "/opt/atoll");
  EXPECT_TRUE(contains(cmake, "target_link_libraries(echo PRIVATE atoll::net_direct)\n"));
  EXPECT_FALSE(contains(unix_cmake(parsed(every_kind), graph_of(parsed(every_kind)), "/opt/atoll"),
                        "net_direct"));
  EXPECT_TRUE(contains(describe(m, g),
                       "    net      stack    atl::unix_target::socket_stack | "
                       "atl::net::direct_stack<atl::unix_target::tap_network>"));
}

TEST(targets, known_and_implemented) {
  EXPECT_TRUE(is_known_target("kvm"));
  EXPECT_FALSE(is_known_target("foo"));
  EXPECT_TRUE(is_implemented_target("unix"));
  EXPECT_FALSE(is_implemented_target("xen"));
  EXPECT_EQ(known_targets(), "unix, kvm, xen");
}

}  // namespace
}  // namespace atl::tool
