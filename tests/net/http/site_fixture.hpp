// The fixture of the static-file responder's tests (site_test.cpp,
// site_serve_test.cpp): a small site in a memory_kv, an engine to run
// respond() on, and a kv_ro wrapper that records the keys asked for.
#pragma once

#include <atoll/core/engine.hpp>
#include <atoll/core/sim_platform.hpp>
#include <atoll/devices/crunched_kv.hpp>
#include <atoll/devices/memory_kv.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/net/http/site.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace atl::net::site_testing {

using namespace std::chrono_literals;

struct test_clock {
  wall_time at{};
  [[nodiscard]] wall_time now() const noexcept { return at; }
};

using test_kv = memory_kv<test_clock>;

// recording_kv: forwards to a memory_kv and remembers every key asked for,
// to show which keys a request touches.
class recording_kv {
public:
  explicit recording_kv(test_kv& inner) : inner_(inner) {}
  task<result<buf>> get(kv_key k) { return inner_.get(note(std::move(k))); }
  task<result<buf>> get_partial(kv_key k, std::uint64_t o, std::uint64_t n) {
    return inner_.get_partial(note(std::move(k)), o, n);
  }
  task<result<std::vector<kv_entry>>> list(kv_key k) { return inner_.list(note(std::move(k))); }
  task<result<std::optional<kv_kind>>> exists(kv_key k) {
    return inner_.exists(note(std::move(k)));
  }
  task<result<std::uint64_t>> size(kv_key k) { return inner_.size(note(std::move(k))); }
  task<result<sha256_digest>> digest(kv_key k) { return inner_.digest(note(std::move(k))); }
  task<result<wall_time>> last_modified(kv_key k) {
    return inner_.last_modified(note(std::move(k)));
  }
  std::vector<std::string> keys;

protected:
  test_kv& inner() { return inner_; }

private:
  kv_key note(kv_key k) {
    keys.emplace_back(k.text());
    return k;
  }
  test_kv& inner_;
};
static_assert(kv_ro<recording_kv>);
static_assert(!kv_ro_info<recording_kv>);

// recording_info_kv: the same with info() (kv_ro_info), which it records as
// "info KEY" and answers with kv_describe over the memory_kv.
class recording_info_kv : public recording_kv {
public:
  using recording_kv::recording_kv;
  task<result<std::optional<kv_info>>> info(kv_key k) {
    keys.push_back("info " + std::string(k.text()));
    return kv_describe(inner(), std::move(k));
  }
};
static_assert(kv_ro_info<recording_info_kv>);

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

inline std::string etag_of(std::string_view content) {
  const auto hex = to_hex(sha256_of(content));
  return "\"" + std::string(hex.view().substr(0, 32)) + "\"";
}

// 2023-11-14T22:13:20Z, plus half a second: Last-Modified truncates it.
inline const wall_time mtime = wall_time(1'700'000'000s + 500ms);

class site_test : public ::testing::Test {
protected:
  site_test() {
    put("index.html", "<h1>home</h1>");
    put("docs/index.html", "<h1>docs</h1>");
    put("docs/guide.txt", "read me");
    put("empty/file.bin", "");
    put("big.txt", digits());
    put("style.css", "body { color: red }");
    put("style.css.gz", "GZIPPED-STYLE");
    put("a b.html", "spaced");
    put("zero.txt", "");
  }

  static std::string digits() {
    std::string s;
    for (int i = 0; i < 100; ++i) s.push_back(static_cast<char>('0' + i % 10));
    return s;
  }

  void put(std::string_view path, std::string_view content) {
    clock_.at = mtime;
    auto key = kv_key::parse(path);
    ASSERT_TRUE(key.has_value());
    auto set = engine_.run(kv_.set(*key, as_bytes(content)));
    ASSERT_TRUE(set.has_value()) << set.error().message();
  }

  site_response get(site_request request) {
    auto r = engine_.run(respond(kv_, config_, std::move(request)));
    EXPECT_TRUE(r.has_value());
    return r ? std::move(*r) : site_response{};
  }
  site_response get(std::string path) {
    site_request request;
    request.path = std::move(path);
    return get(std::move(request));
  }

  std::string header(const site_response& r, std::string_view name) {
    const auto value = r.header(name);
    return value ? std::string(*value) : std::string("<none>");
  }

  sim_platform platform_;
  engine engine_{platform_};
  test_clock clock_;
  test_kv kv_{clock_, 1 << 20};
  site_config config_;
};

/// ranged(range): a GET of the 100-byte "/big.txt" with a Range header.
inline site_request ranged(std::string range) {
  site_request request;
  request.path = "/big.txt";
  request.range = std::move(range);
  return request;
}

}  // namespace atl::net::site_testing
