// The files of `atoll cert`: new certificates and keys written whole or not
// at all, keys readable by their owner only.
#pragma once

#include <atoll/core/result.hpp>

#include <span>
#include <string>

namespace atl::tool::cert {

/// output_file: one file to write; a `secret` one (a private key) gets mode
/// 0600, the others 0644 (less if the umask says so).
struct output_file {
  std::string path;
  std::string bytes;
  bool secret = false;
};

/// write_outputs(files, force): writes every file through a temporary file
/// in its folder and a rename, so a reader never sees half a key. Without
/// `force`, fails with errc::exists before writing anything if one of them
/// exists; when one cannot be written, those written before it are removed
/// again (without `force`). Errors name the path and the system's reason
/// (io_error).
result<void> write_outputs(std::span<const output_file> files, bool force);

/// read_input(path): the file's bytes (at most 1 MiB: certificates and keys
/// are small); not_found or io_error naming the path and the reason.
result<std::string> read_input(const std::string& path);

}  // namespace atl::tool::cert
