// The non-template parts of the HTTP server: response framing and the
// answers the server itself gives.
#include <atoll/core/format.hpp>
#include <atoll/net/http/exchange.hpp>
#include <atoll/net/http/response_writer.hpp>
#include <atoll/net/http/server.hpp>

namespace atl::net::http {

namespace {

bool has_no_body(status s) noexcept {
  const std::uint16_t c = code(s);
  return (c >= 100 && c < 200) || c == 204 || c == 304;
}

}  // namespace

response_plan plan_response(method verb, std::uint8_t minor_version, bool keep_alive, status s,
                            std::optional<std::uint64_t> length) noexcept {
  response_plan p;
  p.send_body = verb != method::head && !has_no_body(s);
  p.close = !keep_alive;
  if (!length && !has_no_body(s)) {
    // An unknown length: chunked for 1.1; for 1.0 the end of the connection
    // is the end of the body.
    if (minor_version >= 1) {
      p.chunked = true;
    } else {
      p.close = true;
    }
  }
  return p;
}

result<buf> head_text(const response_plan& plan, status s, std::uint8_t minor_version,
                      std::span<const field> fields, std::optional<std::uint64_t> length) noexcept {
  response_head h(s, minor_version);
  for (const field& f : fields) {
    // The framing is the exchange's: a handler's own would contradict it.
    if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") ||
        iequals(f.name, "connection")) {
      continue;
    }
    ATOLL_TRYV(h.add(f.name, f.value));
  }
  if (length && code(s) != 204 && !(code(s) >= 100 && code(s) < 200)) {
    ATOLL_TRYV(h.add_number("Content-Length", *length));
  } else if (plan.chunked) {
    ATOLL_TRYV(h.add("Transfer-Encoding", "chunked"));
  }
  if (plan.close) {
    ATOLL_TRYV(h.add("Connection", "close"));
  } else if (minor_version == 0) {
    ATOLL_TRYV(h.add("Connection", "keep-alive"));
  }
  h.finish();
  return buf::copy_of(h.text());
}

namespace detail {

result<buf> error_response(status s) noexcept {
  const text_buffer<64> body(code(s), " ", reason(s), "\n");
  const field fields[] = {{"Content-Type", "text/plain; charset=utf-8"}};
  response_plan plan;
  plan.close = true;
  ATOLL_TRY(buf head, head_text(plan, s, 1, fields, body.size()));
  bufs whole(std::move(head));
  ATOLL_TRY(buf text, buf::copy_of(body.view()));
  ATOLL_TRYV(whole.push_back(std::move(text)));
  return whole.flatten();
}

}  // namespace detail

}  // namespace atl::net::http
