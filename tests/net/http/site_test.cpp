// The static-file responder (net/http/site.hpp) end to end through
// respond(), over memory_kv and crunched_kv: path resolution, directory
// redirects, 404 and refused paths, the https redirect, HSTS and content types.
#include "site_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atl::net::site_testing {
namespace {

TEST_F(site_test, root_serves_the_index) {
  const site_response r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_key.text(), "index.html");
  EXPECT_TRUE(r.has_body);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 13u);
  EXPECT_EQ(header(r, "Content-Length"), "13");
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(r, "ETag"), etag_of("<h1>home</h1>"));
  EXPECT_EQ(header(r, "Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(header(r, "Vary"), "<none>");
  EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
  EXPECT_TRUE(r.small_body.empty());
}

TEST_F(site_test, directory_with_slash_serves_its_index) {
  const site_response r = get("/docs/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_key.text(), "docs/index.html");
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
}

TEST_F(site_test, the_index_name_is_configurable) {
  config_.index = "guide.txt";
  const site_response r = get("/docs/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_key.text(), "docs/guide.txt");
  EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(get("/").status, 404);  // no guide.txt at the root
}

TEST_F(site_test, a_file_is_served_by_its_path) {
  const site_response r = get("/docs/guide.txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_key.text(), "docs/guide.txt");
  EXPECT_EQ(r.length, 7u);
  EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(site_test, directory_without_slash_is_redirected) {
  const site_response r = get("/docs");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(header(r, "Location"), "/docs/");
  EXPECT_FALSE(r.has_body);
  EXPECT_NE(r.small_body.find("/docs/"), std::string::npos);
  EXPECT_EQ(header(r, "Content-Length"), std::to_string(r.small_body.size()));
}

TEST_F(site_test, redirect_location_is_percent_encoded) {
  put("we ird/\\x/index.html", "x");
  const site_response r = get("/we ird/\\x");
  EXPECT_EQ(r.status, 301);
  // The backslash is encoded: "/\x" would be read by browsers as "//x".
  EXPECT_EQ(header(r, "Location"), "/we%20ird/%5Cx/");
}

TEST_F(site_test, missing_is_404_with_a_page) {
  for (const char* path : {"/nope.html", "/docs/nope", "/empty/", "/index.html/", "/nope/"}) {
    const site_response r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_FALSE(r.has_body) << path;
    EXPECT_NE(r.small_body.find("404 Not Found"), std::string::npos) << path;
    EXPECT_EQ(header(r, "Content-Length"), std::to_string(r.small_body.size())) << path;
    EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8") << path;
  }
}

TEST_F(site_test, dot_segments_and_empty_segments_are_refused_before_the_device) {
  put("secret", "not in the site's subtree, but must not be reached by ..");
  recording_kv spy(kv_);
  for (const char* path :
       {"/../secret", "/docs/../secret", "/docs/./guide.txt", "/./index.html", "//secret",
        "/docs//guide.txt", "/docs/..", "/..", "/.", "secret", "", "/docs/../", "/docs/./"}) {
    site_request request;
    request.path = path;
    auto r = engine_.run(respond(spy, config_, request));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 404) << path;
  }
  EXPECT_EQ(spy.keys.size(), 0u);
  // NUL is refused by kv_key too.
  site_request request;
  request.path = std::string("/index.html\0x", 13);
  auto r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 404);
  EXPECT_TRUE(spy.keys.empty());
}

TEST_F(site_test, only_the_served_file_and_its_variant_are_asked_about) {
  recording_kv spy(kv_);
  site_request request;
  request.path = "/style.css";
  request.accepts_gzip = true;
  auto r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  // A device without info(): exists, size, last_modified and digest of the
  // file, then of its variant (the client accepts gzip).
  EXPECT_EQ(spy.keys, (std::vector<std::string>{"style.css", "style.css", "style.css", "style.css",
                                                "style.css.gz", "style.css.gz", "style.css.gz",
                                                "style.css.gz"}));
  spy.keys.clear();
  request.accepts_gzip = false;
  r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(spy.keys, (std::vector<std::string>{"style.css", "style.css", "style.css", "style.css",
                                                "style.css.gz"}));  // only whether it exists
}

TEST_F(site_test, a_device_with_info_is_asked_once_per_key) {
  recording_info_kv spy(kv_);
  site_request request;
  request.path = "/style.css";
  request.accepts_gzip = true;
  auto r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(header(*r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(*r, "ETag"), etag_of("GZIPPED-STYLE"));
  EXPECT_EQ(spy.keys, (std::vector<std::string>{"info style.css", "info style.css.gz"}));
  spy.keys.clear();
  request.path = "/docs";
  r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(spy.keys, (std::vector<std::string>{"info docs"}));
}

TEST_F(site_test, http_is_redirected_to_https) {
  config_.redirect_to_https = true;
  config_.host_for_redirect = "example.com:8080";
  config_.https_port = 8443;
  recording_kv spy(kv_);
  site_request request;
  request.path = "/a b.html";
  auto r = engine_.run(respond(spy, config_, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(header(*r, "Location"), "https://example.com:8443/a%20b.html");
  EXPECT_TRUE(spy.keys.empty());  // decided before the device

  config_.https_port = 443;
  EXPECT_EQ(header(get("/docs/"), "Location"), "https://example.com/docs/");
  config_.host_for_redirect = "[::1]:8080";
  EXPECT_EQ(header(get("/"), "Location"), "https://[::1]/");
  config_.host_for_redirect = "EXAMPLE.org";
  EXPECT_EQ(header(get("/"), "Location"), "https://EXAMPLE.org/");

  // Over TLS the site is served.
  request.via_tls = true;
  EXPECT_EQ(get(request).status, 200);
}

TEST_F(site_test, https_redirect_needs_a_sane_host) {
  config_.redirect_to_https = true;
  for (const char* host : {"", "evil.com\r\nSet-Cookie: a=b", "a\"b", ":80", "[::1", "[zz]",
                           "host:80x", "<script>", "a/b"}) {
    config_.host_for_redirect = host;
    const site_response r = get("/");
    EXPECT_EQ(r.status, 400) << host;
    EXPECT_EQ(header(r, "Location"), "<none>") << host;
  }
}

TEST_F(site_test, hsts_only_over_tls) {
  config_.hsts_max_age = 31536000;
  for (const char* path : {"/", "/nope", "/docs"}) {
    site_request request;
    request.path = path;
    EXPECT_EQ(header(get(request), "Strict-Transport-Security"), "<none>") << path;
    request.via_tls = true;
    EXPECT_EQ(header(get(request), "Strict-Transport-Security"), "max-age=31536000") << path;
  }
  site_request request;
  request.path = "/";
  request.via_tls = true;
  request.if_none_match = "*";
  EXPECT_EQ(header(get(request), "Strict-Transport-Security"), "max-age=31536000");
  config_.hsts_max_age.reset();
  EXPECT_EQ(header(get(request), "Strict-Transport-Security"), "<none>");
}

TEST_F(site_test, content_types_follow_the_extension_of_the_file_served) {
  put("img/logo.PNG", "png");
  put("app.wasm", "wasm");
  put("README", "plain");
  EXPECT_EQ(header(get("/img/logo.PNG"), "Content-Type"), "image/png");
  EXPECT_EQ(header(get("/app.wasm"), "Content-Type"), "application/wasm");
  EXPECT_EQ(header(get("/README"), "Content-Type"), "application/octet-stream");
}

TEST(site_decisions, a_value_that_vanished_is_404_other_errors_pass) {
  const site_config config;
  const site_request request;
  auto gone = site_metadata_failure(config, request, error(errc::not_found, "gone"));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->status, 404);
  auto broken = site_metadata_failure(config, request, error(errc::io_error, "disk"));
  ASSERT_FALSE(broken.has_value());
  EXPECT_TRUE(broken.error() == errc::io_error);
}

TEST(site_decisions, plan_names_the_key_without_asking_a_device) {
  site_config config;
  site_request request;
  request.path = "/docs/";
  site_plan plan = plan_site_request(config, request);
  EXPECT_FALSE(plan.early.has_value());
  EXPECT_TRUE(plan.directory);
  EXPECT_EQ(plan.key.text(), "docs/index.html");
  request.path = "/a/b.css";
  plan = plan_site_request(config, request);
  EXPECT_FALSE(plan.directory);
  EXPECT_EQ(plan.key.text(), "a/b.css");
  request.path = "/a/../b.css";
  plan = plan_site_request(config, request);
  ASSERT_TRUE(plan.early.has_value());
  EXPECT_EQ(plan.early->status, 404);
  config.index = "";  // a broken configuration serves nothing, not the root
  request.path = "/";
  plan = plan_site_request(config, request);
  ASSERT_TRUE(plan.early.has_value());
  EXPECT_EQ(plan.early->status, 404);
}

TEST(site_decisions, serve_file_from_metadata_alone) {
  // A value far larger than memory: only metadata is involved.
  site_file file;
  file.chosen.key = kv_key::parse("video.mp4").value();
  file.chosen.size = std::uint64_t{1} << 40;
  file.chosen.digest = sha256_of(std::string_view("anything"));
  file.chosen.modified = wall_time{784'111'777s};
  file.content_type = "video/mp4";
  const site_config config;
  site_request request;
  request.path = "/video.mp4";
  request.range = "bytes=1099511627000-";
  const site_response r = serve_site_file(config, request, file);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.offset, 1099511627000u);
  EXPECT_EQ(r.length, 776u);
  EXPECT_EQ(r.header("Content-Range"), "bytes 1099511627000-1099511627775/1099511627776");
  EXPECT_EQ(r.header("Last-Modified"), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(r.header("Content-Type"), "video/mp4");
  request.range.reset();
  request.if_modified_since = wall_time{784'111'777s};
  EXPECT_EQ(serve_site_file(config, request, file).status, 304);
}

TEST(site_decisions, gzip_key_is_the_sibling_with_gz) {
  auto key = kv_key::parse("a/b.css");
  ASSERT_TRUE(key.has_value());
  auto gz = site_gzip_key(*key);
  ASSERT_TRUE(gz.has_value());
  EXPECT_EQ(gz->text(), "a/b.css.gz");
  EXPECT_FALSE(site_gzip_key(kv_key()).has_value());
  auto longest = kv_key::parse(std::string(kv_key::max_segment, 'x'));
  ASSERT_TRUE(longest.has_value());
  EXPECT_FALSE(site_gzip_key(*longest).has_value());  // no room for ".gz"
}

// The same responder over the image's crunched files.
TEST(site_crunched, serves_a_crunched_site) {
  static constexpr unsigned char index[] = "<p>crunched</p>";
  static constexpr unsigned char index_gz[] = "GZ";
  static const std::vector<crunched_file> files = {
      {"index.html",
       {index, sizeof index - 1},
       sha256_of(std::string_view("<p>crunched</p>")),
       1'600'000'000'000'000'000},
      {"index.html.gz",
       {index_gz, sizeof index_gz - 1},
       sha256_of(std::string_view("GZ")),
       1'600'000'000'000'000'000},
      {"sub/page.html",
       {index, sizeof index - 1},
       sha256_of(std::string_view("<p>crunched</p>")),
       1'600'000'000'000'000'000},
  };
  auto kv = crunched_kv::create(files);
  ASSERT_TRUE(kv.has_value()) << kv.error().message();
  ASSERT_TRUE(kv->verify_digests().has_value());
  sim_platform platform;
  engine eng(platform);
  const site_config config;
  site_request request;
  request.path = "/";
  auto r = eng.run(respond(*kv, config, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body_key.text(), "index.html");
  EXPECT_EQ(r->header("content-length"), "15");
  EXPECT_EQ(r->header("last-modified"), "Sun, 13 Sep 2020 12:26:40 GMT");
  EXPECT_EQ(r->header("vary"), "Accept-Encoding");
  request.accepts_gzip = true;
  r = eng.run(respond(*kv, config, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body_key.text(), "index.html.gz");
  request.path = "/sub";
  r = eng.run(respond(*kv, config, request));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(r->header("location"), "/sub/");
}

}  // namespace
}  // namespace atl::net::site_testing
