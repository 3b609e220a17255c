// content_type_for (net/http/content_type.hpp).
#include <atoll/net/http/content_type.hpp>

#include <gtest/gtest.h>

namespace atl::net {
namespace {

TEST(content_type, common_site_files) {
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a.htm"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("css/site.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("mod.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("data.json"), "application/json");
  EXPECT_EQ(content_type_for("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("feed.xml"), "application/xml");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.png"), "image/png");
  EXPECT_EQ(content_type_for("a.jpg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.jpeg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.gif"), "image/gif");
  EXPECT_EQ(content_type_for("a.webp"), "image/webp");
  EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
  EXPECT_EQ(content_type_for("a.avif"), "image/avif");
  EXPECT_EQ(content_type_for("f.woff"), "font/woff");
  EXPECT_EQ(content_type_for("f.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("f.ttf"), "font/ttf");
  EXPECT_EQ(content_type_for("f.otf"), "font/otf");
  EXPECT_EQ(content_type_for("doc.pdf"), "application/pdf");
  EXPECT_EQ(content_type_for("app.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("v.mp4"), "video/mp4");
  EXPECT_EQ(content_type_for("v.webm"), "video/webm");
  EXPECT_EQ(content_type_for("s.mp3"), "audio/mpeg");
  EXPECT_EQ(content_type_for("s.ogg"), "audio/ogg");
  EXPECT_EQ(content_type_for("a.zip"), "application/zip");
  EXPECT_EQ(content_type_for("a.tar.gz"), "application/gzip");
  EXPECT_EQ(content_type_for("a.tar"), "application/x-tar");
  EXPECT_EQ(content_type_for("app.js.map"), "application/json");
  EXPECT_EQ(content_type_for("README.md"), "text/markdown; charset=utf-8");
  EXPECT_EQ(content_type_for("t.csv"), "text/csv; charset=utf-8");
  EXPECT_EQ(content_type_for("site.webmanifest"), "application/manifest+json");
}

TEST(content_type, extension_case_is_ignored) {
  EXPECT_EQ(content_type_for("PHOTO.JPG"), "image/jpeg");
  EXPECT_EQ(content_type_for("Index.Html"), "text/html; charset=utf-8");
}

TEST(content_type, unknown_gives_octet_stream) {
  for (const char* path : {"", "/", "README", "archive.unknownext", ".htaccess", "dir.d/file",
                           "file.", "a/.hidden", "x.htmlx", "x.ht"}) {
    EXPECT_EQ(content_type_for(path), "application/octet-stream") << path;
  }
}

TEST(content_type, only_the_last_segment_counts) {
  EXPECT_EQ(content_type_for("/v1.2/notes"), "application/octet-stream");
  EXPECT_EQ(content_type_for("/v1.2/notes.txt"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace atl::net
