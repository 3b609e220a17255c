// static_files: the HTTP server's handler (server.hpp) for a static site
// held in a KvRo device: the glue between a request and the static-file
// responder (site.hpp).
//
// GET and HEAD only (405 with Allow otherwise). The target is decoded and
// checked by decode_path (target.hpp) before any key is formed: a target
// that could leave the site (.., %2e%2e, %2f, NUL, overlong UTF-8) is a 400
// and touches no key. Bodies are streamed from the device in slices of
// site_config::max_body_in_memory bytes, so a large file never sits in
// memory whole. A device error before the head went out is a 500; after it,
// the connection is closed (the announced length can no longer be kept).
#pragma once

#include <atoll/core/buf.hpp>
#include <atoll/core/log.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/devices/kv_ro.hpp>
#include <atoll/net/http/date.hpp>
#include <atoll/net/http/exchange.hpp>
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/site.hpp>
#include <atoll/net/http/status.hpp>
#include <atoll/net/http/target.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atl::net::http {

/// static_files_stats: what the handler refused, beyond the server's stats.
struct static_files_stats {
  std::uint64_t bad_paths = 0;      ///< targets refused by decode_path (400)
  std::uint64_t bad_methods = 0;    ///< neither GET nor HEAD (405)
  std::uint64_t device_errors = 0;  ///< the device failed (500, or a cut connection)
};

/// to_site_request(head, path, via_tls): the responder's view of a request.
site_request to_site_request(const request& head, std::string path, bool via_tls);

/// body_length(r): the length to announce for a site response: its slice
/// when it has a body, the generated text, the GET length a HEAD carries in
/// Content-Length, or nothing for a 304.
std::optional<std::uint64_t> body_length(const site_response& r) noexcept;

/// site_fields(r): r's headers as fields (views into r).
std::vector<field> site_fields(const site_response& r);

template <kv_ro K>
class static_files {
public:
  /// static_files(kv, config, via_tls): serves `kv` (which must outlive the
  /// handler); via_tls says whether the connections it serves are HTTPS.
  static_files(K& kv, site_config config, bool via_tls) noexcept
      : kv_(&kv), config_(std::move(config)), via_tls_(via_tls) {}

  template <class Flow>
  task<result<void>> handle(exchange<Flow>& x) noexcept {
    const request& head = x.head();
    if (head.verb != method::get && head.verb != method::head) {
      ++stats_.bad_methods;
      const field allow[] = {{"Allow", "GET, HEAD"}};
      co_return co_await x.respond(status::method_not_allowed, allow, "method not allowed\n");
    }
    auto path = decode_path(origin_path(head.target));
    if (!path) {
      ++stats_.bad_paths;
      log_.info("refused target: ", path.error().message());
      co_return co_await x.respond(status::bad_request, {}, "bad request target\n");
    }
    site_request req = to_site_request(head, std::move(*path), via_tls_);
    result<site_response> answer = error(errc::invalid_argument, "unset");
    if (config_.redirect_to_https && !via_tls_) {
      site_config per_request = config_;  // the redirect names the request's host
      per_request.host_for_redirect = std::string(head.get("host").value_or(""));
      answer = co_await respond(*kv_, per_request, std::move(req));
    } else {
      answer = co_await respond(*kv_, config_, std::move(req));
    }
    if (!answer) {
      ++stats_.device_errors;
      log_.warn("site device: ", answer.error().message());
      co_return co_await x.respond(status::internal_server_error, {}, "internal error\n");
    }
    const std::vector<field> fields = site_fields(*answer);
    const auto s = static_cast<status>(answer->status);
    const std::optional<std::uint64_t> length = body_length(*answer);
    ATOLL_CO_TRYV(co_await x.start(s, fields, length));
    if (!answer->has_body) {
      if (!answer->small_body.empty() && head.verb != method::head) {
        ATOLL_CO_TRY(buf text, buf::copy_of(answer->small_body));
        ATOLL_CO_TRYV(co_await x.write(bufs(std::move(text))));
      }
      co_return co_await x.finish();
    }
    const std::uint64_t slice = std::max<std::uint64_t>(config_.max_body_in_memory, 1);
    for (std::uint64_t at = 0; at < answer->length;) {
      const std::uint64_t n = std::min(slice, answer->length - at);
      auto bytes = co_await read_site_body(*kv_, answer->body_key, answer->offset + at, n);
      if (!bytes) {
        ++stats_.device_errors;
        log_.warn("site device while sending: ", bytes.error().message());
        co_return bytes.error();  // the server closes the connection
      }
      ATOLL_CO_TRYV(co_await x.write(bufs(std::move(*bytes))));
      at += n;
    }
    co_return co_await x.finish();
  }

  [[nodiscard]] const static_files_stats& stats() const noexcept { return stats_; }

private:
  /// origin_path: the path of an absolute-form target ("http://h/p" -> "/p").
  static std::string_view origin_path(std::string_view target) noexcept {
    if (!target.empty() && target.front() == '/') return target;
    const auto scheme = target.find("://");
    if (scheme == std::string_view::npos) return target;  // decode_path refuses it
    const auto slash = target.find('/', scheme + 3);
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }

  K* kv_;
  site_config config_;
  bool via_tls_;
  static_files_stats stats_;
  log_source log_{"http-site"};
};

}  // namespace atl::net::http
