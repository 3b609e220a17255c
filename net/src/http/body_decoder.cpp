// body_decoder (body_decoder.hpp): a byte-at-a-time state machine for the
// chunked framing (so any split of the input gives the same result), and a
// plain countdown for Content-Length.
#include <atoll/net/http/body_decoder.hpp>

#include <algorithm>

namespace atl::net::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ctl(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

}  // namespace

body_decoder body_decoder::for_request(const request& r, const limits& l) noexcept {
  switch (r.body) {
    case framing::length: return length(r.content_length);
    case framing::chunked: return chunked(l);
    case framing::until_close: return until_close();
    case framing::none: break;
  }
  return length(0);
}

body_decoder body_decoder::for_response(const response& r, const limits& l) noexcept {
  switch (r.body) {
    case framing::length: return length(r.content_length);
    case framing::chunked: return chunked(l);
    case framing::until_close: return until_close();
    case framing::none: break;
  }
  return length(0);
}

body_decoder body_decoder::length(std::uint64_t n) noexcept {
  body_decoder d(mode::length, n == 0 ? state::done : state::data);
  d.remaining_ = n;
  return d;
}

body_decoder body_decoder::chunked(const limits& l) noexcept {
  body_decoder d(mode::chunked, state::size);
  d.max_body_ = l.body;
  d.line_limit_ = l.chunk_line;
  d.trailer_limit_ = l.header_bytes;
  return d;
}

body_decoder body_decoder::until_close() noexcept {
  return body_decoder(mode::until_close, state::data);
}

void body_decoder::fail(status s, std::string_view why) noexcept {
  state_ = state::failed;
  error_ = s;
  reason_ = why;
}

body_decoder::step body_decoder::feed(std::span<const std::byte> in) noexcept {
  if (state_ == state::done || state_ == state::failed || in.empty()) return {};
  if (mode_ == mode::until_close) {
    total_ += in.size();
    return {in.size(), in};
  }
  std::size_t i = 0;
  // Fails and reports the bytes used up to the offending one.
  const auto bad = [this, &i](status s, std::string_view why) {
    fail(s, why);
    return step{i, {}};
  };
  while (i < in.size() && state_ != state::done && state_ != state::failed) {
    if (state_ == state::data) {
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(in.size() - i)));
      const auto data = in.subspan(i, n);
      i += n;
      remaining_ -= n;
      total_ += n;
      if (remaining_ == 0) state_ = mode_ == mode::length ? state::done : state::data_cr;
      return {i, data};
    }
    const char c = static_cast<char>(in[i]);
    ++i;
    switch (state_) {
      case state::size: {
        if (++line_length_ > line_limit_) return bad(status::bad_request, "chunk line too long");
        const int v = hex_value(c);
        if (v >= 0) {
          if (after_digits_) return bad(status::bad_request, "invalid chunk size");
          if (remaining_ > (UINT64_MAX >> 4)) {
            return bad(status::bad_request, "chunk size overflow");
          }
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
          digits_ = true;
        } else if (!digits_) {
          return bad(status::bad_request, "invalid chunk size");
        } else if (c == ';') {
          state_ = state::extension;
        } else if (c == ' ' || c == '\t') {
          after_digits_ = true;  // BWS before ';' (RFC 9112 7.1.1)
        } else if (c == '\r') {
          state_ = state::size_lf;
        } else {
          return bad(status::bad_request, "invalid chunk size");
        }
        break;
      }
      case state::extension:
        if (++line_length_ > line_limit_) return bad(status::bad_request, "chunk line too long");
        if (c == '\r') {
          state_ = state::size_lf;
        } else if (is_ctl(c)) {
          return bad(status::bad_request, "control character in chunk extension");
        }
        break;
      case state::size_lf:
        if (c != '\n') return bad(status::bad_request, "bare CR in chunk line");
        line_length_ = 0;
        digits_ = false;
        after_digits_ = false;
        if (remaining_ == 0) {
          state_ = state::trailer;
        } else if (remaining_ > max_body_ - std::min(total_, max_body_)) {
          return bad(status::payload_too_large, "body too large");
        } else {
          state_ = state::data;
        }
        break;
      case state::data_cr:
        if (c != '\r') return bad(status::bad_request, "chunk data not followed by CRLF");
        state_ = state::data_lf;
        break;
      case state::data_lf:
        if (c != '\n') return bad(status::bad_request, "chunk data not followed by CRLF");
        state_ = state::size;
        break;
      case state::trailer:
        if (++trailer_bytes_ > trailer_limit_) {
          return bad(status::request_header_fields_too_large, "trailers too large");
        }
        if (c == '\r') {
          state_ = state::trailer_lf;
        } else if (++line_length_ > line_limit_) {
          return bad(status::request_header_fields_too_large, "trailer line too long");
        } else if (is_ctl(c)) {
          return bad(status::bad_request, "control character in trailer");
        }
        break;
      case state::trailer_lf:
        if (c != '\n') return bad(status::bad_request, "bare CR in trailer");
        if (line_length_ == 0) {
          state_ = state::done;
        } else {
          line_length_ = 0;
          state_ = state::trailer;
        }
        break;
      case state::data:
      case state::done:
      case state::failed: break;
    }
  }
  return {i, {}};
}

}  // namespace atl::net::http
