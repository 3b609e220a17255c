// option_walker: the kind-length-value options of IPv4 (RFC 791) and TCP
// (RFC 9293): kind 0 ends the list, kind 1 is a one-byte no-op, every other
// option has a length byte counting the kind and length bytes themselves.
//
// The walk is bounded by construction: each step consumes at least one
// byte of the (at most 40-byte) option area, and an option whose length is
// below 2 (0 or 1 would never advance) or runs past the area is an error,
// errc::corrupt, after which the walker stays at the end.
#pragma once

#include <atoll/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace atl::net {

/// wire_option: one option; `data` is its value, without kind and length.
struct wire_option {
  std::uint8_t kind = 0;
  std::span<const std::byte> data;
};

class option_walker {
public:
  static constexpr std::uint8_t end_of_list = 0;
  static constexpr std::uint8_t no_operation = 1;

  constexpr explicit option_walker(std::span<const std::byte> options) noexcept
      : options_(options) {}

  /// next: the next option other than no-ops; std::nullopt at the end of
  /// the list or of the area; errc::corrupt for a length below 2 or past the
  /// end of the area.
  result<std::optional<wire_option>> next() noexcept;

private:
  std::span<const std::byte> options_;
  std::size_t at_ = 0;
};

/// check_options(options): walks the whole list; the first error, if any.
result<void> check_options(std::span<const std::byte> options) noexcept;

}  // namespace atl::net
