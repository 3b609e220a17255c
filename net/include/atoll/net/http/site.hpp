// The static-file responder: what to answer to a GET or HEAD for a static
// site held in a KvRo device (docs/http.md, "Static files").
//
// It does not parse HTTP and does no I/O of its own. The connection loop
// hands it a site_request (a path already percent-decoded and validated,
// plus the few header values that matter here) and gets back a
// site_response: a status, the headers, and what the body is, either a
// generated text (small_body) or a slice of one value of the device
// (body_key, offset, length), which the loop streams with get_partial
// (read_site_body below) in slices of at most site_config::max_body_in_memory
// bytes.
//
// The decisions are plain functions over metadata (plan_site_request,
// site_not_found, site_directory_redirect, serve_site_file), testable without
// a device; respond() only asks the device for the metadata they need.
//
// Paths map to keys one to one: "/a/b.css" is the key "a/b.css"; a path
// ending in "/" names a directory, served by its index file (no listings);
// a path naming a dictionary without the "/" is redirected (301) to the path
// with it, so relative links in the index page resolve. Refused paths (a
// segment that is empty, "." or "..", a NUL, a key past kv_key's limits) get
// the same 404 as missing files: the caller validated the path already, this
// is defence in depth, and a key outside the site is never formed.
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/core/time.hpp>
#include <atoll/devices/kv_key.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/devices/sha256.hpp>
#include <atoll/net/http/content_type.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atl::net {

/// site_request: what the responder needs to know of a GET or HEAD request.
struct site_request {
  bool head = false;  ///< HEAD: the same headers as GET, no body
  /// Already percent-decoded and validated by the caller; starts with "/";
  /// a trailing "/" names a directory. No query.
  std::string path = "/";
  std::optional<std::string> if_none_match;    ///< raw If-None-Match value
  std::optional<wall_time> if_modified_since;  ///< parsed If-Modified-Since
  std::optional<std::string> range;            ///< raw Range value
  bool accepts_gzip = false;                   ///< Accept-Encoding allows gzip (the caller decides)
  bool via_tls = false;                        ///< the request came over TLS
};

/// site_config: how a site is served. Plain data; respond() keeps a
/// reference to it while it runs.
struct site_config {
  std::string index = "index.html";  ///< the file that serves a directory
  /// Answer every request not made over TLS with a 301 to the same path over
  /// https (the query, which site_request does not carry, is not kept).
  bool redirect_to_https = false;
  std::uint16_t https_port = 443;  ///< the port in those redirects (443: none written)
  /// The request's Host (a port in it is dropped); the redirect needs it, and
  /// without a valid one the answer is 400.
  std::string host_for_redirect;
  /// Strict-Transport-Security: max-age=N on every response sent over TLS.
  std::optional<std::uint32_t> hsts_max_age;
  /// The largest slice of a body the connection loop reads at once.
  std::uint64_t max_body_in_memory = std::uint64_t{256} << 10;
};

/// site_response: the answer. Headers are in a fixed order, with canonical
/// names; Content-Length is present whenever a GET would have a body (so a
/// HEAD gets the one GET would), and absent on 304.
struct site_response {
  std::uint16_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  kv_key body_key;  ///< the value the body comes from, when has_body
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  /// Stream [offset, offset + length) of body_key; false for HEAD, 304, 416,
  /// redirects and errors.
  bool has_body = false;
  /// A generated body (redirect and error pages); empty for HEAD.
  std::string small_body;

  /// header(name): the value of the first header called `name` (ASCII case
  /// ignored), or nullopt.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// site_plan: the outcome of looking at a request before the device.
struct site_plan {
  /// A final answer already (https redirect, 400, 404 for a refused path);
  /// when set, the other fields mean nothing.
  std::optional<site_response> early;
  kv_key key;              ///< the value to serve (a directory's index file)
  bool directory = false;  ///< the path ended in "/"
};

/// plan_site_request(config, request): the https redirect when configured
/// and the request is not over TLS, else the key the path names (rules
/// above).
[[nodiscard]] site_plan plan_site_request(const site_config& config, const site_request& request);

/// site_not_found(config, request): 404 with a small HTML page.
[[nodiscard]] site_response site_not_found(const site_config& config, const site_request& request);

/// site_directory_redirect(config, request): 301 to request.path + "/"
/// (for a path that names a dictionary), as an absolute path,
/// percent-encoded, so it cannot be read as another host or break a header.
[[nodiscard]] site_response site_directory_redirect(const site_config& config,
                                                    const site_request& request);

/// site_representation: the metadata of the value that would be sent.
struct site_representation {
  kv_key key;
  std::uint64_t size = 0;
  sha256_digest digest{};
  wall_time modified{};
};

/// site_file: a file to serve, as respond() found it.
struct site_file {
  site_representation chosen;  ///< the bytes to send: the file or its .gz
  std::string_view content_type;
  bool gzip = false;         ///< `chosen` is the .gz variant (Content-Encoding: gzip)
  bool has_variant = false;  ///< a .gz variant exists (Vary: Accept-Encoding)
};

/// serve_site_file(config, request, file): 200, 206, 304 or 416 for `file`.
/// If-None-Match (weak comparison, lists, "*") decides alone when present;
/// otherwise If-Modified-Since; then Range (http::parse_range). ETag, Vary and
/// (except on 304) Last-Modified describe the representation served.
[[nodiscard]] site_response serve_site_file(const site_config& config, const site_request& request,
                                            const site_file& file);

/// site_gzip_key(key): the key of the precompressed variant of `key`
/// ("a/b.css" -> "a/b.css.gz"), or nullopt when that is not a valid key.
[[nodiscard]] std::optional<kv_key> site_gzip_key(const kv_key& key);

/// site_metadata_failure(config, request, e): a value that vanished between
/// two questions to the device (errc::not_found) is a 404; any other device
/// error is passed on (the loop answers 500).
[[nodiscard]] result<site_response> site_metadata_failure(const site_config& config,
                                                          const site_request& request,
                                                          const error& e);

/// respond(kv, config, request): the response to `request` for the site in
/// `kv`. Asks the device what is at the key (kv_describe: one info() call on
/// a device that has it, else exists, size, last_modified and digest), then
/// about the .gz variant: its description when the client accepts gzip,
/// else only whether it exists. Reads no body. Fails only with the device's
/// errors other than not_found (io_error, ...), or errc::no_memory when the
/// task's frame could not be allocated. `kv` and `config` must outlive the
/// task; destroying the task cancels it.
template <kv_ro K>
task<result<site_response>> respond(K& kv, const site_config& config, site_request request) {
  site_plan plan = plan_site_request(config, request);
  if (plan.early) co_return std::move(*plan.early);

  result<std::optional<kv_info>> found = co_await kv_describe(kv, plan.key);
  if (!found) co_return site_metadata_failure(config, request, found.error());
  if (!*found) co_return site_not_found(config, request);
  if ((*found)->kind == kv_kind::dictionary) {
    if (plan.directory) co_return site_not_found(config, request);  // "dir/index.html/"
    co_return site_directory_redirect(config, request);
  }

  site_file file;
  file.content_type = content_type_for(plan.key.text());
  file.chosen = site_representation{plan.key, (*found)->size, (*found)->digest, (*found)->modified};
  const std::optional<kv_key> gzip_key = site_gzip_key(plan.key);
  if (gzip_key && request.accepts_gzip) {
    result<std::optional<kv_info>> variant = co_await kv_describe(kv, *gzip_key);
    if (!variant) co_return site_metadata_failure(config, request, variant.error());
    if (*variant && (*variant)->kind == kv_kind::value) {
      file.has_variant = true;
      file.gzip = true;
      file.chosen = site_representation{*gzip_key, (*variant)->size, (*variant)->digest,
                                        (*variant)->modified};
    }
  } else if (gzip_key) {
    result<std::optional<kv_kind>> variant = co_await kv.exists(*gzip_key);
    if (!variant) co_return variant.error();
    file.has_variant = *variant == kv_kind::value;
  }
  co_return serve_site_file(config, request, file);
}

/// read_site_body(kv, key, offset, length): bytes [offset, offset + length)
/// of the value at `key`, for one slice of a response body. errc::corrupt
/// when the device gives fewer bytes (the value shrank after respond() read
/// its size: the Content-Length sent can no longer be honoured, so the
/// connection must be closed); the device's own errors otherwise. `kv` must
/// outlive the task.
template <kv_ro K>
task<result<buf>> read_site_body(K& kv, kv_key key, std::uint64_t offset, std::uint64_t length) {
  result<buf> bytes = co_await kv.get_partial(std::move(key), offset, length);
  if (!bytes) co_return bytes.error();
  if (bytes->size() != length) {
    co_return error(errc::corrupt, "site: value changed while served: ", bytes->size(), " of ",
                    length, " bytes");
  }
  co_return std::move(*bytes);
}

}  // namespace atl::net
