// errno_error: a host failure as an atl::error. Private to targets/unix.
#pragma once

#include <atoll/core/result.hpp>

#include <string_view>

namespace atl::unix_target {

/// errc_of(err): the category of an errno value (ENOENT -> not_found, ...).
[[nodiscard]] errc errc_of(int err) noexcept;

/// errno_error(what, subject, err): "what 'subject': ENOENT" with the category
/// of `err`; `subject` may be empty.
[[nodiscard]] error errno_error(std::string_view what, std::string_view subject, int err) noexcept;

}  // namespace atl::unix_target
