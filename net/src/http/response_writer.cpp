// response_head and chunked_encoder (response_writer.hpp).
#include <atoll/core/assert.hpp>
#include <atoll/net/http/head_buffer.hpp>
#include <atoll/net/http/response_writer.hpp>

#include <cstring>

namespace atl::net::http {
namespace {

// Decimal digits of v into out (at least 20 chars), returning how many.
std::size_t to_decimal(std::uint64_t v, char* out) noexcept {
  char tmp[20];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

}  // namespace

response_head::response_head(status s, std::uint8_t minor_version) noexcept {
  ATOLL_ASSERT(minor_version <= 1);
  const std::uint16_t c = code(s);
  ATOLL_ASSERT(c >= 100 && c <= 999);
  const std::string_view version = minor_version == 1 ? "HTTP/1.1 " : "HTTP/1.0 ";
  std::memcpy(data_.data(), version.data(), version.size());
  size_ = version.size();
  data_[size_++] = static_cast<char>('0' + c / 100);
  data_[size_++] = static_cast<char>('0' + c / 10 % 10);
  data_[size_++] = static_cast<char>('0' + c % 10);
  data_[size_++] = ' ';
  // Every reason phrase is far shorter than max_size.
  const auto text = reason(s);
  std::memcpy(data_.data() + size_, text.data(), text.size());
  size_ += text.size();
  data_[size_++] = '\r';
  data_[size_++] = '\n';
}

result<void> response_head::add(std::string_view name, std::string_view value) noexcept {
  if (finished_) return error(errc::invalid_argument, "response head already finished");
  if (!detail::is_token(name)) return error(errc::invalid_argument, "field name not a token");
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return error(errc::invalid_argument, "control character in field value");
    }
  }
  // name ": " value CRLF, and room left for the final CRLF.
  const std::size_t need = name.size() + 2 + value.size() + 2;
  if (need + 2 > max_size - size_) return error(errc::limit_exceeded, "response head too large");
  std::memcpy(data_.data() + size_, name.data(), name.size());
  size_ += name.size();
  data_[size_++] = ':';
  data_[size_++] = ' ';
  if (!value.empty()) std::memcpy(data_.data() + size_, value.data(), value.size());
  size_ += value.size();
  data_[size_++] = '\r';
  data_[size_++] = '\n';
  return ok();
}

result<void> response_head::add_number(std::string_view name, std::uint64_t value) noexcept {
  char digits[20];
  const auto n = to_decimal(value, digits);
  return add(name, std::string_view(digits, n));
}

void response_head::finish() noexcept {
  if (finished_) return;
  // add() always leaves room for these two bytes.
  data_[size_++] = '\r';
  data_[size_++] = '\n';
  finished_ = true;
}

std::string_view chunked_encoder::header(std::uint64_t n) noexcept {
  ATOLL_ASSERT(n != 0);
  constexpr char hex[] = "0123456789abcdef";
  char tmp[16];
  std::size_t len = 0;
  while (n != 0) {
    tmp[len++] = hex[n & 0xF];
    n >>= 4;
  }
  for (std::size_t i = 0; i < len; ++i) text_[i] = tmp[len - 1 - i];
  text_[len] = '\r';
  text_[len + 1] = '\n';
  return std::string_view(text_.data(), len + 2);
}

}  // namespace atl::net::http
