// kv_key: a validated path naming an entry of a key-value device.
//
// Keys are "/"-separated segments: "index.html", "css/site.css". The empty
// text is the root dictionary. A key is checked once, when it is made, so a
// device never sees an empty segment, ".", "..", a NUL byte, a leading or
// trailing "/", or a key longer than the limits: a request path from the
// network cannot name anything outside the device, whatever backs it.
#pragma once

#include <atoll/core/result.hpp>

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>

namespace atl {

class kv_key {
public:
  static constexpr std::size_t max_length = 1024;  ///< bytes of the whole key
  static constexpr std::size_t max_segment = 255;  ///< bytes of one segment
  static constexpr std::size_t max_depth = 64;     ///< segments

  /// kv_key(): the root.
  kv_key() noexcept = default;

  /// parse(text): the key for "a/b/c" ("" is the root). errc::invalid_argument
  /// naming the problem for an empty segment, ".", "..", a NUL byte, or a key
  /// past the limits.
  static result<kv_key> parse(std::string_view text) noexcept;

  /// valid_segment(name): `name` can be one segment of a key.
  [[nodiscard]] static bool valid_segment(std::string_view name) noexcept;

  /// child(name): this key with one more segment; errc::invalid_argument when
  /// `name` is not a valid segment or the result is past the limits.
  [[nodiscard]] result<kv_key> child(std::string_view name) const noexcept;

  /// parent: the key without its last segment (the root's parent is the root).
  [[nodiscard]] kv_key parent() const noexcept;
  /// name: the last segment ("" for the root).
  [[nodiscard]] std::string_view name() const noexcept;

  [[nodiscard]] bool is_root() const noexcept { return text_.empty(); }
  /// text: "a/b/c"; valid as long as the key.
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  /// depth: the number of segments (0 for the root).
  [[nodiscard]] std::size_t depth() const noexcept;

  /// contains(other): `other` is this key or lies beneath it.
  [[nodiscard]] bool contains(const kv_key& other) const noexcept;

  friend bool operator==(const kv_key& a, const kv_key& b) noexcept { return a.text_ == b.text_; }
  friend std::strong_ordering operator<=>(const kv_key& a, const kv_key& b) noexcept {
    return a.text_.compare(b.text_) <=> 0;
  }

private:
  explicit kv_key(std::string text) noexcept : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace atl
