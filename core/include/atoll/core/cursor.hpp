// byte_reader and byte_writer: cursors over bytes for length-prefixed
// formats (DHCP options, TLS handshakes, DNS messages, Git objects), in the
// manner of BoringSSL's CBS and CBB.
//
// A byte_reader views bytes it does not own and advances as it reads. Every
// read checks the bytes left first: a read that does not fit fails with
// errc::corrupt ("truncated") and leaves the cursor where it was, so a parser
// never reads past the data it was given. A length-prefixed field is read as
// a child reader over exactly the prefixed bytes; the parent has moved past
// them, so the child's contents can never run into what follows.
//
// A byte_writer writes into a caller's fixed span, never allocates, and
// reports running out of room through a sticky failure: once a write did not
// fit, every later write is ignored and finish() says errc::limit_exceeded.
// Length prefixes are reserved with begin_prefix() and filled in by
// end_prefix(), nested as deep as wanted (last begun, first ended).
//
// Both hold only a span and positions: copying one copies the cursor, not
// the bytes, and the bytes must outlive it.
#pragma once

#include <atoll/core/assert.hpp>
#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace atl {

class byte_reader {
public:
  constexpr byte_reader() noexcept = default;
  constexpr explicit byte_reader(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  /// remaining: bytes not read yet.
  [[nodiscard]] constexpr std::size_t remaining() const noexcept {
    return bytes_.size() - position_;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return remaining() == 0; }
  /// position: bytes read (or skipped) since the start.
  [[nodiscard]] constexpr std::size_t position() const noexcept { return position_; }
  /// rest: the bytes not read yet, without consuming them.
  [[nodiscard]] constexpr std::span<const std::byte> rest() const noexcept {
    return bytes_.subspan(position_);
  }

  /// u8 / u16 / u32 / u64: a big-endian integer; errc::corrupt when fewer
  /// bytes are left (the cursor does not move).
  result<std::uint8_t> u8() noexcept {
    ATOLL_TRY(const std::uint64_t v, be(1));
    return static_cast<std::uint8_t>(v);
  }
  result<std::uint16_t> u16() noexcept {
    ATOLL_TRY(const std::uint64_t v, be(2));
    return static_cast<std::uint16_t>(v);
  }
  result<std::uint32_t> u24() noexcept {
    ATOLL_TRY(const std::uint64_t v, be(3));
    return static_cast<std::uint32_t>(v);
  }
  result<std::uint32_t> u32() noexcept {
    ATOLL_TRY(const std::uint64_t v, be(4));
    return static_cast<std::uint32_t>(v);
  }
  result<std::uint64_t> u64() noexcept { return be(8); }

  /// peek_u8: the next byte without consuming it; errc::corrupt at the end.
  [[nodiscard]] result<std::uint8_t> peek_u8() const noexcept {
    if (empty()) return truncated(1);
    return static_cast<std::uint8_t>(bytes_[position_]);
  }

  /// bytes(n): the next n bytes (a view into the reader's bytes).
  result<std::span<const std::byte>> bytes(std::size_t n) noexcept {
    if (n > remaining()) return truncated(n);
    const auto out = bytes_.subspan(position_, n);
    position_ += n;
    return out;
  }
  /// copy_to(out): fills `out` from the next out.size() bytes.
  result<void> copy_to(std::span<std::byte> out) noexcept {
    ATOLL_TRY(const auto in, bytes(out.size()));
    if (!in.empty()) std::memcpy(out.data(), in.data(), in.size());
    return ok();
  }
  /// skip(n): consumes n bytes.
  result<void> skip(std::size_t n) noexcept {
    if (n > remaining()) return truncated(n);
    position_ += n;
    return ok();
  }
  /// sub(n): a reader over the next n bytes, which this one skips.
  result<byte_reader> sub(std::size_t n) noexcept {
    ATOLL_TRY(const auto in, bytes(n));
    return byte_reader(in);
  }

  /// u8_prefixed / u16_prefixed / u24_prefixed: a reader over the bytes a
  /// big-endian length prefix of that width announces; errc::corrupt when the
  /// prefix or its bytes are cut short (nothing is consumed then).
  result<byte_reader> u8_prefixed() noexcept { return prefixed(1); }
  result<byte_reader> u16_prefixed() noexcept { return prefixed(2); }
  result<byte_reader> u24_prefixed() noexcept { return prefixed(3); }

private:
  static error truncated(std::size_t wanted) noexcept {
    return error(errc::corrupt, "truncated: ", wanted, " more bytes expected");
  }
  result<std::uint64_t> be(std::size_t width) noexcept {
    if (width > remaining()) return truncated(width);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) {
      v = (v << 8) | static_cast<std::uint8_t>(bytes_[position_ + i]);
    }
    position_ += width;
    return v;
  }
  result<byte_reader> prefixed(std::size_t width) noexcept {
    const std::size_t start = position_;
    ATOLL_TRY(const std::uint64_t length, be(width));
    if (length > remaining()) {
      position_ = start;
      return error(errc::corrupt, "truncated: a length prefix of ", length, " with ", remaining(),
                   " bytes left");
    }
    const auto in = bytes_.subspan(position_, static_cast<std::size_t>(length));
    position_ += static_cast<std::size_t>(length);
    return byte_reader(in);
  }

  std::span<const std::byte> bytes_;
  std::size_t position_ = 0;
};

class byte_writer {
public:
  /// prefix: a length prefix reserved by begin_prefix(), for end_prefix().
  struct prefix {
    std::size_t at = 0;
    std::size_t width = 0;
  };

  constexpr byte_writer() noexcept = default;
  /// byte_writer(out): writes from the start of `out`; `out` must outlive it.
  constexpr explicit byte_writer(std::span<std::byte> out) noexcept : out_(out) {}

  /// u8 .. u64: big-endian integers.
  void u8(std::uint8_t v) noexcept { be(v, 1); }
  void u16(std::uint16_t v) noexcept { be(v, 2); }
  void u24(std::uint32_t v) noexcept {
    if (v > 0xffffffU) {
      failed_ = true;
      return;
    }
    be(v, 3);
  }
  void u32(std::uint32_t v) noexcept { be(v, 4); }
  void u64(std::uint64_t v) noexcept { be(v, 8); }
  /// bytes(in): copies `in`.
  void bytes(std::span<const std::byte> in) noexcept {
    if (!room(in.size())) return;
    if (!in.empty()) std::memcpy(out_.data() + position_, in.data(), in.size());
    position_ += in.size();
  }
  /// zeros(n): n zero bytes (padding).
  void zeros(std::size_t n) noexcept {
    if (!room(n)) return;
    if (n != 0) std::memset(out_.data() + position_, 0, n);
    position_ += n;
  }

  /// begin_prefix(width): reserves a big-endian length prefix of 1 to 4
  /// bytes; end_prefix() fills it with the bytes written in between, or
  /// fails the writer when they do not fit in the width.
  prefix begin_prefix(std::size_t width) noexcept {
    ATOLL_ASSERT(width >= 1 && width <= 4);
    const prefix p{position_, width};
    zeros(width);
    return p;
  }
  void end_prefix(const prefix& p) noexcept {
    if (failed_) return;
    ATOLL_ASSERT(p.width >= 1 && p.width <= 4 && p.at + p.width <= position_);
    const std::uint64_t length = position_ - p.at - p.width;
    if (length >= (std::uint64_t{1} << (8 * p.width))) {
      failed_ = true;
      return;
    }
    for (std::size_t i = 0; i < p.width; ++i) {
      out_[p.at + i] = static_cast<std::byte>(length >> (8 * (p.width - 1 - i)));
    }
  }

  /// position: bytes written so far.
  [[nodiscard]] constexpr std::size_t position() const noexcept { return position_; }
  /// remaining: room left.
  [[nodiscard]] constexpr std::size_t remaining() const noexcept { return out_.size() - position_; }
  /// failed: a write did not fit (or a prefix overflowed); sticky.
  [[nodiscard]] constexpr bool failed() const noexcept { return failed_; }
  /// written: the bytes written so far.
  [[nodiscard]] std::span<std::byte> written() const noexcept { return out_.first(position_); }
  /// finish: the number of bytes written, or errc::limit_exceeded when any
  /// write did not fit.
  [[nodiscard]] result<std::size_t> finish() const noexcept {
    if (failed_) return error(errc::limit_exceeded, "byte_writer: out of room");
    return position_;
  }

private:
  bool room(std::size_t n) noexcept {
    if (failed_ || n > remaining()) {
      failed_ = true;
      return false;
    }
    return true;
  }
  void be(std::uint64_t v, std::size_t width) noexcept {
    if (!room(width)) return;
    for (std::size_t i = 0; i < width; ++i) {
      out_[position_ + i] = static_cast<std::byte>(v >> (8 * (width - 1 - i)));
    }
    position_ += width;
  }

  std::span<std::byte> out_;
  std::size_t position_ = 0;
  bool failed_ = false;
};

}  // namespace atl
