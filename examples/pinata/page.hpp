// page: the piñata's HTTP page — what the bounty is, the Bitcoin address, and
// the live counters. It is given the address and the counters only: the
// secret is never in reach of the page.
//
// render_page is a pure function (tested alone); page_handler is the
// net/http server's handler: GET or HEAD of any path answers the page, other
// methods 405.
#pragma once

#include "counters.hpp"
#include <atoll/core/format.hpp>
#include <atoll/core/result.hpp>
#include <atoll/core/task.hpp>
#include <atoll/net/http/exchange.hpp>
#include <atoll/net/http/fields.hpp>
#include <atoll/net/http/method.hpp>
#include <atoll/net/http/status.hpp>
#include <atoll/tls/reason.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pinata {

/// page_text: the page, at most page_capacity bytes (the page is small and of
/// bounded size: fixed text, one address, reason_count counter lines).
inline constexpr std::size_t page_capacity = 8192;
using page_text = atl::text_buffer<page_capacity>;

namespace detail {

/// append_escaped: `s` as HTML text (the address comes from a device; it is
/// escaped all the same).
inline void append_escaped(page_text& out, std::string_view s) noexcept {
  for (char c : s) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&#39;"); break;
      default: out.append(c);
    }
  }
}

inline void row(page_text& out, std::string_view name, std::uint64_t value) noexcept {
  out.append("<tr><td>").append(name).append("</td><td>").append(value).append("</td></tr>\n");
}

}  // namespace detail

/// render_page(out, address, tls_port, c): the page into `out` (cleared first).
inline void render_page(page_text& out, std::string_view address, std::uint16_t tls_port,
                        const counters& c) noexcept {
  out.clear();
  out.append(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>atoll pi\xc3\xb1"
      "ata</title></head>\n<body>\n<h1>The atoll pi\xc3\xb1"
      "ata</h1>\n"
      "<p>This server holds the private key of a Bitcoin address. If you can get it, it's "
      "yours.</p>\n<p>Address: <code id=\"address\">");
  detail::append_escaped(out, address);
  out.append("</code></p>\n<p>The key is served on TLS port ");
  out.append(tls_port);
  out.append(
      " to any client that presents a certificate signed by the pi\xc3\xb1"
      "ata's own certificate authority, and to no one else. The pi\xc3\xb1"
      "ata runs on atoll, a library operating system: TCP/IP in C++, TLS from BoringSSL. "
      "Break it (memory safety, TLS, the certificate checks, the TCP stack) and the bitcoins are "
      "your reward.</p>\n<h2>Counters</h2>\n<table>\n");
  detail::row(out, "connections", c.connections);
  detail::row(out, "successful handshakes (secret given)", c.secrets_given);
  detail::row(out, "resumed sessions", c.resumed);
  detail::row(out, "failed handshakes", c.failed_total());
  detail::row(out, "refused (too many connections)", c.busy);
  detail::row(out, "failed: timeout", c.timeouts);
  for (std::size_t i = 1; i < reason_count; ++i) {
    atl::text_buffer<64> name("failed: ", atl::tls::to_string(static_cast<atl::tls::reason>(i)));
    detail::row(out, name.view(), c.failed[i]);
  }
  out.append("</table>\n</body></html>\n");
}

/// page_handler: answers every GET or HEAD with the page (405 otherwise).
/// The counters must outlive it; `address` views the app's copy.
struct page_handler {
  const counters* seen = nullptr;
  std::string_view address;
  std::uint16_t tls_port = 0;

  template <class Flow>
  atl::task<atl::result<void>> handle(atl::net::http::exchange<Flow>& x) const noexcept {
    namespace http = atl::net::http;
    const auto verb = x.head().verb;
    if (verb != http::method::get && verb != http::method::head) {
      static constexpr http::field allow[] = {{"Allow", "GET, HEAD"}};
      co_return co_await x.respond(http::status::method_not_allowed, allow, "GET or HEAD only\n");
    }
    page_text text;  // in this connection's frame: the body must stay put while it is sent
    render_page(text, address, tls_port, *seen);
    static constexpr http::field fields[] = {{"Content-Type", "text/html; charset=utf-8"},
                                             {"Cache-Control", "no-store"}};
    co_return co_await x.respond(http::status::ok, fields, text.view());
  }
};

}  // namespace pinata
