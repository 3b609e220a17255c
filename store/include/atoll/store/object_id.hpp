// object_id: the name of a Git object, its hash (SHA-1, or SHA-256 for
// repositories made with `git init --object-format=sha256`).
//
// An id is the hash Git computes over "<kind> <size>\0" followed by the
// object's payload (hash_object below), so atoll and git name every object
// alike. Ids of the two formats never compare equal: a store has one format,
// fixed when it is created.
#pragma once

#include <atoll/core/result.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace atl::store {

/// hash_format: the object format of a store (Git's extensions.objectFormat).
enum class hash_format : std::uint8_t { sha1, sha256 };

/// Bytes of a raw id in each format (20 and 32); hex ids are twice as long.
[[nodiscard]] constexpr std::size_t hash_size(hash_format f) noexcept {
  return f == hash_format::sha1 ? 20 : 32;
}
/// "sha1" or "sha256", as git spells them.
std::string_view to_string(hash_format f) noexcept;

/// object_kind: Git's four object types. The values are the type codes of
/// pack files (gitformat-pack(5)), so a pack reader can use them directly.
enum class object_kind : std::uint8_t { commit = 1, tree = 2, blob = 3, tag = 4 };

/// "commit", "tree", "blob" or "tag", as in an object's header.
std::string_view to_string(object_kind k) noexcept;
/// kind_from_string("tree"): the kind named exactly so, or invalid_argument.
result<object_kind> kind_from_string(std::string_view name) noexcept;

class object_id {
public:
  static constexpr std::size_t max_size = 32;

  /// The all-zero SHA-1 id (git's "null oid"); only a placeholder.
  constexpr object_id() noexcept = default;

  /// from_raw(format, bytes): bytes must be exactly hash_size(format) long,
  /// else invalid_argument.
  static result<object_id> from_raw(hash_format f, std::span<const std::byte> raw) noexcept;
  /// from_hex(format, text): exactly 2*hash_size(format) hex digits (either
  /// case), else invalid_argument.
  static result<object_id> from_hex(hash_format f, std::string_view text) noexcept;
  /// from_hex(text): the format from the length (40: sha1, 64: sha256).
  static result<object_id> from_hex(std::string_view text) noexcept;

  [[nodiscard]] hash_format format() const noexcept { return format_; }
  [[nodiscard]] std::size_t size() const noexcept { return hash_size(format_); }
  [[nodiscard]] std::span<const std::byte> raw() const noexcept { return {bytes_.data(), size()}; }
  /// is_zero: every byte is zero (git's null oid of either format).
  [[nodiscard]] bool is_zero() const noexcept;

  /// hex: lowercase hex, as git prints ids. The view points into a fresh
  /// buffer owned by the returned object.
  struct hex_text {
    std::array<char, 2 * max_size> chars{};
    std::uint8_t length = 0;
    [[nodiscard]] std::string_view view() const noexcept { return {chars.data(), length}; }
  };
  [[nodiscard]] hex_text hex() const noexcept;

  /// Ordered by format, then by bytes (so sorted ids sort as git sorts
  /// them within one format; pack indexes rely on it).
  friend bool operator==(const object_id&, const object_id&) noexcept = default;
  friend std::strong_ordering operator<=>(const object_id&, const object_id&) noexcept = default;

private:
  hash_format format_ = hash_format::sha1;
  std::array<std::byte, max_size> bytes_{};
};

/// object_hasher: the incremental hash of one format (BoringSSL's SHA-1 or
/// SHA-256), for objects too large to hold whole.
class object_hasher {
public:
  explicit object_hasher(hash_format f) noexcept;
  void update(std::span<const std::byte> data) noexcept;
  void update(std::string_view text) noexcept;
  /// finish: the id of everything given to update(); the hasher is spent.
  [[nodiscard]] object_id finish() noexcept;

private:
  hash_format format_;
  // Room for BoringSSL's SHA_CTX or SHA256_CTX without including its
  // headers here (checked in object_id.cpp).
  alignas(8) std::array<std::byte, 128> state_{};
};

/// hash_object(format, kind, payload): the id git gives this object
/// (`git hash-object -t <kind>`), i.e. H("<kind> <size>\0" payload).
object_id hash_object(hash_format f, object_kind k, std::span<const std::byte> payload) noexcept;

/// A hash that std::unordered_map can use (the id's first bytes: ids are
/// uniformly distributed).
struct object_id_hash {
  std::size_t operator()(const object_id& id) const noexcept;
};

}  // namespace atl::store
