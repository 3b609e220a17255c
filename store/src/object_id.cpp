// object_id and hashing: Git's object names through BoringSSL's SHA-1 and
// SHA-256.
#include <atoll/core/format.hpp>
#include <atoll/store/object_id.hpp>

#include <openssl/sha.h>

#include <cstring>
#include <new>

namespace atl::store {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static_assert(sizeof(SHA_CTX) <= 128 && alignof(SHA_CTX) <= 8);
static_assert(sizeof(SHA256_CTX) <= 128 && alignof(SHA256_CTX) <= 8);

}  // namespace

std::string_view to_string(hash_format f) noexcept {
  return f == hash_format::sha1 ? "sha1" : "sha256";
}

std::string_view to_string(object_kind k) noexcept {
  switch (k) {
    case object_kind::commit: return "commit";
    case object_kind::tree: return "tree";
    case object_kind::blob: return "blob";
    case object_kind::tag: return "tag";
  }
  return "unknown";
}

result<object_kind> kind_from_string(std::string_view name) noexcept {
  for (object_kind k :
       {object_kind::commit, object_kind::tree, object_kind::blob, object_kind::tag}) {
    if (name == to_string(k)) return k;
  }
  return error(errc::invalid_argument, "unknown object kind");
}

result<object_id> object_id::from_raw(hash_format f, std::span<const std::byte> raw) noexcept {
  if (raw.size() != hash_size(f)) {
    return error(errc::invalid_argument, "a ", to_string(f), " id is ", hash_size(f),
                 " bytes, not ", raw.size());
  }
  object_id id;
  id.format_ = f;
  std::memcpy(id.bytes_.data(), raw.data(), raw.size());
  return id;
}

result<object_id> object_id::from_hex(hash_format f, std::string_view text) noexcept {
  if (text.size() != 2 * hash_size(f)) {
    return error(errc::invalid_argument, "a ", to_string(f), " id is ", 2 * hash_size(f),
                 " hex digits, not ", text.size());
  }
  object_id id;
  id.format_ = f;
  for (std::size_t i = 0; i < hash_size(f); ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return error(errc::invalid_argument, "not a hex digit in an object id");
    id.bytes_[i] = static_cast<std::byte>(hi * 16 + lo);
  }
  return id;
}

result<object_id> object_id::from_hex(std::string_view text) noexcept {
  if (text.size() == 2 * hash_size(hash_format::sha1)) return from_hex(hash_format::sha1, text);
  if (text.size() == 2 * hash_size(hash_format::sha256)) return from_hex(hash_format::sha256, text);
  return error(errc::invalid_argument, "an object id is 40 or 64 hex digits, not ", text.size());
}

bool object_id::is_zero() const noexcept {
  for (std::byte b : raw()) {
    if (b != std::byte{0}) return false;
  }
  return true;
}

object_id::hex_text object_id::hex() const noexcept {
  hex_text out;
  std::size_t n = 0;
  for (std::byte b : raw()) {
    const auto v = std::to_integer<unsigned>(b);
    out.chars[n++] = hex_digits[v >> 4];
    out.chars[n++] = hex_digits[v & 15];
  }
  out.length = static_cast<std::uint8_t>(n);
  return out;
}

object_hasher::object_hasher(hash_format f) noexcept : format_(f) {
  if (format_ == hash_format::sha1) {
    SHA1_Init(new (state_.data()) SHA_CTX);
  } else {
    SHA256_Init(new (state_.data()) SHA256_CTX);
  }
}

void object_hasher::update(std::span<const std::byte> data) noexcept {
  if (data.empty()) return;
  if (format_ == hash_format::sha1) {
    SHA1_Update(std::launder(reinterpret_cast<SHA_CTX*>(state_.data())), data.data(), data.size());
  } else {
    SHA256_Update(std::launder(reinterpret_cast<SHA256_CTX*>(state_.data())), data.data(),
                  data.size());
  }
}

void object_hasher::update(std::string_view text) noexcept {
  update(std::as_bytes(std::span<const char>(text.data(), text.size())));
}

object_id object_hasher::finish() noexcept {
  std::array<std::byte, object_id::max_size> digest{};
  auto* out = reinterpret_cast<std::uint8_t*>(digest.data());
  if (format_ == hash_format::sha1) {
    SHA1_Final(out, std::launder(reinterpret_cast<SHA_CTX*>(state_.data())));
  } else {
    SHA256_Final(out, std::launder(reinterpret_cast<SHA256_CTX*>(state_.data())));
  }
  // The digest has exactly the format's size, so from_raw cannot fail.
  return object_id::from_raw(format_, std::span(digest.data(), hash_size(format_))).value();
}

object_id hash_object(hash_format f, object_kind k, std::span<const std::byte> payload) noexcept {
  object_hasher h(f);
  text_buffer<32> header(to_string(k), " ", static_cast<std::uint64_t>(payload.size()));
  h.update(header.view());
  static constexpr std::byte nul[1] = {};
  h.update(std::span<const std::byte>(nul));
  h.update(payload);
  return h.finish();
}

std::size_t object_id_hash::operator()(const object_id& id) const noexcept {
  std::size_t v = 0;
  std::memcpy(&v, id.raw().data(), sizeof v);
  return v;
}

}  // namespace atl::store
