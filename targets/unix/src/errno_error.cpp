#include "errno_error.hpp"

#include <cerrno>
#include <cstring>

namespace atl::unix_target {

errc errc_of(int err) noexcept {
  switch (err) {
    case ENOENT:
    case ENOTDIR: return errc::not_found;
    case EACCES:
    case EPERM:
    case EROFS:
    case EXDEV:  // openat2 RESOLVE_BENEATH: the path leads outside
    case ELOOP:  // a symlink loop, or a magic link refused
      return errc::permission_denied;
    case EEXIST: return errc::exists;
    case ENOMEM: return errc::no_memory;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
    case EMFILE:
    case ENFILE: return errc::limit_exceeded;
    case EINVAL:
    case EISDIR:
    case ENAMETOOLONG: return errc::invalid_argument;
    case EAGAIN:
    case EBUSY: return errc::busy;
    case ENOSYS:
    case EOPNOTSUPP: return errc::unsupported;
    case EPIPE: return errc::closed;
    default: return errc::io_error;
  }
}

error errno_error(std::string_view what, std::string_view subject, int err) noexcept {
  const char* name = ::strerrorname_np(err);
  const std::string_view code = name != nullptr ? name : "unknown errno";
  if (subject.empty()) return error(errc_of(err), what, ": ", code);
  return error(errc_of(err), what, " '", subject, "': ", code);
}

}  // namespace atl::unix_target
